"""Hostile input files, generated in code (nothing large is committed).

Each `Case` makes one file (or directory entry) and says what reading it must
give: `ok` (a record, maybe with a warning, maybe containing some text),
`error` (a clear message on stderr naming the file, matching `match`), or
`either` (a record or a clear error; never a traceback, a hang, or memory past
the limits). `make(folder, big)` writes the file: `big=False` are the sizes the
test suite uses (tests/test_hostile_suite.py, run on every `make test`), `big=True`
the sizes of the original red-team report (benchmarks/hostile.py), e.g. a PDF
stream inflating to 1 GB instead of 100 MB.

The suite runs with SUITE_ENV (smaller text limit, so "over the limit" cases
stay small); the benchmark runs with the defaults.
"""
from __future__ import annotations

import binascii
import codecs
import io
import os
import random
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

SUITE_ENV = {"VANBAN_MAX_CHARS": "1000000", "VANBAN_MAX_BYTES": "30M"}

VN = ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
      "Số: 12/KH-UBND\nLâm Đồng, ngày 3 tháng 5 năm 2019\nKẾ HOẠCH\nThực hiện Chỉ thị số 05/CT-TTg ngày 15 "
      "tháng 2 năm 2019 của Thủ tướng Chính phủ về việc tăng cường kỷ luật hành chính.\n"
      "Căn cứ Quyết định số 1234/QĐ-UBND ngày 20 tháng 3 năm 2019 của Ủy ban nhân dân tỉnh, Ủy ban nhân dân "
      "tỉnh ban hành kế hoạch như sau: phấn đấu đến năm 2020 tỷ lệ hồ sơ giải quyết đúng hạn đạt 98%.\n"
      "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Yên\n")
CITE = "05/CT-TTg"           # the citation every readable case built from VN keeps

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MB = 1 << 20


