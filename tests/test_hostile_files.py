"""Hostile files (issue #10) and the `extract` command over folders (issue #12):
names that are not UTF-8, counters and streams that would grow without bound,
files inflating in memory within the size limits, unreadable files and folders,
symbolic links leaving a folder, stray bytes and NULs, encrypted Word files, and
every file type `extract` reads being found by `ingest`."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hostile_cases as H
from vanban.pipeline.batch import LocalPool, Options, discover, extract_record, ingest
from vanban.pipeline.extract import extract_file
from vanban.pipeline.readers import ReadError, read_document
from vanban.pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures" / "store"


def cli(*args, prefix=(), env=None, timeout=300, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "vanban", *map(str, args)], capture_output=True,
                          timeout=timeout, env=env, cwd=cwd)


def text(b: bytes) -> str:
    return b.decode("utf-8")


def rows(db, sql):
    with Store(db, read_only=True) as s:
        return s.con.execute(sql).fetchall()


def unprivileged() -> list[str]:
    """A command prefix under which file permissions apply: none for a normal
    user; for root, setpriv dropping the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be made to apply")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


# ---------------------------------------------------------------------------
# Names that are not UTF-8 (item 2)

def test_names_that_are_not_utf8_are_stored_and_printed_escaped(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    raw = os.fsencode(root)
    good = Path(os.fsdecode(raw + b"/quy\xeat-\xd0\xefnh.txt"))
    bad = Path(os.fsdecode(raw + b"/r\xf6ng.txt"))
    good.write_text(H.VN, encoding="utf-8")
    bad.write_bytes(b"")
    (root / "after.txt").write_text(H.VN, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    r = cli("ingest", root, "--db", db, "--workers", "2")
    assert r.returncode == 3 and b"Traceback" not in r.stderr, r.stderr
    docs = sorted(p for (p,) in rows(db, "SELECT path FROM documents"))
    assert docs == [f"{root}/after.txt", f"{root}/quy\\xeat-\\xd0\\xefnh.txt"]
    assert rows(db, "SELECT path FROM failures") == [(f"{root}/r\\xf6ng.txt",)]
    again = cli("ingest", root, "--db", db, "--workers", "2")          # the escaped key finds them again
    assert again.returncode == 3 and "0 new, 0 updated, 2 skipped, 1 failed" in text(again.stderr)
    r = cli("extract", "--json", good, bad, root / "after.txt")
    assert r.returncode == 1
    paths = [json.loads(x)["source"]["path"] for x in text(r.stdout).splitlines()]
    assert paths == [f"{root}/quy\\xeat-\\xd0\\xefnh.txt", f"{root}/after.txt"]
    assert f"vanban: {root}/r\\xf6ng.txt: empty file" in text(r.stderr)


# ---------------------------------------------------------------------------
# Counters and time (item 3)

def _read_limited(path: Path, data_mb: int = 400, timeout: int = 120) -> str:
    """read_document in a child process whose data segment is limited: the
    outcome (text, or the ReadError's problem, or MemoryError)."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_DATA, ({data_mb} << 20, resource.RLIM_INFINITY))
        from vanban.pipeline.readers import ReadError, read_document
        try:
            d = read_document(sys.argv[1])
            print("OK " + d.text[:2000])
        except ReadError as e:
            print("ReadError " + e.problem)
        except MemoryError:
            print("MemoryError")
    """)
    r = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, timeout=timeout, cwd=ROOT)
    return text(r.stdout).strip() or text(r.stderr)[-500:]


def test_list_numbering_from_a_huge_start_is_clamped(tmp_path):
    f = H.write(tmp_path / "roman.docx", H.numbered_docx("lowerRoman", "999999999999999"))
    out = _read_limited(f, 300)
    assert out.startswith("OK 32767. Mục 0"), out          # beyond Word's range: clamped, written in digits
    g = H.write(tmp_path / "roman2.docx", H.numbered_docx("upperRoman", "12"))
    assert read_document(g).text.startswith("XII. Mục 0: tổ chức thực hiện\nXIII. Mục 1")


