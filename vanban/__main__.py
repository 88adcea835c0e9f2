"""`python -m vanban` is the `vanban` command."""
from vanban.pipeline.cli import main

if __name__ == "__main__":
    main()
