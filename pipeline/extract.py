"""Run the whole extraction on one file or one string.

read -> clean -> components (metadata, citations, commemorations, dates,
targets, signatories) -> `Extraction`. The library entry points are
`extract_file` and `extract_text`; the CLI and the batch runner call them.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from vanban.pipeline.clean import clean
from vanban.pipeline.structure import parse_structure
from vanban.schemas.document import Component, Doc
from vanban.pipeline.readers import RawDocument, read_document
from vanban.schemas.models import Extraction, Source

def _code_version() -> str:
    """The package version plus a digest of the code and rule data that decide
    what is extracted: a store re-extracts a file when any of it changes."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    files = sorted([*root.glob("extractors/**/*.py"), *root.glob("extractors/data/*.yaml"),
                    *root.glob("pipeline/readers/**/*.py"), *root.glob("pipeline/readers/data/*"),
                    *root.glob("pipeline/structure/**/*.py"),
                    root / "pipeline" / "clean.py", root / "pipeline" / "extract.py", root / "schemas" / "models.py",
                    root / "schemas" / "structure.py"])
    for f in files:
        if f.is_file():
            h.update(f.relative_to(root).as_posix().encode())
            h.update(f.read_bytes())
    from vanban import __version__

    return f"{__version__}+{h.hexdigest()[:12]}"


EXTRACTOR_VERSION = _code_version()


def default_components() -> list[Component]:
    from vanban.extractors.citations import CitationExtractor
    from vanban.extractors.commemorations import CommemorationExtractor
    from vanban.extractors.dates import DateExtractor
    from vanban.extractors.metadata import MetadataExtractor
    from vanban.extractors.signatories import SignatoryExtractor
    from vanban.extractors.targets import TargetExtractor
    return [MetadataExtractor(), CitationExtractor(), CommemorationExtractor(), DateExtractor(),
            TargetExtractor(), SignatoryExtractor()]


_COMPONENTS: list[Component] | None = None


def components() -> list[Component]:
    global _COMPONENTS
    if _COMPONENTS is None:
        _COMPONENTS = default_components()
    return _COMPONENTS


def run_components(doc: Doc, comps: list[Component] | None = None,
                   timings: dict[str, float] | None = None) -> Doc:
    for comp in comps or components():
        missing = [r for r in comp.requires if r not in doc.results]
        if missing:
            raise RuntimeError(f"component {comp.name} needs {missing}, which no earlier component produced")
        t0 = time.perf_counter()
        comp(doc)
        if timings is not None:
            timings[comp.name] = timings.get(comp.name, 0.0) + time.perf_counter() - t0
        if comp.produces not in doc.results:
            raise RuntimeError(f"component {comp.name} did not produce {comp.produces}")
    return doc


def build_extraction(raw: RawDocument, data: bytes | None = None,
                     timings: dict[str, float] | None = None) -> Extraction:
    t0 = time.perf_counter()
    doc = Doc(clean=clean(raw))
    if timings is not None:
        timings["clean"] = timings.get("clean", 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    doc.structure = parse_structure(doc.clean)
    if timings is not None:
        timings["structure"] = timings.get("structure", 0.0) + time.perf_counter() - t0
    run_components(doc, timings=timings)
    sha = hashlib.sha256(data if data is not None else raw.text.encode("utf-8")).hexdigest()
    source = Source(path=raw.path, sha256=sha, format=raw.format,
                    size=len(data) if data is not None else None,
                    pages=len(raw.pages) or None, ocr_pages=raw.ocr_pages)
    r = doc.results
    return Extraction(
        source=source, document=r["document"], citations=r["citations"], dates=r["dates"],
        commemorations=r["commemorations"], targets=r["targets"], signatories=r["signatories"],
        warnings=raw.warnings + doc.warnings, extractor_version=EXTRACTOR_VERSION,
    )


def extract_file(path: str | Path, timings: dict[str, float] | None = None) -> Extraction:
    """Read, clean and extract one file. Raises `ReadError` naming the file."""
    t0 = time.perf_counter()
    raw = read_document(path)
    if timings is not None:
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - t0
    data = Path(path).read_bytes()
    return build_extraction(raw, data, timings)


def extract_text(text: str, path: str = "<text>") -> Extraction:
    """Extract from a string, as if it were a .txt file."""
    return build_extraction(RawDocument(path=path, format="txt", text=text))


def text_of(path: str | Path) -> str:
    """The normalized text every offset refers to (`vanban text FILE`)."""
    return clean(read_document(path)).text