def test_extract_has_a_time_limit(tmp_path):
    slow = tmp_path / "long.txt"
    slow.write_text(H._vn_lines(3_000_000), encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(H.VN, encoding="utf-8")
    r = cli("extract", "--json", "--timeout", "0.5", slow, good)
    assert r.returncode == 1
    assert f"vanban: {slow}: timed out after 0.5 s" in text(r.stderr).splitlines()
    assert [json.loads(x)["source"]["path"] for x in text(r.stdout).splitlines()] == [str(good)]


# ---------------------------------------------------------------------------
# Memory (item 5): amplification within the size limits, and the per-worker cap

def test_a_stream_inflating_far_is_refused_before_pdfium(tmp_path):
    f = H.write(tmp_path / "inflate.pdf", H.page_pdf(H.stream(H.deflate_repeat(b" ", 400 * H.MB),
                                                              b"/Filter /FlateDecode ")))
    assert f.stat().st_size < 1_000_000
    out = _read_limited(f, 300)
    assert out.startswith("ReadError a compressed stream") and "VANBAN_MAX_STREAM_MB" in out, out


def test_a_lying_zip_directory_does_not_inflate(tmp_path):
    f = H.write(tmp_path / "lying.docx", H.lying_docx(400))
    out = _read_limited(f, 300)
    assert out.startswith("ReadError corrupt zip") and "CRC" in out, out


def test_a_huge_paragraph_is_refused_within_memory(tmp_path):
    f = H.write(tmp_path / "para.docx", H.big_paragraph_docx(30))
    out = _read_limited(f, 450)
    assert out.startswith("ReadError one paragraph or table") and "XML elements" in out, out


def test_many_paragraphs_are_read_a_paragraph_at_a_time(tmp_path):
    f = H.write(tmp_path / "paras.docx", H.many_paragraphs_docx(60))
    out = _read_limited(f, 250)
    assert out.startswith("ReadError the text is at least") and "VANBAN_MAX_CHARS" in out, out


def hog(path: str) -> dict:
    """A worker task that keeps allocating (the test of the memory cap)."""
    if os.path.basename(path).startswith("hog"):
        keep = []
        while True:
            keep.append(bytearray(32 << 20))
    return extract_record(path)


def test_a_worker_over_its_memory_limit_is_a_failure_and_the_batch_goes_on(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    for name in ("a.txt", "hog.txt", "b.txt", "hog2.txt", "c.txt"):
        (root / name).write_text(H.VN, encoding="utf-8")
    pool = LocalPool(1, timeout=120, fn=hog, memory_mb=300)
    recs = {os.path.basename(r["path"]): r for r in pool.run(sorted(str(p) for p in root.iterdir()))}
    assert [n for n, r in sorted(recs.items()) if r["ok"]] == ["a.txt", "b.txt", "c.txt"]
    for n in ("hog.txt", "hog2.txt"):
        assert recs[n]["error_class"] == "MemoryLimit"
        assert "memory limit of 300 MB" in recs[n]["message"] and n in recs[n]["message"]
    db = tmp_path / "s.duckdb"
    s = ingest(Options(paths=[str(root)], db=str(db), workers=2, memory_mb=300, progress=False), fn=hog,
               out=io.StringIO(), err=io.StringIO())
    assert (s.new, s.failed) == (3, 2)
    assert sorted(rows(db, "SELECT error_class FROM failures")) == [("MemoryLimit",), ("MemoryLimit",)]


def test_cli_memory_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(H._vn_lines(4_500_000), encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(H.VN, encoding="utf-8")
    r = cli("extract", "--json", "--memory-limit", "150", big, good)
    assert r.returncode == 1
    err = text(r.stderr)
    assert f"vanban: {big}: memory limit of 150 MB reached" in err, err
    assert len(text(r.stdout).splitlines()) == 1


# ---------------------------------------------------------------------------
# Unreadable files and folders, links, pipes (items 8, 10)

def test_an_unreadable_file_is_named_and_the_others_are_extracted(tmp_path):
    prefix = unprivileged()
    bad = tmp_path / "secret.txt"
    bad.write_text(H.VN, encoding="utf-8")
    bad.chmod(0)
    good = tmp_path / "good.txt"
    good.write_text(H.VN, encoding="utf-8")
    r = cli("extract", "--json", bad, good, prefix=prefix)
    assert r.returncode == 1, r.stderr
    assert f"vanban: {bad}: permission denied" in text(r.stderr)
    assert [json.loads(x)["source"]["path"] for x in text(r.stdout).splitlines()] == [str(good)]


def _odd_folder(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "docs"
    outside = tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    (root / "locked").mkdir()
    outside.mkdir()
    shutil.copy(sorted(FIX.glob("*.txt"))[0], root / "a.txt")
    shutil.copy(sorted(FIX.glob("*.txt"))[1], root / "sub" / "b.txt")
    (root / "locked" / "c.txt").write_text(H.VN, encoding="utf-8")
    (outside / "shadow.txt").write_text("root:$6$secret-hash:19000:0:99999:7:::\n" + H.VN, encoding="utf-8")
    (outside / "d.txt").write_text(H.VN, encoding="utf-8")
    (root / "broken.txt").symlink_to(root / "nowhere.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "shadow.txt").symlink_to(outside / "shadow.txt")
    (root / "elsewhere").symlink_to(outside)
    (root / "again.txt").symlink_to(root / "a.txt")             # inside: read under its own name
    (root / "up").symlink_to(root)                              # a loop through a folder
    os.mkfifo(root / "pipe.txt")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "locked").chmod(0)
    return root, outside


def test_ingest_accounts_for_every_entry_and_stays_in_the_folder(tmp_path):
    prefix = unprivileged()
    root, outside = _odd_folder(tmp_path)
    db = tmp_path / "s.duckdb"
    r = cli("ingest", root, "--db", db, "--workers", "2", "--log-json", prefix=prefix)
    assert r.returncode == 3 and b"Traceback" not in r.stderr, r.stderr
    assert sorted(p for (p,) in rows(db, "SELECT path FROM documents")) == [str(root / "a.txt"),
                                                                            str(root / "sub" / "b.txt")]
    fails = dict(rows(db, "SELECT path, message FROM failures"))
    assert set(fails) == {str(root / n) for n in ("broken.txt", "loop.txt", "shadow.txt", "elsewhere", "pipe.txt",
                                                  "locked")}
    assert "broken symbolic link" in fails[str(root / "broken.txt")]
    assert "loop" in fails[str(root / "loop.txt")]
    assert "outside the folder: not followed (--follow-symlinks" in fails[str(root / "shadow.txt")]
    assert "not a regular file" in fails[str(root / "pipe.txt")]
    assert "cannot list the folder: Permission denied" in fails[str(root / "locked")]
    assert not rows(db, "SELECT count(*) FROM documents WHERE path LIKE '%shadow%'")[0][0]
    log = [json.loads(x) for x in text(r.stdout).splitlines()]
    listed = {x["path"]: x["reason"] for x in log if x["event"] == "not_document"}
    assert set(listed) == {str(root / "photo.jpg"), str(root / "again.txt"), str(root / "up")}

    followed = tmp_path / "f.duckdb"
    r = cli("ingest", root, "--db", followed, "--workers", "2", "--follow-symlinks", prefix=prefix)
    assert r.returncode == 3, r.stderr
    docs = {p for (p,) in rows(followed, "SELECT path FROM documents")}
    assert {str(root / "shadow.txt"), str(root / "elsewhere" / "d.txt")} <= docs


def test_extract_walks_folders_like_ingest(tmp_path):
    prefix = unprivileged()
    root, _ = _odd_folder(tmp_path)
    r = cli("extract", "--json", root, prefix=prefix)
    assert r.returncode == 1
    assert [json.loads(x)["source"]["path"] for x in text(r.stdout).splitlines()] == \
        [str(root / "a.txt"), str(root / "sub" / "b.txt")]
    err = text(r.stderr)
    assert f"vanban: skipped {root / 'photo.jpg'}: not a document type vanban reads (.jpg)" in err
    assert f"vanban: {root / 'shadow.txt'}: symbolic link to {tmp_path / 'outside' / 'shadow.txt'}, outside" in err


# ---------------------------------------------------------------------------
# Bytes (items 9, 12)

def test_nine_stray_bytes_keep_a_utf8_file_utf8(tmp_path):
    src = FIX / "022_chi-thi-09-ct-ubnd-ubnd-tp-can-tho.txt"
    data = src.read_bytes()
    ends = [i for i, b in enumerate(data) if b == 0x0A]
    at = set(ends[len(ends) // 10::len(ends) // 10][:9])             # nine line starts, spread out
    assert len(at) == 9
    stray = b"".join(data[i:i + 1] + (b"\xb7" if i in at else b"") for i in range(len(data)))
    f = tmp_path / "stray.txt"
    f.write_bytes(stray)
    clean, got = extract_file(src), extract_file(f)
    assert any("9 bad byte(s) replaced" in w and "read as UTF-8" in w for w in got.warnings), got.warnings
    assert clean.citations and clean.dates and clean.signatories
    assert [c.number for c in got.citations] == [c.number for c in clean.citations]
    assert [d.value for d in got.dates] == [d.value for d in clean.dates]
    assert [s.name for s in got.signatories] == [s.name for s in clean.signatories]


def test_a_nul_early_in_a_text_does_not_make_it_binary(tmp_path):
    f = tmp_path / "nul.txt"
    f.write_bytes(H.VN.encode("utf-8")[:50] + b"\x00" + H.VN.encode("utf-8")[50:])
    d = read_document(f)
    assert H.CITE in d.text and "NUL characters removed" in d.warnings


def test_an_encrypted_docx_is_called_encrypted(tmp_path):
    f = tmp_path / "secret.docx"
    f.write_bytes(H._ole2(["EncryptionInfo", "EncryptedPackage"]))
    with pytest.raises(ReadError) as e:
        read_document(f)
    assert "encrypted (password-protected)" in e.value.problem


def test_ingest_finds_every_type_extract_reads(tmp_path):
    from vanban.pipeline.readers.sniff import SUFFIXES
    for ext in SUFFIXES:
        (tmp_path / f"x{ext}").write_text("x", encoding="utf-8")
        (tmp_path / f"Y{ext.upper()}").write_text("x", encoding="utf-8")
    found = {os.path.basename(p) for p in discover([tmp_path])}
    assert {".xhtml", ".mht", ".text"} <= set(SUFFIXES)
    assert found == {f"x{e}" for e in SUFFIXES} | {f"Y{e.upper()}" for e in SUFFIXES}


def test_an_unknown_extension_is_refused_not_read_as_text(tmp_path):
    f = tmp_path / "notes.odt"
    f.write_text(H.VN, encoding="utf-8")
    with pytest.raises(ReadError) as e:
        read_document(f)
    assert e.value.problem.startswith(".odt files are not a type vanban reads")
    g = tmp_path / "KH 12.2019"                     # a dot in a number is not an extension
    g.write_text(H.VN, encoding="utf-8")
    assert H.CITE in read_document(g).text


# ---------------------------------------------------------------------------
# extract: formats, order on all cores, progress (issue #12)

def test_extract_formats_and_order(tmp_path):
    files = sorted(FIX.glob("*.txt"))
    names = []
    for i, f in enumerate(files, 1):
        shutil.copy(f, tmp_path / f"{i}.txt")
        names.append(f"{i}.txt")
    (tmp_path / "0.txt").write_text(files[0].read_text(encoding="utf-8") * 40, encoding="utf-8")
    args = ["0.txt", *names]                        # the first given finishes last
    run = lambda *a: cli("extract", *a, cwd=tmp_path)   # noqa: E731
    jsonl, alias = run("-f", "jsonl", "--workers", "2", *args), run("--json", "--workers", "2", *args)
    arr, table = run("-f", "json", "--workers", "2", *args), run("--workers", "2", *args)
    assert jsonl.returncode == alias.returncode == arr.returncode == table.returncode == 0
    lines = [json.loads(x) for x in text(jsonl.stdout).splitlines()]
    assert [x["source"]["path"] for x in lines] == args
    assert text(alias.stdout) == text(jsonl.stdout)
    assert json.loads(text(arr.stdout)) == lines
    out = text(table.stdout)
    heads = [ln[3:].split(" (")[0] for ln in out.splitlines() if ln.startswith("== ")]
    assert heads == args
    assert "\x1b[" not in text(table.stderr)
    bar = run("--json", "--progress", *names)
    assert "extract" in text(bar.stderr) and f"{len(names)}/{len(names)}" in text(bar.stderr)
    empty = run("-f", "json", "nothing.odt")
    assert empty.returncode == 1 and json.loads(text(empty.stdout)) == []
