"""Planning: what to extract, what to skip, what only needs its mtime updated."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from vanban.pipeline.batch.common import shown


@dataclass
class Todo:
    path: str
    size: int | None
    mtime_ns: int | None
    label: str            # "new" | "updated" (what success will count as)


@dataclass
class Plan:
    todo: list[Todo] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)                      # stored and unchanged
    known_failures: list[tuple[str, str, str]] = field(default_factory=list)   # (path, class, message)
    touch: list[tuple[str, int]] = field(default_factory=list)            # same content, new mtime
    unstattable: list[tuple[str, str]] = field(default_factory=list)       # (path, message)


def make_plan(files: list[str], known: dict, version: str, force: bool = False,
              retry_failed: bool = False, failure_messages: dict[str, tuple[str, str]] | None = None,
              key: Callable[[str], str | None] | None = None) -> Plan:
    """What to do with each file; `known` and `failure_messages` are keyed by the
    store's path for a file, `key(path)` (default: the path itself)."""
    from vanban.pipeline.store import sha256_file

    plan = Plan()
    for path in files:
        try:
            st = os.stat(path)
        except OSError as e:
            plan.unstattable.append((path, f"{shown(path)}: {e.strerror}"))
            continue
        size, mtime = st.st_size, st.st_mtime_ns
        kp = (key(path) if key else None) or path
        k = known.get(kp)
        if k is None:
            plan.todo.append(Todo(path, size, mtime, "new"))
            continue
        label = "updated" if k.kind == "document" else "new"
        if force or k.extractor_version != version or (k.kind == "failure" and retry_failed):
            plan.todo.append(Todo(path, size, mtime, label))
            continue
        same = k.size == size and k.mtime_ns == mtime
        if not same and k.size == size and k.sha256:
            try:
                same = sha256_file(path) == k.sha256
            except OSError:
                same = False
            if same:
                plan.touch.append((path, mtime))
        if not same:
            plan.todo.append(Todo(path, size, mtime, label))
        elif k.kind == "document":
            plan.skipped.append(path)
        else:
            cls, msg = (failure_messages or {}).get(kp, (k.error_class or "", ""))
            plan.known_failures.append((path, cls, msg))
    return plan
