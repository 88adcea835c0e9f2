"""Rule data lives in YAML files beside this module; `load` reads one once."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    with resources.files(__package__).joinpath(f"{name}.yaml").open(encoding="utf-8") as f:
        return yaml.safe_load(f)
