"""What every part of the PDF reader shares: the PDFium lock, limits, settings from the
environment, and the page record the reading steps fill in."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field


from vanban.pipeline.readers import ocr

# PDFium is not thread-safe: every call into it, from any thread of the process, goes
# through this lock (tesseract runs outside it).
_PDFIUM_LOCK = threading.RLock()

MB = 1 << 20
MAX_CHARS_PER_PAGE = 200_000
MAX_IMAGE_PIXELS = 250_000_000      # an embedded image bigger than this is not decoded
OCR_DPI = ocr.DPI

# --- configuration -------------------------------------------------------------------


def _env_num(name: str, default: float, lo: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        val = float(raw)
    except ValueError:
        return default
    return val if val >= lo else default


def _settings() -> dict:
    return {
        "max_pages": int(_env_num("VANBAN_MAX_PAGES", 500, 1)),
        "ocr": os.environ.get("VANBAN_OCR", "1").strip().lower() not in {"0", "false", "no", "off"},
        "ocr_timeout": _env_num("VANBAN_OCR_TIMEOUT", 300.0, 1),
        "max_page_pixels": int(_env_num("VANBAN_MAX_PAGE_PIXELS", 40_000_000, 1_000_000)),
        "workers": max(1, min(2, os.cpu_count() or 1)),
    }



@dataclass
class _Page:
    number: int
    text: str = ""
    garbled: bool = False
    usable: bool = True
    ocr: bool = False
    ocr_text: str | None = None
    cover: float = 0.0
    image_px: int = 0
    mask: list = field(default_factory=list)    # text-layer boxes to hide from OCR
    sig_block: bool = False                     # a signature title line in the right column
    probes: list = field(default_factory=list)  # _SigProbe: signature images to read a name from


# An item is a list [text, x0, y0, x1, y1, space_after, seq(, conf)]: a glyph (text layer)
# or a word (OCR), with a box in PDF points (y grows upwards) and its position in the
# content stream (seq; -1 for OCR words, where every pair of words is separated by a
# space). OCR words also carry tesseract's confidence (0-100).

_T, _X0, _Y0, _X1, _Y1, _SP, _SEQ, _CONF = range(8)