@dataclass
class Case:
    name: str
    make: Callable[[Path, bool], Path]
    expect: str = "ok"                   # ok | error | either
    match: str | None = None             # regex: the error message, or text the record must hold
    warning: str | None = None           # regex one warning must match (ok)
    note: str = ""                       # why the case is here


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _vn_lines(n_chars: int) -> str:
    return (VN * (n_chars // len(VN) + 1))[:n_chars]


# ---- Word ----------------------------------------------------------------------------

def docx_bytes(body: str | bytes | Iterable[bytes], parts: dict[str, bytes | str] | None = None,
               method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            if isinstance(body, str):
                body = body.encode("utf-8")
            for chunk in ([body] if isinstance(body, bytes) else body):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def para(text: str, num: tuple[int, int] | None = None) -> str:
    ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>' if num else ""
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def vn_body() -> str:
    return "".join(para(ln) for ln in VN.splitlines())


def numbering(fmt: str, start: str, ilvl: str = "0") -> str:
    return (f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="{ilvl}">'
            f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
            f'<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num></w:numbering>')


def numbered_docx(fmt: str, start: str, n: int = 3, ilvl: str = "0") -> bytes:
    body = "".join(para(f"Mục {i}: tổ chức thực hiện", (7, 0)) for i in range(n)) + vn_body()
    return docx_bytes(body, {"word/numbering.xml": numbering(fmt, start, ilvl)})


def _patch_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Set the uncompressed size of member `name` in both its local header and
    the central directory (a zip that lies about it)."""
    b = bytearray(data)
    i = b.find(b"PK\x03\x04" + b"")
    while i >= 0:
        n = struct.unpack_from("<H", b, i + 26)[0]
        if bytes(b[i + 30:i + 30 + n]) == name:
            struct.pack_into("<I", b, i + 22, size)
        i = b.find(b"PK\x03\x04", i + 4)
    i = b.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", b, i + 28)[0]
        if bytes(b[i + 46:i + 46 + n]) == name:
            struct.pack_into("<I", b, i + 24, size)
        i = b.find(b"PK\x01\x02", i + 4)
    return bytes(b)


def lying_docx(inflated_mb: int) -> bytes:
    """word/document.xml whose deflate data unpacks to `inflated_mb` MB while the
    zip's directory says 2 KB."""
    def chunks():
        yield vn_body().encode()
        filler = b"<w:p><w:r><w:t>" + b"a" * 4000 + b"</w:t></w:r></w:p>"
        for _ in range(inflated_mb * MB // len(filler)):
            yield filler
    return _patch_sizes(docx_bytes(chunks()), b"word/document.xml", 2048)


def big_paragraph_docx(mb: int) -> bytes:
    """One paragraph of `mb` MB of random runs (compresses only ~6:1, like real
    text), so the zip-bomb ratio check does not catch it."""
    rnd = random.Random(7)
    words = ["quyết", "định", "số", "ủy", "ban", "nhân", "dân", "tỉnh", "năm", "tháng", "ngày"]

    def chunks():
        yield b"<w:p>"
        done = 0
        while done < mb * MB:
            c = "".join(f"<w:r><w:t>{rnd.choice(words)}{rnd.randrange(10 ** 6)}</w:t></w:r>" for _ in range(2000))
            b = c.encode()
            done += len(b)
            yield b
        yield b"</w:p>"
    return docx_bytes(chunks())


def many_paragraphs_docx(mb: int) -> bytes:
    rnd = random.Random(8)

    def chunks():
        done = 0
        while done < mb * MB:
            b = "".join(para(f"Nội dung {rnd.randrange(10 ** 9)} dòng") for _ in range(2000)).encode()
            done += len(b)
            yield b
    return docx_bytes(chunks())


def _ole2(streams: list[str], pad: int = 2000) -> bytes:
    """An OLE2 compound file as far as the readers look: magic and stream names."""
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"".join(s.encode("utf-16-le") + b"\x00" * 40
                                                                           for s in streams) + b"\x00" * pad)


def nested_sdt(depth: int) -> str:
    return "<w:sdt><w:sdtContent>" * depth + para("Văn bản lồng sâu") + "</w:sdtContent></w:sdt>" * depth


# ---- PDF -----------------------------------------------------------------------------

def pdf_bytes(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objects, 1):
        offs.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    x = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offs:
        out += f"{o:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer_extra
            + f">>\nstartxref\n{x}\n%%EOF\n".encode())
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length " + str(len(data)).encode() + b" " + extra + b">>\nstream\n" + data + b"\nendstream"


def _text_ops(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 50 800 Td 14 TL"]
    for ln in lines:
        s = ln.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + s + b") '")
    ops.append(b"ET")
    return b"\n".join(ops)


_ASCII_VN = ("Ke hoach so 12/KH-UBND ngay 3 thang 5 nam 2019 thuc hien Chi thi so 05/CT-TTg ngay 15 thang 2 "
             "nam 2019 cua Thu tuong Chinh phu.")


def page_pdf(contents: bytes, pages: int = 1, catalog_extra: bytes = b"", trailer_extra: bytes = b"",
             resources_extra: bytes = b"", extra_objects: list[bytes] | None = None) -> bytes:
    """A PDF of `pages` pages that all draw object 4 (the content stream)."""
    kids = " ".join(f"{6 + i} 0 R" for i in range(pages)).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            contents,
            b"<< /Font << /F1 3 0 R >> " + resources_extra + b">>"]
    for _ in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>")
    return pdf_bytes(objs + (extra_objects or []), trailer_extra)


def text_pdf(**kw) -> bytes:
    return page_pdf(stream(_text_ops([_ASCII_VN])), **kw)


def deflate_repeat(byte: bytes, n: int, level: int = 9) -> bytes:
    """zlib data of `n` copies of `byte`, made without holding them."""
    c = zlib.compressobj(level)
    block = byte * (16 * MB)
    out = []
    left = n
    while left > 0:
        k = min(left, len(block))
        out.append(c.compress(block[:k]))
        left -= k
    out.append(c.flush())
    return b"".join(out)


def lzw_bomb(out_bytes: int) -> bytes:
    """LZW codes (PDF early change) that decode to about `out_bytes` bytes: a run
    of one byte, each code one longer than the last, the table cleared when full."""
    codes: list[int] = [256]
    table, produced, run = 258, 0, 0
    first = True
    while produced < out_bytes:
        if table >= 4094:
            codes.append(256)
            table, first, run = 258, True, 0
            continue
        if first:
            codes.append(65)
            produced += 1
            run = 1
            first = False
        else:
            codes.append(table - 1 if run > 1 else 65)
            run += 1
            produced += run
            table += 1
    codes.append(257)
    # pack with the widths the decoder uses
    bits, acc, nbits, out = 9, 0, 0, bytearray()
    size, first = 258, True
    for code in codes:
        acc = (acc << bits) | code
        nbits += bits
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        if code == 256:
            bits, size, first = 9, 258, True
            continue
        if not first:
            size += 1
        first = False
        if size + 1 >= (1 << bits) and bits < 12:
            bits += 1
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def encrypted_pdf() -> bytes:
    rnd = random.Random(3)
    o = bytes(rnd.randrange(256) for _ in range(32)).hex().encode()
    u = bytes(rnd.randrange(256) for _ in range(32)).hex().encode()
    ident = bytes(rnd.randrange(256) for _ in range(16)).hex().encode()
    objs_extra = [b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <" + o + b"> /U <" + u + b"> /P -3904 >>"]
    return page_pdf(stream(b"garbage"), extra_objects=objs_extra,
                    trailer_extra=b"/Encrypt 7 0 R /ID [<" + ident + b"> <" + ident + b">] ")


def tounicode_surrogate_pdf() -> bytes:
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <D800> <42> <0041> endbfchar "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>",
            stream(b"BT /F1 12 Tf 50 800 Td (ABABAB " + _ASCII_VN.encode() + b") Tj ET"),
            b"<< /Font << /F1 3 0 R >> >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>",
            stream(cmap)]
    return pdf_bytes(objs)


# ---- HTML ------------------------------------------------------------------------------

def html_page(body: str, head: str = "<title>Thông báo</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def vn_article() -> str:
    return "<article><h1>Kế hoạch thực hiện</h1>" + "".join(f"<p>{ln}</p>" for ln in VN.splitlines()) + "</article>"


# ---- the cases -----------------------------------------------------------------------------

def _c(name, make, expect="ok", match=None, warning=None, note=""):
    return Case(name, make, expect, match, warning, note)


def _fixed(filename: str, data: Callable[[bool], bytes | str]):
    return lambda d, big: write(d / filename, data(big))


def _fifo(d: Path, big: bool) -> Path:
    p = d / "pipe.txt"
    os.mkfifo(p)
    return p


def _link(target_rel: str, name: str):
    def make(d: Path, big: bool) -> Path:
        p = d / name
        p.symlink_to(target_rel)
        return p
    return make


def _dir(d: Path, big: bool) -> Path:
    p = d / "folder.docx"
    p.mkdir()
    return p


def _non_utf8_name(d: Path, big: bool) -> Path:
    p = Path(os.fsdecode(os.fsencode(d) + b"/quy\xeat-\xd0\xefnh.txt"))
    return write(p, VN)


def _long_name(d: Path, big: bool) -> Path:
    return write(d / ("văn-bản-" * 20 + "x.txt")[:200], VN)


def _newline_name(d: Path, big: bool) -> Path:
    return write(d / "two\nlines.txt", VN)


def _txt_cases() -> list[Case]:
    U = VN.encode("utf-8")
    stray = bytearray(U * 8)
    for k in range(9):                            # nine stray bytes in ~4 KB of UTF-8
        stray[300 + k * 400] = 0xB7
    nul_early = U[:100] + b"\x00" + U[100:]
    return [
        _c("txt: empty", _fixed("empty.txt", lambda b: b""), "error", r"empty file"),
        _c("txt: white space only", _fixed("blank.txt", lambda b: " \n\t\n" * 10), "error", r"only white space"),
        _c("txt: one byte", _fixed("one.txt", lambda b: b"x"), "ok"),
        _c("txt: NULs only", _fixed("nuls.txt", lambda b: b"\x00" * 4096), "error", r"binary content"),
        _c("txt: one NUL in the first 8 KB", _fixed("nul.txt", lambda b: nul_early), "ok", CITE,
           r"NUL characters removed", "issue #10 item 12"),
        _c("txt: random bytes", _fixed("random.txt", lambda b: random.Random(1).randbytes(64 * 1024)), "error",
           r"binary content"),
        _c("txt: UTF-8 with BOM", _fixed("bom.txt", lambda b: codecs.BOM_UTF8 + U), "ok", CITE),
        _c("txt: UTF-16 LE with BOM", _fixed("u16le.txt", lambda b: codecs.BOM_UTF16_LE + VN.encode("utf-16-le")),
           "ok", CITE),
        _c("txt: UTF-16 BE without BOM", _fixed("u16be.txt", lambda b: VN.encode("utf-16-be")), "ok", CITE),
        _c("txt: UTF-32 with BOM", _fixed("u32.txt", lambda b: codecs.BOM_UTF32_LE + VN.encode("utf-32-le")),
           "ok", CITE),
        _c("txt: nine stray bytes in UTF-8", _fixed("stray.txt", lambda b: bytes(stray)), "ok", CITE,
           r"read as UTF-8", "issue #10 item 9: was read as VNI"),
        _c("txt: invalid UTF-8 surrogate bytes", _fixed("surr.txt", lambda b: U + b"\xed\xa0\x80" + U), "ok", CITE,
           r"invalid UTF-8"),
        _c("txt: Windows-1258", _fixed("cp1258.txt", lambda b: _cp1258(VN)), "ok", CITE,
           r"decoded as Windows-1258"),
        _c("txt: NFD", _fixed("nfd.txt", lambda b: unicodedata.normalize("NFD", VN)), "ok", CITE),
        _c("txt: CR line ends", _fixed("cr.txt", lambda b: VN.replace("\n", "\r")), "ok", CITE),
        _c("txt: one 1 MB line", _fixed("oneline.txt", lambda b: ("Căn cứ kế hoạch " * (60_000 if not b else
                                                                                               600_000))), "either",
           note="issue #10 item 4: 20 MB one line ran past 180 s"),
        _c("txt: 1 MB word without spaces", _fixed("word.txt", lambda b: "a" * (900_000 if not b else 4_900_000)), "ok"),
        _c("txt: combining marks flood", _fixed("marks.txt", lambda b: "a" + "\u0301" * (50_000 if not b else
                                                                                         500_000) + VN), "either"),
        _c("txt: zero-width flood", _fixed("zw.txt", lambda b: ("\u200b" * 1000 + VN) * (50 if not b else 500)),
           "ok", CITE),
        _c("txt: bidi overrides", _fixed("bidi.txt", lambda b: "\u202e" + VN + "\u202d" + VN), "ok", CITE),
        _c("txt: ANSI escapes", _fixed("ansi.txt", lambda b: "\x1b[31m" + VN + "\x1b[0m"), "ok", CITE),
        _c("txt: dense dates 100 KB", _fixed("dates.txt", lambda b: "ngày 3 tháng 5 năm 2019; " *
                                             (4_000 if not b else 60_000)), "ok", "2019",
           note="issue #10 item 4 (dates overlap check)"),
        _c("txt: dense citations 100 KB", _fixed("cites.txt", lambda b: "Quyết định số 12/QĐ-UBND ngày 3/5/2019, " *
                                                 (2_500 if not b else 30_000)), "ok", "12/QĐ-UBND",
           note="issue #10 item 4 (citations overlap check)"),
        _c("txt: nested parentheses", _fixed("parens.txt", lambda b: "(" * 100_000 + VN + ")" * 100_000), "ok",
           CITE),
        _c("txt: over VANBAN_MAX_CHARS", _fixed("long.txt", lambda b: _vn_lines(1_200_000 if not b else 6_000_000)),
           "error", r"over the limit of .* \(set VANBAN_MAX_CHARS"),
        _c("txt: digits and dots", _fixed("dots.txt", lambda b: "1." * 200_000), "either"),
        _c("txt: .text extension", _fixed("note.text", lambda b: VN), "ok", CITE, note="issue #10 item 12"),
        _c("txt: upper-case .TXT", _fixed("UPPER.TXT", lambda b: VN), "ok", CITE),
        _c("txt: no extension", _fixed("README", lambda b: VN), "ok", CITE),
        _c("txt: a dot inside a number", _fixed("KH 12.2019", lambda b: VN), "ok", CITE),
        _c("txt: lines of form feeds", _fixed("ff.txt", lambda b: ("\f" * 50 + VN) * 20), "ok", CITE),
    ]


def _cp1258(s: str) -> bytes:
    from vanban.pipeline.readers.legacy import unicode_to_cp1258
    return unicode_to_cp1258(s)


def _mht_qp(page: str) -> bytes:
    import quopri
    body = quopri.encodestring(page.encode("utf-8"))
    return (b"From: <Saved by Windows Internet Explorer>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/related; type=\"text/html\"; boundary=\"=_NextPart\"\r\n\r\n"
            b"--=_NextPart\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body + b"\r\n--=_NextPart--\r\n")


def _html_cases() -> list[Case]:
    art = vn_article()
    xxe = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<html xmlns="http://www.w3.org/1999/xhtml"><body><article><h1>T</h1><p>&x;</p>'
           + "".join(f"<p>{ln}</p>" for ln in VN.splitlines()) + "</article></body></html>")
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
              + ']><html><body><article><p>&j;</p>' + "".join(f"<p>{ln}</p>" for ln in VN.splitlines())
              + "</article></body></html>")
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n" + html_page(art) + "\r\n--b--\r\n")
    return [
        _c("html: empty", _fixed("empty.html", lambda b: b""), "error", r"empty file"),
        _c("html: only a menu", _fixed("menu.html", lambda b: html_page("<nav><a href='/'>Trang chủ</a></nav>")),
           "error", r"no article text"),
        _c("html: an article", _fixed("article.html", lambda b: html_page(art)), "ok", CITE),
        _c("html: 5,000 nested divs", _fixed("deep.html", lambda b: html_page("<div>" * 5000 + art + "</div>" * 5000)),
           "either"),
        _c("html: 100,000 nested divs", _fixed("deeper.html", lambda b: html_page("<div>" * 100_000 + art)),
           "either"),
        _c("html: unclosed comment", _fixed("comment.html", lambda b: html_page(art + "<!-- " + "x" * 100_000)),
           "ok", CITE),
        _c("html: entity flood", _fixed("amp.html", lambda b: html_page(art + "<p>" + "&amp;" * 200_000 + "</p>")),
           "either"),
        _c("html: surrogate character references", _fixed("refs.html", lambda b: html_page(
            art.replace("</article>", "<p>Ký tự &#xD800; &#55296; &#0; &#x110000; hỏng trong trang văn bản.</p>"
                                      "</article>"))), "ok", CITE),
        _c("html: unknown charset", _fixed("charset.html", lambda b: html_page(art, "<meta charset='x-nope'>")),
           "ok", CITE),
        _c("html: declared UTF-16, is UTF-8", _fixed("u16decl.html", lambda b: html_page(
            art, "<meta charset='utf-16'>")), "ok", CITE),
        _c("html: XXE in .xhtml", _fixed("xxe.xhtml", lambda b: xxe), "either", note="must not read /etc/passwd"),
        _c("html: billion laughs", _fixed("laughs.xhtml", lambda b: laughs), "either"),
        _c("html: .mht", _fixed("page.mht", lambda b: mht), "ok", CITE, r"MIME web archive",
           note="issue #10 item 12"),
        _c("html: .mht, quoted-printable", _fixed("qp.mht", lambda b: _mht_qp(html_page(art))), "ok", CITE),
        _c("html: .mht without a page", _fixed("nopage.mht", lambda b: mht.replace("text/html", "image/png")),
           "error", r"without an HTML page"),
        _c("html: .htm", _fixed("page.htm", lambda b: html_page(art)), "ok", CITE),
        _c("html: 10 MB data URI", _fixed("datauri.html", lambda b: html_page(
            art + "<img src='data:image/png;base64," + "A" * ((10 if not b else 60) * MB) + "'>")), "ok", CITE),
        _c("html: table 1000 x 50", _fixed("table.html", lambda b: html_page(
            art + "<table>" + ("<tr>" + "<td>ô</td>" * 50 + "</tr>") * (1000 if not b else 4000) + "</table>")),
           "either"),
        _c("html: 600,000 tags", _fixed("tags.html", lambda b: html_page("<i>x</i>" * 300_000 + art)), "error",
           r"tags, over the limit"),
        _c("html: br flood", _fixed("br.html", lambda b: html_page(art + "<br>" * 200_000)), "either"),
        _c("html: script only", _fixed("script.html", lambda b: html_page("<script>" + "var a=1;" * 10000
                                                                          + "</script>")), "error",
           r"no article text"),
        _c("html: NUL bytes", _fixed("nul.html", lambda b: html_page(art).replace("<p>", "<p>\x00", 3)), "ok", CITE),
        _c("html: UTF-16 without BOM", _fixed("u16.html", lambda b: html_page(art).encode("utf-16-le")), "ok", CITE),
        _c("html: Windows-1258 without charset", _fixed("cp.html", lambda b: _cp1258(
            html_page(art).replace("<meta charset='utf-8'>", ""))), "ok", CITE),
        _c("html: srcdoc iframe", _fixed("iframe.html", lambda b: html_page(
            art + "<iframe srcdoc='<script>alert(1)</script>'></iframe>")), "ok", CITE),
    ]


def _docx_cases() -> list[Case]:
    good = docx_bytes(vn_body())
    cases = [
        _c("docx: plain", _fixed("plain.docx", lambda b: good), "ok", CITE),
        _c("docx: truncated", _fixed("trunc.docx", lambda b: good[: len(good) // 2]), "error", r"corrupt or truncated"),
        _c("docx: empty zip", _fixed("empty.docx", lambda b: _empty_zip()), "error", r"not a Word document"),
        _c("docx: zip without document.xml", _fixed("noword.docx", lambda b: _zip({"a.txt": "x"})), "error",
           r"not a Word document"),
        _c("docx: declared 3 GB (zip bomb)", _fixed("bomb.docx", lambda b: _patch_sizes(
            good, b"word/document.xml", 3_000_000_000)), "error", r"zip bomb"),
        _c("docx: lying central directory", _fixed("lying.docx", lambda b: lying_docx(100 if not b else 2048)),
           "error", r"corrupt zip", note="issue #10 item 5: 2.1 GB before its CRC error"),
        _c("docx: CRC error", _fixed("crc.docx", lambda b: _bad_crc(good)), "error", r"corrupt zip"),
        _c("docx: encrypted (OLE2 EncryptedPackage)", _fixed("secret.docx", lambda b: _ole2(
            ["EncryptionInfo", "EncryptedPackage"])), "error", r"encrypted", note="issue #10 item 12"),
        _c("docx: lowerRoman from 999999999999999", _fixed("roman.docx", lambda b: numbered_docx(
            "lowerRoman", "999999999999999")), "ok", CITE, note="issue #10 item 3: grew ~100 MB/s"),
        _c("docx: upperRoman from 32767", _fixed("roman2.docx", lambda b: numbered_docx("upperRoman", "32767", 50)),
           "ok", CITE),
        _c("docx: numbering start of 10,000 digits", _fixed("digits.docx", lambda b: numbered_docx(
            "decimal", "9" * 10_000)), "ok", CITE),
        _c("docx: numbering start not a number", _fixed("nan.docx", lambda b: numbered_docx("lowerLetter", "abc")),
           "ok", CITE),
        _c("docx: numbering level 10^12", _fixed("ilvl.docx", lambda b: numbered_docx("decimal", "1", 3,
                                                                                    "1000000000000")), "ok", CITE),
        _c("docx: 20,000 numbered paragraphs (100,000 big)", _fixed("many.docx", lambda b: docx_bytes(
            "".join(para(f"Mục {i}: nội dung thực hiện", (7, 0)) for i in range(20_000 if not b else 100_000))
            + vn_body(),
            {"word/numbering.xml": numbering("lowerRoman", "1")})), "ok", CITE),
        _c("docx: not well-formed XML", _fixed("broken.docx", lambda b: docx_bytes("<w:p><w:r><w:t>x</w:r>")),
           "error", r"not well-formed"),
        _c("docx: DOCTYPE with entities", _fixed("dtd.docx", lambda b: _docx_raw(
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{W_NS}"><w:body>' + para("&b;") + vn_body() + "</w:body></w:document>")),
           "either"),
        _c("docx: external entity", _fixed("xxe.docx", lambda b: _docx_raw(
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<w:document xmlns:w="{W_NS}"><w:body>' + para("&x;") + vn_body() + "</w:body></w:document>")),
           "either", note="must not read /etc/passwd"),
        _c("docx: XInclude", _fixed("xinc.docx", lambda b: _docx_raw(
            f'<w:document xmlns:w="{W_NS}" xmlns:xi="http://www.w3.org/2001/XInclude"><w:body>'
            '<xi:include href="file:///etc/passwd" parse="text"/>' + vn_body() + "</w:body></w:document>")),
           "ok", CITE),
        _c("docx: 700 nested content controls", _fixed("sdt.docx", lambda b: docx_bytes(nested_sdt(700)
                                                                                         + vn_body())), "either"),
        _c("docx: 10,000 nested content controls", _fixed("sdt2.docx", lambda b: docx_bytes(nested_sdt(10_000)
                                                                                           + vn_body())), "either"),
        _c("docx: symbol codes D800 and FFFFFFFF", _fixed("sym.docx", lambda b: docx_bytes(
            '<w:p><w:r><w:sym w:char="D800"/><w:sym w:char="FFFFFFFF"/><w:sym w:char="zz"/></w:r></w:p>'
            + vn_body())), "ok", CITE),
        _c("docx: 20,001 parts", _fixed("parts.docx", lambda b: docx_bytes(
            vn_body(), {f"x/{i}": b"" for i in range(20_001)})), "error", r"parts"),
        _c("docx: unknown compression method", _fixed("method.docx", lambda b: _method(good, 99)), "error",
           r"corrupt"),
        _c("docx: one paragraph of 1.2 million elements", _fixed("onepara.docx", lambda b: big_paragraph_docx(
            30 if not b else 190)), "error", r"XML elements", note="issue #10 item 5: 190 MB document.xml, 4.25 GB"),
        _c("docx: 190 MB of paragraphs", _fixed("paras.docx", lambda b: many_paragraphs_docx(20 if not b else 190)),
           "error", r"VANBAN_MAX_CHARS", note="issue #10 item 5, streamed"),
        _c("docx: .odt", _fixed("text.odt", lambda b: _zip({"mimetype": "application/vnd.oasis.opendocument.text",
                                                            "content.xml": "<x/>"})), "error", r"\.odt"),
        _c("docx: xlsx named .docx", _fixed("sheet.docx", lambda b: _zip({"xl/workbook.xml": "<w/>"})), "error",
           r"Excel"),
        _c("docx: pptx named .docx", _fixed("deck.docx", lambda b: _zip({"ppt/presentation.xml": "<p/>"})), "error",
           r"PowerPoint"),
        _c("docx: an OLE2 that is not Word", _fixed("book.doc", lambda b: _ole2(["Workbook"])), "error",
           r"not a Word document"),
        _c("docx: a .docx in an encrypted zip", _fixed("zipcrypto.docx", lambda b: _zip_encrypted_flag(good)),
           "error", r"corrupt zip|encrypted"),
    ]
    return cases


def _docx_raw(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def _zip(members: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


def _empty_zip() -> bytes:
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    return buf.getvalue()


def _bad_crc(data: bytes) -> bytes:
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        i = b.find(sig)
        while i >= 0:
            struct.pack_into("<I", b, i + off, 0xDEADBEEF)
            i = b.find(sig, i + 4)
    return bytes(b)


def _method(data: bytes, method: int) -> bytes:
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = b.find(sig)
        while i >= 0:
            struct.pack_into("<H", b, i + off, method)
            i = b.find(sig, i + 4)
    return bytes(b)


def _zip_encrypted_flag(data: bytes) -> bytes:
    b = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = b.find(sig)
        while i >= 0:
            struct.pack_into("<H", b, i + off, struct.unpack_from("<H", b, i + off)[0] | 1)
            i = b.find(sig, i + 4)
    return bytes(b)


def _pdf_cases() -> list[Case]:
    good = text_pdf()
    return [
        _c("pdf: a text page", _fixed("page.pdf", lambda b: good), "ok", "05/CT-TTg"),
        _c("pdf: truncated", _fixed("trunc.pdf", lambda b: good[: len(good) // 2]), "error", r"truncated"),
        _c("pdf: header only", _fixed("head.pdf", lambda b: b"%PDF-1.7\n%%EOF\n"), "error", r"PDF"),
        _c("pdf: junk after the header", _fixed("junk.pdf", lambda b: b"%PDF-1.4\n" + random.Random(2).randbytes(
            50_000) + b"\n%%EOF\n"), "error", r"PDF"),
        _c("pdf: encrypted", _fixed("secret.pdf", lambda b: encrypted_pdf()), "error", r"encrypted|PDF"),
        _c("pdf: stream inflating to 100 MB", _fixed("inflate.pdf", lambda b: page_pdf(stream(
            deflate_repeat(b" ", (100 if not b else 1024) * MB), b"/Filter /FlateDecode "))), "error",
           r"VANBAN_MAX_STREAM_MB", note="issue #10 item 5: a 1 GB stream took 2.1 GB"),
        _c("pdf: 20 MB of drawing operators", _fixed("ops.pdf", lambda b: page_pdf(stream(
            zlib.compress(b"0 0 m 1 1 l S\n" * ((20 if not b else 30) * MB // 14), 9),
            b"/Filter /FlateDecode "))), "either", note="under the stream limit"),
        _c("pdf: nested Flate bomb", _fixed("nested.pdf", lambda b: page_pdf(stream(
            zlib.compress(deflate_repeat(b"0", 200 * MB), 9), b"/Filter [/FlateDecode /FlateDecode] "))), "error",
           r"VANBAN_MAX_STREAM_MB"),
        _c("pdf: ASCIIHex-wrapped Flate bomb", _fixed("hex.pdf", lambda b: page_pdf(stream(
            binascii.hexlify(deflate_repeat(b" ", 100 * MB)) + b">", b"/Filter [/AHx /Fl] "))), "error",
           r"VANBAN_MAX_STREAM_MB"),
        _c("pdf: LZW bomb", _fixed("lzw.pdf", lambda b: page_pdf(stream(lzw_bomb(64 * MB), b"/Filter /LZWDecode "))),
           "error", r"VANBAN_MAX_STREAM_MB"),
        _c("pdf: RunLength bomb", _fixed("rl.pdf", lambda b: page_pdf(stream(b"\x81 " * (MB // 2) + b"\x80",
                                                                           b"/Filter /RunLengthDecode "))),
           "error", r"VANBAN_MAX_STREAM_MB"),
        _c("pdf: 600 pages", _fixed("pages.pdf", lambda b: text_pdf(pages=600)), "error", r"too many pages"),
        _c("pdf: 400 pages", _fixed("pages400.pdf", lambda b: text_pdf(pages=400)), "ok", "05/CT-TTg"),
        _c("pdf: page tree that is its own kid", _fixed("loop.pdf", lambda b: pdf_bytes([
            b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>",
            stream(_text_ops([_ASCII_VN])), b"<< /Font << /F1 6 0 R >> >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])), "either"),
        _c("pdf: page count of a billion", _fixed("count.pdf", lambda b: text_pdf().replace(b"/Count 1 ",
                                                                                           b"/Count 1000000000 ")),
           "either"),
        _c("pdf: JavaScript open action", _fixed("js.pdf", lambda b: text_pdf(
            catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ")), "ok", "05/CT-TTg"),
        _c("pdf: Launch action", _fixed("launch.pdf", lambda b: text_pdf(
            catalog_extra=b"/OpenAction << /S /Launch /F (/bin/sh) >> ")), "ok", "05/CT-TTg"),
        _c("pdf: ToUnicode to a lone surrogate", _fixed("tou.pdf", lambda b: tounicode_surrogate_pdf()), "either"),
        _c("pdf: 100,000 x 100,000 image", _fixed("image.pdf", lambda b: page_pdf(
            stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"), resources_extra=b"/XObject << /Im1 7 0 R >> ",
            extra_objects=[stream(zlib.compress(b"\x00" * 1000), b"/Type /XObject /Subtype /Image /Width 100000 "
                                  b"/Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ")])),
           "either"),
        _c("pdf: no pages", _fixed("nopages.pdf", lambda b: pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                                        b"<< /Type /Pages /Kids [] /Count 0 >>"])),
           "error", r"no pages|PDF"),
        _c("pdf: named .txt", _fixed("pdf.txt", lambda b: good), "ok", "05/CT-TTg", r"named \.txt"),
        _c("pdf: 400,000 stream keywords, no endstream", _fixed("keywords.pdf", lambda b: b"%PDF-1.4\n"
            + b"1 0 obj << /Filter /FlateDecode >> stream\nxx\n" * (400_000 if not b else 2_000_000) + b"%%EOF\n"),
           "error", r"PDF", note="the stream scan stays linear"),
        _c("pdf: broken xref", _fixed("xref.pdf", lambda b: good.replace(b"xref\n0 ", b"xref\n9 ")), "either"),
    ]


def _misc_cases() -> list[Case]:
    return [
        _c("misc: PNG named .docx", _fixed("img.docx", lambda b: b"\x89PNG\r\n\x1a\n" + b"\x00" * 500), "error",
           r"PNG image"),
        _c("misc: ELF named .pdf", _fixed("prog.pdf", lambda b: b"\x7fELF" + b"\x00" * 500), "error", r"ELF|PDF"),
        _c("misc: gzip named .html", _fixed("page.html", lambda b: b"\x1f\x8b\x08" + b"\x00" * 500), "error",
           r"gzip"),
        _c("misc: SQLite named .txt", _fixed("db.txt", lambda b: b"SQLite format 3\x00" + b"\x00" * 500), "error",
           r"SQLite"),
        _c("misc: RTF named .doc", _fixed("letter.doc", lambda b: b"{\\rtf1\\ansi " + VN.encode() + b"}"), "error",
           r"RTF"),
        _c("misc: .odt extension with text inside", _fixed("notes.odt", lambda b: VN), "error",
           r"\.odt files are not a type vanban reads", note="issue #12: not read as text"),
        _c("misc: .md extension", _fixed("notes.md", lambda b: VN), "error", r"\.md files are not"),
        _c("misc: file name not UTF-8", _non_utf8_name, "ok", CITE, note="issue #10 item 2"),
        _c("misc: file name with a newline", _newline_name, "ok", CITE),
        _c("misc: 200-character file name", _long_name, "ok", CITE),
        _c("misc: named pipe", _fifo, "error", r"not a regular file"),
        _c("misc: a folder named .docx", _dir, "error", r"no documents in this folder"),
        _c("misc: broken symbolic link", _link("nowhere.txt", "dangling.txt"), "error", r"broken symbolic link"),
        _c("misc: symbolic link to itself", _link("self.txt", "self.txt"), "error", r"symbolic link|loop"),
        _c("misc: symbolic link to /dev/zero", _link("/dev/zero", "zero.txt"), "error", r"not a regular file"),
    ]


def cases() -> list[Case]:
    return _txt_cases() + _html_cases() + _docx_cases() + _pdf_cases() + _misc_cases()


CASES = cases()


def build(root: Path, big: bool = False, select: Callable[[Case], bool] | None = None) -> list[tuple[Case, Path]]:
    """Make every case under `root`, each in its own folder; (case, path) pairs."""
    out = []
    for i, c in enumerate(CASES):
        if select and not select(c):
            continue
        d = root / f"{i:03d}"
        d.mkdir(parents=True)
        out.append((c, c.make(d, big)))
    return out
