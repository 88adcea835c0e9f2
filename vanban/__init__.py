"""vanban: structured data from Vietnamese official documents.

The import package is `vanban`; the design's folders are its subpackages
(`vanban.schemas`, `vanban.extractors`, `vanban.pipeline`), mapped from the
repository's top-level folders by pyproject.toml.

    import vanban
    ex = vanban.extract_file("quyet-dinh.pdf")          # a path, or bytes with name=
    ex = vanban.extract_text("Căn cứ Luật ...")
    for c in ex.citations: print(c.number, c.start, c.end)

Heavy modules are imported on first use, so `import vanban` stays cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

__all__ = ["__version__", "extract_file", "extract_text", "text_of", "ReadError", "Extraction"]

if TYPE_CHECKING:  # pragma: no cover
    from vanban.pipeline.extract import extract_file, extract_text, text_of
    from vanban.pipeline.readers.base import ReadError
    from vanban.schemas.models import Extraction

_LAZY = {
    "extract_file": "vanban.pipeline.extract",
    "extract_text": "vanban.pipeline.extract",
    "text_of": "vanban.pipeline.extract",
    "ReadError": "vanban.pipeline.readers.base",
    "Extraction": "vanban.schemas.models",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'vanban' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
