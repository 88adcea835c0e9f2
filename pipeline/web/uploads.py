"""Uploaded files: where they wait, how they are read, and the explicit "add".

An upload is written (in chunks, up to the size limit) under a staging folder
that the server owns and removes when it stops; only the last `max_staged`
uploads are kept. `analyse` runs in a worker process (see `worker`): the same
reader, cleaning and extractors as `vanban extract`, plus the text every offset
refers to and the document's outline. "Add to the store" copies the file to
the uploads folder beside the store and runs `vanban.pipeline.batch.ingest` on it
in a child process, so the write takes the store's ingest lock and follows
every rule of `vanban ingest`.
"""
from __future__ import annotations

import hashlib
import io
import json
import multiprocessing as mp
import os
import re
import secrets
import shutil
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vanban.pipeline.web import labels

TOKEN_RE = re.compile(r"[0-9a-f]{32}")
ACCEPTED = (".txt", ".pdf", ".html", ".htm", ".docx", ".doc")


def safe_name(name: str | None) -> str:
    """A file name that is only a name: no folders, no control characters,
    no leading dots, at most 100 characters before the extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")
    stem, ext = os.path.splitext(name)
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", ext or ""):
        stem, ext = name, ""
    stem = stem[:100].strip(" .") or "tai-lieu"
    return stem + ext.lower()


@dataclass
class Staged:
    token: str
    name: str
    folder: Path
    size: int = 0
    sha256: str = ""
    created: float = 0.0

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def result_path(self) -> Path:
        return self.folder / "result.json"

    def result(self) -> dict | None:
        try:
            return json.loads(self.result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


class TooLarge(Exception):
    pass


class Staging:
    """The uploads waiting to be looked at (and maybe added), newest last."""

    def __init__(self, root: Path, max_staged: int = 32):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_staged = max_staged
        self.items: OrderedDict[str, Staged] = OrderedDict()
        self.lock = threading.Lock()

    def new(self, name: str | None) -> Staged:
        token = secrets.token_hex(16)
        folder = self.root / token
        folder.mkdir()
        st = Staged(token, safe_name(name), folder, created=time.time())
        with self.lock:
            self.items[token] = st
            while len(self.items) > self.max_staged:
                _, old = self.items.popitem(last=False)
                shutil.rmtree(old.folder, ignore_errors=True)
        return st

    def get(self, token: str) -> Staged | None:
        if not TOKEN_RE.fullmatch(token or ""):
            return None
        with self.lock:
            return self.items.get(token)

    def drop(self, token: str) -> None:
        with self.lock:
            st = self.items.pop(token, None)
        if st is not None:
            shutil.rmtree(st.folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


async def write_upload(upload, st: Staged, max_bytes: int, chunk: int = 1 << 16) -> None:
    """Copy an UploadFile to its staging place, counting bytes; TooLarge past the limit."""
    h = hashlib.sha256()
    n = 0
    with open(st.path, "wb") as f:
        while True:
            block = await upload.read(chunk)
            if not block:
                break
            n += len(block)
            if n > max_bytes:
                raise TooLarge()
            h.update(block)
            f.write(block)
    st.size, st.sha256 = n, h.hexdigest()


# ---------------------------------------------------------------------------
# Reading an upload (runs in a worker process)

def warm_up() -> None:
    from vanban.pipeline.batch import warm_up as warm
    warm()


def _structure(cleaned):
    """The document's parts, when this version has a structure stage."""
    from vanban.schemas.structure import Structure
    try:
        from vanban.pipeline.structure import parse_structure   # the structure stage, when present
    except ImportError:
        return Structure()
    return parse_structure(cleaned)


def _where(structure, start: int) -> str:
    """Where an offset stands in the outline: `Nơi nhận`, `II. Nhiệm vụ › 1. …`."""
    out = []
    for p in structure.path_at(start):
        if p.kind == "section":
            out.append(" ".join(x for x in (p.label, p.title) if x) or labels.PART_KINDS["section"])
        elif p.kind in ("header", "preamble", "signature", "recipients", "appendix", "table", "headline", "lead",
                        "byline", "footnote"):
            out.append(labels.PART_KINDS[p.kind])
    return " › ".join(out)


_OUTLINE_KINDS = {"header", "preamble", "body", "section", "table", "signature", "recipients", "appendix",
                  "headline", "lead", "byline"}


def outline(structure, text: str, limit: int = 400) -> list[dict]:
    """The outline, flattened: the parts worth a line, with their depth."""
    out: list[dict] = []

    def visit(parts, depth):
        for p in parts:
            if len(out) >= limit:
                return
            if p.kind in _OUTLINE_KINDS:
                title = p.title or (" ".join(text[p.start:p.end].split())[:90] if p.kind in ("section", "appendix")
                                    else "")
                out.append({"kind": p.kind, "kind_label": labels.PART_KINDS.get(p.kind, p.kind),
                            "label": p.label, "title": title, "level": p.level, "depth": depth,
                            "start": p.start, "end": p.end})
                visit(p.children, depth + 1)
            else:
                visit(p.children, depth)

    visit(structure.parts, 0)
    return out


