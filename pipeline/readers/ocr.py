"""Tesseract OCR helpers: find the CLI, run it on one page image, with a timeout.

The `tesseract` command line tool is called as a subprocess (no Python binding
needed). The page image goes in on stdin as PGM and the text comes back on
stdout, so nothing is written to disk. Each call has a timeout, and tesseract's
own OpenMP threading is capped at one thread because pages already run in
parallel (see `pipeline.readers.pdf`).
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess

LANG = "vie"
# Page segmentation mode 4 ("a single column of text of variable sizes") keeps
# the two-column header and signature block of official documents apart better
# than 3 on the dev scans, and reads the body the same (measured on 082/111).
DEFAULT_PSM = 4
DPI = 300


class OcrError(Exception):
    """Tesseract failed on one page (crash, bad output)."""


class OcrTimeout(OcrError):
    """Tesseract ran past its time limit and was killed."""


@functools.lru_cache(maxsize=None)
def tesseract_problem(lang: str = LANG) -> str | None:
    """None if `tesseract -l lang` can run here, else what is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed"
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        return f"tesseract does not run ({e})"
    langs = {ln.strip() for ln in (out.stdout + out.stderr).decode("utf-8", "replace").splitlines()}
    if lang not in langs:
        return f"the tesseract '{lang}' language model is not installed"
    return None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def ocr_image(image: bytes, *, lang: str = LANG, psm: int | None = None, dpi: int = DPI,
              timeout: float = 120.0, tsv: bool = False) -> str:
    """OCR one page image (any format leptonica reads: PGM, PNG, TIFF) to text,
    or with `tsv` to tesseract's TSV table of words with boxes and confidences.

    Raises OcrTimeout when tesseract takes longer than `timeout` seconds (the
    process is killed), OcrError when it fails.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrError("tesseract is not installed")
    cmd = [exe, "stdin", "stdout", "-l", lang, "--psm", str(psm or DEFAULT_PSM), "--dpi", str(dpi),
           "-c", "preserve_interword_spaces=0"]
    if tsv:
        cmd.append("tsv")
    if timeout <= 0:
        raise OcrTimeout("no time left for OCR")
    try:
        out = subprocess.run(cmd, input=image, capture_output=True, timeout=timeout,
                             env=_env(), check=False)
    except subprocess.TimeoutExpired:
        raise OcrTimeout(f"tesseract took longer than {timeout:.0f} s") from None
    except OSError as e:
        raise OcrError(f"tesseract could not start ({e})") from None
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed (exit {out.returncode}): {err[-1] if err else 'no message'}")
    return out.stdout.decode("utf-8", "replace")


def pgm_bytes(width: int, height: int, stride: int, buffer,
              white_out: list[tuple[int, int, int, int]] = ()) -> bytes:
    """A binary PGM (P5) image from an 8-bit grayscale buffer with row stride; the
    pixel boxes in `white_out` (x0, y0, x1, y1, end-exclusive) are painted white."""
    header = f"P5\n{width} {height}\n255\n".encode()
    mv = memoryview(buffer).cast("B")
    if stride == width:
        data = bytearray(mv[: width * height])
    else:
        data = bytearray(b"".join(bytes(mv[r * stride: r * stride + width]) for r in range(height)))
    for x0, y0, x1, y1 in white_out:
        x0, x1 = max(0, x0), min(width, x1)
        if x1 <= x0:
            continue
        white = b"\xff" * (x1 - x0)
        for r in range(max(0, y0), min(height, y1)):
            data[r * width + x0: r * width + x1] = white
    return header + bytes(data)


def osd_rotation(image: bytes, *, timeout: float = 30.0) -> int:
    """Clockwise rotation (0, 90, 180, 270) that turns the page upright, from tesseract's
    orientation detection; 0 when unsure or when detection fails (too little text)."""
    exe = shutil.which("tesseract")
    if exe is None or timeout <= 0:
        return 0
    try:
        out = subprocess.run([exe, "stdin", "stdout", "--psm", "0", "--dpi", str(DPI)], input=image,
                             capture_output=True, timeout=timeout, env=_env(), check=False)
    except (subprocess.TimeoutExpired, OSError):
        return 0
    rotate, conf = 0, 0.0
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        key, _, val = line.partition(":")
        try:
            if key.strip() == "Rotate":
                rotate = int(val.strip())
            elif key.strip() == "Orientation confidence":
                conf = float(val.strip())
        except ValueError:
            return 0
    return rotate if rotate in (90, 180, 270) and conf >= 2.0 else 0


def rotate_image(image: bytes, degrees_cw: int) -> tuple[bytes, int, int] | None:
    """The image turned clockwise, as PGM, with its width and height; None without Pillow."""
    try:
        import io

        from PIL import Image
    except ImportError:
        return None
    turn = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_90}[degrees_cw]
    with Image.open(io.BytesIO(image)) as im:
        out = im.convert("L").transpose(turn)
        buf = io.BytesIO()
        out.save(buf, format="PPM")
        return buf.getvalue(), out.width, out.height
