#!/usr/bin/env bash
# Set up vanban on a fresh machine: a virtual environment at .venv with the
# pinned versions (constraints.txt), and the OCR engine for scanned PDFs.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# EXTRAS: which optional groups to install (the test command adds `baselines`,
# the GPL underthesea the benchmark compares against; it is never a dependency).
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[${EXTRAS:-dev,notebooks,web}]"

# Tesseract with the Vietnamese model reads scanned pages (Apache-2.0, Debian
# packages). Optional: without it, scans come out empty with a clear warning.
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-vie >/dev/null) \
      || echo "setup: could not install tesseract-ocr; scanned PDFs will not be OCR'd" >&2
  else
    echo "setup: install tesseract-ocr and tesseract-ocr-vie to read scanned PDFs" >&2
  fi
fi
# Chromium (Debian's package) is the real browser the `vanban serve` tests drive
# through Playwright; Playwright's own browser download is never used.
if [ "${BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        chromium fonts-dejavu-core >/dev/null) \
      || echo "setup: could not install chromium; the browser tests of vanban serve will fail" >&2
  else
    echo "setup: install Debian's chromium (apt-get install chromium) for the browser tests" >&2
  fi
fi
echo "setup: ready (.venv/bin/vanban)"
