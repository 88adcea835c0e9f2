"""Run the whole extraction on one file or one string.

read -> clean -> components (metadata, citations, commemorations, dates,
targets, signatories) -> `Extraction`. The library entry points are
`extract_file` and `extract_text`; the CLI and the batch runner call them.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
import time
from pathlib import Path

from vanban.pipeline.clean import clean
from vanban.pipeline.readers import RawDocument, ReadError, read_document
from vanban.pipeline.readers.sniff import SUFFIXES, check_size, sniff
from vanban.pipeline.structure import parse_structure
from vanban.schemas.document import CleanText, Component, Doc
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


def _extract(raw: RawDocument, data: bytes | None = None,
             timings: dict[str, float] | None = None) -> tuple[Extraction, CleanText]:
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
    ex = Extraction(
        source=source, document=r["document"], citations=r["citations"], dates=r["dates"],
        commemorations=r["commemorations"], targets=r["targets"], signatories=r["signatories"],
        warnings=raw.warnings + doc.warnings, extractor_version=EXTRACTOR_VERSION,
    )
    return ex, doc.clean


def build_extraction(raw: RawDocument, data: bytes | None = None,
                     timings: dict[str, float] | None = None) -> Extraction:
    return _extract(raw, data, timings)[0]


def _read_data(data: bytes, name: str) -> RawDocument:
    """Read a document given as bytes, named `name` in errors, warnings and
    `source.path`; the format comes from the bytes, as for a file.

    Text and HTML are decoded in memory. The PDF and Word readers work on a
    file (pdfium, zip, LibreOffice), so their bytes go to a private temporary
    directory, removed as soon as the reader returns; every message names
    `name`, never the temporary file."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected a path or bytes, got {type(data).__name__}")
    data = bytes(data)
    check_size(name, len(data))
    if not data:
        raise ReadError(name, "empty file")
    head = data[:8192]
    zipped = head.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    kind = None if zipped else sniff(Path(name), head).kind
    if kind in ("txt", "html"):           # readers that decode bytes in memory
        if kind == "txt":
            from vanban.pipeline.readers.txt import read_txt as reader
        else:
            from vanban.pipeline.readers.html import read_html as reader
        suffix = Path(name).suffix.lower()
        warnings = []
        if SUFFIXES.get(suffix) not in (None, kind):
            what = "plain text" if kind == "txt" else "HTML"
            warnings.append(f"named {suffix} but the content is {what}: read as {kind}")
        try:
            raw = reader(name, data=data)
        except ReadError:
            raise
        except Exception as e:      # a reader bug must not become a traceback
            raise ReadError(name, f"could not read as {kind}: {type(e).__name__}: {e}")
        raw.warnings = warnings + list(raw.warnings)
        return raw
    with tempfile.TemporaryDirectory(prefix="vanban-bytes-") as tmp:
        # Only the extension comes from `name` (the readers' hint): no path of the caller's.
        suffix = Path(name).suffix.lower()
        f = Path(tmp) / ("document" + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""))
        f.write_bytes(data)
        try:
            raw = read_document(f)
        except ReadError as e:
            raise ReadError(name, e.problem.replace(str(f), name)) from None
    raw.path = name
    raw.warnings = [w.replace(str(f), name) for w in raw.warnings]
    return raw


def _read(path_or_bytes: str | Path | bytes, name: str | None) -> tuple[RawDocument, bytes]:
    if isinstance(path_or_bytes, (str, Path)):
        raw = read_document(path_or_bytes)
        return raw, Path(path_or_bytes).read_bytes()
    data = bytes(path_or_bytes) if isinstance(path_or_bytes, (bytearray, memoryview)) else path_or_bytes
    return _read_data(data, name or "<bytes>"), data


def extract_file(path_or_bytes: str | Path | bytes, name: str | None = None,
                 timings: dict[str, float] | None = None) -> Extraction:
    """Read, clean and extract one document: a path, or the file's bytes.

    With bytes, `name` (a file name such as "kh-300.pdf") names the document in
    `source.path` and in errors; its extension is only a hint, the format is
    read from the bytes. Raises `ReadError` naming the file (or `name`)."""
    return extract_with_text(path_or_bytes, name, timings)[0]


def extract_with_text(path_or_bytes: str | Path | bytes, name: str | None = None,
                      timings: dict[str, float] | None = None) -> tuple[Extraction, str]:
    """`extract_file`, and the normalized text its offsets refer to, from one read."""
    t0 = time.perf_counter()
    raw, data = _read(path_or_bytes, name)
    if timings is not None:
        timings["read"] = timings.get("read", 0.0) + time.perf_counter() - t0
    ex, ct = _extract(raw, data, timings)
    return ex, ct.text


def extract_text(text: str, path: str = "<text>") -> Extraction:
    """Extract from a string, as if it were a .txt file."""
    return build_extraction(RawDocument(path=path, format="txt", text=text))


def extract_clean(text: str, path: str = "<text>") -> tuple[Extraction, CleanText]:
    """`extract_text`, and the `CleanText` whose offsets map every item back to
    `text` (the spaCy component uses it to place items on a Doc's own text)."""
    return _extract(RawDocument(path=path, format="txt", text=text))


def text_of(path_or_bytes: str | Path | bytes, name: str | None = None) -> str:
    """The normalized text every offset refers to (`vanban text FILE`)."""
    return clean(_read(path_or_bytes, name)[0]).text
