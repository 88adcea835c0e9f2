"""What an ingest reports: its summary (counts, status, exit code) and that
summary as the text `vanban ingest` prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vanban.pipeline.batch.common import EXIT_FAILED_FILES, EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK


@dataclass
class Summary:
    files: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    not_documents: int = 0             # entries under the folders that are not documents (see Found.skipped)
    failed: int = 0                    # all failing files, known ones included
    known_failed: int = 0              # failures not retried (file unchanged)
    pruned: int = 0
    seconds: float = 0.0
    run_id: int | None = None
    status: str = "running"
    failures: list[tuple[str, str, str]] = field(default_factory=list)   # (path, class, message)

    @property
    def exit_code(self) -> int:
        if self.status == "interrupted":
            return EXIT_INTERRUPTED
        if self.status == "error":
            return EXIT_FATAL
        return EXIT_FAILED_FILES if self.failed else EXIT_OK

    def as_dict(self) -> dict[str, Any]:
        return {"files": self.files, "new": self.new, "updated": self.updated, "skipped": self.skipped,
                "not_documents": self.not_documents, "failed": self.failed, "known_failed": self.known_failed, "pruned": self.pruned,
                "seconds": round(self.seconds, 3), "run_id": self.run_id, "status": self.status,
                "exit_code": self.exit_code}


def format_summary(s: Summary, db: str, executor: str, max_failures: int = 10) -> str:
    failed = f"{s.failed} failed"
    if s.known_failed:
        failed += f" ({s.known_failed} unchanged since they failed, not retried: --retry-failed)"
    lines = [f"vanban ingest: {s.files} files in {s.seconds:.1f} s: {s.new} new, {s.updated} updated, "
             f"{s.skipped} skipped, {failed}" + (f"; {s.pruned} pruned" if s.pruned else "")
             + (f"; {s.not_documents} other entries are not documents (--log-json lists them)"
                if s.not_documents else ""),
             f"  store {db}, run {s.run_id}, {executor}"]
    for path, cls, msg in s.failures[:max_failures]:
        lines.append(f"  failed: {msg if msg.startswith(path) else f'{path}: {msg}'} [{cls}]")
    if len(s.failures) > max_failures:
        lines.append(f"  … and {len(s.failures) - max_failures} more: "
                     f"vanban sql \"SELECT path, error_class, message FROM failures\" --db {db}")
    return "\n".join(lines)
