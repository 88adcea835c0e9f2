"""What the benchmark's parts share: the kinds, the stages, the goals, a clock and a log."""
from __future__ import annotations

import time

SCHEMA_VERSION = 1
KINDS = ("citations", "dates", "commemorations", "targets", "signatories")
STAGES = ("read", "clean", "structure", "metadata", "citations", "commemorations", "dates", "targets", "signatories")
DATEPARSER_LANGUAGES = ["vi"]
GOALS = {
    "text_vs_underthesea_ner": 100.0,      # chars/s ratio, at least
    "text_vs_dateparser": 30.0,            # chars/s ratio, at least
    "text_chars_per_s": 3_000_000.0,       # in-process, one core, at least
    "linear_time_ratio": 10.0,             # CPU time of 8x the text / of the text, at most
    "pdf_vs_pdfplumber": 10.0,             # pages/s ratio, at least
    "ingest_10k_seconds_2_cores": 300.0,   # at most
    "rerun_percent": 2.0,                  # at most
    "peak_rss_mb": 1024.0,                 # at most
    "rss_growth": 1.2,                     # peak RSS at N / at N/10, at most ("flat")
}
# --quick: a few small documents and a small ingest, for the test suite.
QUICK_TEXTS = ("seed_000.txt", "seed_004.txt", "135_news-binh-dinh-ky-niem-50-nam-giai-phong-mien-nam.txt",
               "140_news-binh-dinh-thu-hut-36-du-an-dau-tu.txt", "026_nghi-quyet-36-2025-nq-hdnd-hdnd-tp-hue.txt")
QUICK_PDFS = ("073_to-trinh-124-ttr-snv-ke-hoach-thi-dua-cchc-2026.pdf",)


def now() -> float:
    return time.perf_counter()


def log(msg: str = "") -> None:
    print(msg, flush=True)
