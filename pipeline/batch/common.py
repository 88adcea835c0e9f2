"""What every part of the batch runner shares: its defaults, the exit codes of
`vanban ingest`, the executor error, and how a path is shown."""
from __future__ import annotations

import os
import re

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 1200           # per worker; env VANBAN_MEMORY_MB, --memory-limit
ITEM_KINDS = ("citations", "dates", "commemorations", "targets", "signatories")

# Exit codes of `vanban ingest` (documented in its --help).
EXIT_OK = 0
EXIT_FATAL = 1
EXIT_USAGE = 2
EXIT_FAILED_FILES = 3
EXIT_BUSY = 4
EXIT_INTERRUPTED = 130


class ExecutorError(Exception):
    """The executor cannot run (workers fail to start, scheduler unreachable)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(text: str) -> str:
    """A path (or a message naming one) as text that can be printed and stored
    on one line: bytes of a file name that are not UTF-8, and control characters
    (a newline in a name), are written as \\xNN escapes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            text = os.fsencode(text).decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "backslashreplace").decode("ascii")
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text
