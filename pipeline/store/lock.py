"""The per-store lock that keeps two ingests apart (and lets readers in between documents)."""
from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path


from vanban.pipeline.store.tables import StoreBusy, utcnow

# ---------------------------------------------------------------------------
# The lock that keeps two ingests apart

def lock_path(db: str | Path) -> Path:
    return Path(str(db) + ".lock")


def ingest_holder(db: str | Path) -> int | None:
    """The pid of the ingest holding the store's lock, or None when it is free."""
    lp = lock_path(db)
    if not lp.exists():
        return None
    try:
        fd = os.open(lp, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return _read_pid(lp) or -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(lp: Path) -> int | None:
    try:
        return int(lp.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class IngestLock:
    """An exclusive `flock` on DB.lock, holding the owner's pid. The kernel drops
    it when the process dies, even on kill -9, so it is never stale."""

    def __init__(self, db: str | Path):
        self.path = lock_path(db)
        self.fd: int | None = None

    def acquire(self, wait: bool = False, on_wait=None) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                pid = _read_pid(self.path)
                holder = f"pid {pid}" if pid else "another process"
                if not wait:
                    raise StoreBusy(f"another vanban ingest ({holder}) is writing {str(self.path)[:-5]}; "
                                    "use --wait to wait for it") from None
                if on_wait:
                    on_wait(pid)
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {socket.gethostname()} {utcnow().isoformat()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            except OSError:
                pass
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "IngestLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
