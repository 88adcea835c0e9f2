"""The import package is `vanban`: the design's folders are its subpackages, and
no module imports them under a top-level name a user's own files could shadow."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"vanban": "vanban", "vanban.schemas": "schemas", "vanban.extractors": "extractors",
           "vanban.pipeline": "pipeline"}


def _declared() -> tuple[list[str], dict[str, str]]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return cfg["packages"], cfg["package-dir"]


def test_every_package_folder_is_declared_under_vanban():
    packages, package_dir = _declared()
    assert package_dir == FOLDERS
    found = set()
    for pkg, folder in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((pkg, *rel)))
    # the rest of the list is data-only folders (no Python in them), declared so
    # their files ship as package data; each must exist and hold no code
    data_only = set(packages) - found
    for name in data_only:
        top = next(p for p in sorted(FOLDERS, key=len, reverse=True) if name.startswith(p + "."))
        folder = ROOT / FOLDERS[top] / Path(*name[len(top) + 1:].split("."))
        assert folder.is_dir() and not list(folder.glob("*.py")), name
    assert found <= set(packages)


def test_no_module_imports_a_bare_top_level_name():
    bare = re.compile(r"(?m)^\s*(?:from|import)\s+(pipeline|extractors|schemas)\b")
    offenders = []
    for folder in ("vanban", "schemas", "extractors", "pipeline", "tests", "benchmarks", "scripts"):
        for f in (ROOT / folder).rglob("*.py"):
            if bare.search(f.read_text(encoding="utf-8")):
                offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []


def test_layers_point_one_way():
    """schemas <- extractors <- pipeline <- interfaces: nothing imports upward."""
    upward = {"schemas": r"vanban\.(extractors|pipeline)", "extractors": r"vanban\.pipeline"}
    offenders = []
    for folder, pattern in upward.items():
        rx = re.compile(rf"(?m)^\s*(?:from|import)\s+{pattern}\b")
        for f in (ROOT / folder).rglob("*.py"):
            if rx.search(f.read_text(encoding="utf-8")):
                offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []


def test_interfaces_sit_on_top():
    """The CLI and the web are interfaces: no library module imports them."""
    rx = re.compile(r"(?m)^\s*(?:from|import)\s+vanban\.pipeline\.(cli|web)\b")
    offenders = []
    for f in (ROOT / "pipeline").rglob("*.py"):
        rel = f.relative_to(ROOT / "pipeline").parts
        if rel[0] in ("cli", "web"):
            continue
        if rx.search(f.read_text(encoding="utf-8")):
            offenders.append(str(f.relative_to(ROOT)))
    assert offenders == []


def test_version_is_one_value():
    import vanban
    from vanban.pipeline.extract import EXTRACTOR_VERSION

    assert re.fullmatch(r"\d+\.\d+\.\d+", vanban.__version__)
    assert EXTRACTOR_VERSION.startswith(vanban.__version__ + "+")
