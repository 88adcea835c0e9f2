"""`vanban serve`: the local web application (see pipeline.web). `pipeline.cli`
calls `register(app)`. The web stack is the optional extra `web`."""
from __future__ import annotations

import importlib
import ipaddress
import sys
from pathlib import Path
from typing import Optional

import typer

from vanban.pipeline.cli.store import DB_HELP, _err

WEB_MODULES = {"starlette": "starlette", "uvicorn": "uvicorn", "jinja2": "jinja2", "multipart": "python-multipart"}

SERVE_HELP = """Serve a local web application over the store: upload a document and see
every item highlighted in its text; browse and filter the stored documents;
compare provinces' targets (with a chart and CSV); explore the citation graph.
Every page has a JSON API under /api (listed at /api).

The store is opened read-only, for each request; the one write is "Thêm vào
kho" (add an uploaded file), which runs `vanban ingest` on it under the
store's lock, keeping the file in the uploads folder (default: DB.uploads).
Uploads are limited in size, and read in a worker process limited in time and
memory. The server listens on 127.0.0.1 unless --host says otherwise.

Needs the `web` extra: pip install 'vanban\\[web]'.
"""


def _missing_web() -> list[str]:
    missing = []
    for mod, pkg in WEB_MODULES.items():
        try:
            importlib.import_module(mod)
        except ImportError:
            missing.append(pkg)
    return missing


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    @app.command(help=SERVE_HELP)
    def serve(
        db: Path = typer.Option(Path("vanban.duckdb"), "--db", help=DB_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface, "
                                                             "so anyone on the network can read the store)."),
        port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on."),
        uploads: Optional[Path] = typer.Option(None, "--uploads", help="Folder that keeps files added to the store "
                                                                       "from the browser (default: DB.uploads)."),
        max_upload_mb: float = typer.Option(25.0, "--max-upload-mb", min=0.001, help="Largest upload accepted, in MB."),
        timeout: float = typer.Option(60.0, "--timeout", min=1.0, metavar="SECONDS",
                                      help="Time limit to read and extract one upload; past it the worker is "
                                           "killed and the upload refused."),
        memory_limit: int = typer.Option(2048, "--memory-limit", min=0, metavar="MB",
                                         help="Memory (address space) limit of the upload worker (0: none)."),
        workers: int = typer.Option(1, "--workers", min=1, max=16, help="Upload worker processes."),
    ) -> None:
        missing = _missing_web()
        if missing:
            _err(f"`vanban serve` needs the web extra ({', '.join(missing)} not installed): "
                 "pip install 'vanban[web]'")
            raise typer.Exit(1)
        import uvicorn

        from vanban.pipeline.web.app import Settings, create_app

        # Answer only to local host names (a page elsewhere that resolves to 127.0.0.1 cannot read the store).
        allowed = sorted({host.strip("[]"), "127.0.0.1", "localhost", "::1"}) if _is_loopback(host) else ["*"]
        settings = Settings(db=str(db), uploads_dir=str(uploads) if uploads else None, max_upload_mb=max_upload_mb,
                            timeout=timeout, memory_mb=memory_limit or None, workers=workers, allowed_hosts=allowed)
        if not _is_loopback(host):
            _err(f"listening on {host}: anyone who can reach this machine can read the store and upload files")
        if not db.exists():
            _err(f"no store at {db} yet: pages that read it say so; create it with `vanban ingest PATH --db {db}`")
        shown = f"[{host}]" if ":" in host else host
        print(f"vanban serve: http://{shown}:{port}/  (store {db}, read-only; Ctrl-C to stop)", file=sys.stderr,
              flush=True)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False,
                    server_header=False, timeout_graceful_shutdown=5)