def items_of(ex: dict, structure=None) -> list[dict]:
    """Every item of an Extraction (as JSON) as one list: id, kind, text, place,
    rule and normalized value; citations with every mention."""
    out: list[dict] = []
    where = (lambda s: _where(structure, s)) if structure is not None else (lambda s: "")
    doc = ex["document"]
    for field, span in sorted((doc.get("spans") or {}).items(), key=lambda kv: kv[1]["start"]):
        out.append({"id": f"m-{field}", "kind": "meta", "field": field,
                    "label": labels.META_FIELDS.get(field, field), "text": span["text"], "start": span["start"],
                    "end": span["end"], "page": span.get("page"), "rule": None,
                    "value": labels.value_of("meta", {"value": doc.get(field)}, field), "where": where(span["start"]),
                    "mentions": []})
    prefix = {"citations": "c", "dates": "d", "commemorations": "k", "targets": "t", "signatories": "s"}
    for fld, kind in labels.KIND_OF_FIELD.items():
        for i, it in enumerate(ex.get(fld) or []):
            mentions = [{"start": m["start"], "end": m["end"], "page": m.get("page")} for m in it.get("mentions") or []]
            out.append({"id": f"{prefix[fld]}{i}", "kind": kind, "label": labels.ITEM_KINDS[kind],
                        "text": it["text"], "start": it["start"], "end": it["end"], "page": it.get("page"),
                        "rule": it.get("rule"), "value": labels.value_of(kind, it), "where": where(it["start"]),
                        "mentions": mentions,
                        **({"relation": labels.RELATIONS.get(it["relation"], it["relation"])} if kind == "citation"
                           else {})})
    return out


def analyse(path: str, name: str) -> dict[str, Any]:
    """Read and extract one uploaded file (in a worker): the Extraction, the
    normalized text, the outline and the items; or the reader's error."""
    from vanban.pipeline.clean import clean
    from vanban.pipeline.extract import build_extraction
    from vanban.pipeline.readers import ReadError, read_document

    try:
        raw = read_document(path)
        data = Path(path).read_bytes()
        ex = build_extraction(raw, data)       # what `vanban extract` runs on a file
        cleaned = clean(raw)
        structure = _structure(cleaned)
    except ReadError as e:
        return {"ok": False, "error_class": "ReadError", "message": f"{name}: {e.problem}"}
    except MemoryError:
        return {"ok": False, "error_class": "MemoryError", "message": f"{name}: hết bộ nhớ cho phép khi đọc tệp"}
    except Exception as e:        # an extractor bug: say where, do not crash the worker
        return {"ok": False, "error_class": type(e).__name__,
                "message": f"{name}: lỗi khi trích xuất: {type(e).__name__}: {str(e).replace(path, name)}"}
    ex.source.path = name
    exj = json.loads(ex.model_dump_json())
    return {"ok": True, "extraction": exj, "text": cleaned.text, "layout": structure.layout,
            "structure": structure.to_dict(), "outline": outline(structure, cleaned.text),
            "items": items_of(exj, structure)}


# ---------------------------------------------------------------------------
# Adding an upload to the store (the one write)

def _ingest_main(conn, path: str, db: str, timeout: float) -> None:
    from vanban.pipeline.batch import Options, ingest
    from vanban.pipeline.store import StoreBusy

    try:
        s = ingest(Options(paths=[path], db=db, workers=1, timeout=timeout, progress=False),
                   out=io.StringIO(), err=io.StringIO())
        conn.send({"ok": True, "summary": s.as_dict(), "failures": [list(f) for f in s.failures]})
    except StoreBusy as e:
        conn.send({"ok": False, "busy": True, "message": str(e)})
    except BaseException as e:
        conn.send({"ok": False, "message": f"{type(e).__name__}: {e}"})


_add_lock = threading.Lock()


def add_to_store(st: Staged, uploads_dir: Path, db: str, timeout: float) -> dict[str, Any]:
    """Copy the upload beside the store and ingest it. Returns
    {"ok", "status" (new | updated | skipped | failed | busy | error), "path", "message"}."""
    folder = Path(uploads_dir).resolve() / st.sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / st.name
    if not dest.exists():
        tmp = folder / f".{st.name}.part"
        shutil.copyfile(st.path, tmp)
        os.replace(tmp, dest)
    ctx = mp.get_context("spawn")
    with _add_lock:
        parent, child = ctx.Pipe(duplex=False)
        # Not a daemon: ingest starts its own worker process. It ends by itself
        # (one file, under ingest's own time limit), or is killed below.
        proc = ctx.Process(target=_ingest_main, args=(child, str(dest), str(db), timeout), daemon=False,
                           name="vanban-web-ingest")
        proc.start()
        child.close()
        try:
            got = parent.poll(timeout + 120)
            rec = parent.recv() if got else None
        except (EOFError, OSError):
            rec = None
        finally:
            if proc.is_alive() and rec is None:
                proc.kill()
            proc.join(timeout=30)
            parent.close()
    if rec is None:
        return {"ok": False, "status": "error", "path": str(dest),
                "message": "tiến trình ghi vào kho không trả lời (quá thời gian hoặc đã dừng)"}
    if not rec["ok"]:
        return {"ok": False, "status": "busy" if rec.get("busy") else "error", "path": str(dest),
                "message": rec["message"]}
    s = rec["summary"]
    if s["failed"]:
        msg = rec["failures"][0][2] if rec["failures"] else "không lưu được"
        return {"ok": False, "status": "failed", "path": str(dest), "message": msg.replace(str(dest), st.name)}
    status = "new" if s["new"] else "updated" if s["updated"] else "skipped"
    return {"ok": True, "status": status, "path": str(dest), "message": ""}
