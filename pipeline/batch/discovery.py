"""Discovery: the documents under the paths an ingest is given.

Every entry under a folder ends up somewhere: a document to read, a problem
(recorded as a failure: a broken or looping symbolic link, a link leaving the
folder, a pipe or device, a folder that cannot be listed), or a skipped entry
that is not a document (another extension, or a link to a file the walk
reaches under its own name). Only hidden entries (a leading dot) and Office
owner files (~$x.docx) are passed over in silence."""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from typing import Iterable

from vanban.pipeline.batch.common import shown
from vanban.pipeline.readers.sniff import SUFFIXES   # the extensions `extract` reads are those ingest finds


def is_document_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUFFIXES


@dataclass
class Found:
    files: list[str] = field(default_factory=list)                    # documents to read
    problems: list[tuple[str, str]] = field(default_factory=list)     # (path, why): a failure each
    skipped: list[tuple[str, str]] = field(default_factory=list)      # (path, why): not documents
    empty: list[str] = field(default_factory=list)                    # folders given that hold no document


def _link_target(path: str) -> tuple[str | None, str | None]:
    """(the resolved target, None) or (None, why it cannot be followed)."""
    try:
        return os.path.realpath(path, strict=True), None
    except FileNotFoundError:
        return None, "broken symbolic link (its target does not exist)"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return None, "symbolic link loop"
        return None, f"cannot follow the symbolic link: {e.strerror or e}"


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(root: str, follow_symlinks: bool, found: Found) -> None:
    real_root = os.path.realpath(root)
    visited = {real_root}
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            found.problems.append((folder, f"cannot list the folder: {e.strerror or e}"))
            continue
        subfolders = []
        for e in entries:
            name, path = e.name, e.path
            if name.startswith((".", "~$")):
                continue
            try:
                st = os.stat(path, follow_symlinks=False)
            except OSError as ex:
                found.problems.append((path, f"cannot access: {ex.strerror or ex}"))
                continue
            if stat.S_ISLNK(st.st_mode):
                target, why = _link_target(path)
                if target is None:
                    found.problems.append((path, why))
                    continue
                if _within(target, real_root):
                    found.skipped.append((path, f"symbolic link to {shown(target)}, which is read under its own "
                                                "name"))
                    continue
                if not follow_symlinks:
                    found.problems.append((path, f"symbolic link to {shown(target)}, outside the folder: not "
                                                 "followed (--follow-symlinks to follow it)"))
                    continue
                try:
                    st = os.stat(path)
                except OSError as ex:
                    found.problems.append((path, f"cannot access: {ex.strerror or ex}"))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if target in visited:
                        found.skipped.append((path, f"symbolic link to {shown(target)}, a folder already read"))
                    else:
                        visited.add(target)
                        subfolders.append(path)
                    continue
            if stat.S_ISDIR(st.st_mode):
                subfolders.append(path)
            elif not stat.S_ISREG(st.st_mode):
                found.problems.append((path, "not a regular file (a pipe, socket or device)"))
            elif is_document_name(name):
                found.files.append(path)
            else:
                ext = os.path.splitext(name)[1].lower()
                found.skipped.append((path, f"not a document type vanban reads ({ext or 'no extension'})"))
        stack.extend(reversed(subfolders))


def find_documents(paths: Iterable[str | os.PathLike], follow_symlinks: bool = False,
                   missing_ok: bool = False, as_given: bool = False) -> Found:
    """What is under PATHS: absolute paths, documents sorted and each once; with
    `as_given`, paths as given (relative stays relative) and documents in the
    order given (a folder's in name order, its files before its subfolders'),
    repeats kept. Folders are walked recursively for the extensions in
    `SUFFIXES`; a file named explicitly is taken whatever its extension (the
    reader says if it cannot read it). A missing PATH raises FileNotFoundError,
    or with `missing_ok` is a document whose reading will say so."""
    found = Found()
    for p in paths:
        ap = os.fspath(p) if as_given else os.path.abspath(os.fspath(p))
        if os.path.isdir(ap):
            n = len(found.files) + len(found.problems)
            _walk(ap, follow_symlinks, found)
            if len(found.files) + len(found.problems) == n:
                found.empty.append(ap)
        elif os.path.lexists(ap) or missing_ok:
            found.files.append(ap)
        else:
            raise FileNotFoundError(f"{shown(os.fspath(p))}: no such file or directory")
    if not as_given:
        found.files = sorted(set(found.files))
    return found


def discover(paths: Iterable[str | os.PathLike], follow_symlinks: bool = False) -> list[str]:
    """Absolute paths of the documents under PATHS, sorted (see `find_documents`)."""
    return find_documents(paths, follow_symlinks).files
