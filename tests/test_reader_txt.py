"""TXT reader: UTF-8 (BOM or not), UTF-16, Windows-1258, TCVN3 and VNI -> Unicode."""
from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from vanban.pipeline.readers import ReadError, read_document
from vanban.pipeline.readers.legacy import (syllable_kind, tcvn3_to_unicode, unicode_to_cp1258, viet_score,
                                     vni_to_unicode)
from vanban.pipeline.readers.txt import read_txt

FIX = Path(__file__).parent / "fixtures" / "txt"
TEXT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Quyết định số 12/QĐ-UBND ngày 3 tháng 5 năm 2019 của Ủy ban nhân dân tỉnh Đắk Nông "
        "về việc thực hiện những nhiệm vụ trọng tâm; người được giao chủ trì.\n")

# Published look of the same words in the legacy fonts (as shown in a Latin-1 editor).
TCVN3_SAMPLE = ("Céng hßa x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n"
                "QuyÕt ®Þnh sè 12/Q§-UBND ngµy 3 th¸ng 5 n¨m 2019 cña ñy ban nh©n d©n tØnh §¾k N«ng "
                "vÒ viÖc thùc hiÖn nh÷ng nhiÖm vô träng t©m; ng\u00adêi ®\u00adîc giao chñ tr×.\n")
TCVN3_EXPECT = ("Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
                "Quyết định số 12/QĐ-UBND ngày 3 tháng 5 năm 2019 của ủy ban nhân dân tỉnh Đắk Nông "
                "về việc thực hiện những nhiệm vụ trọng tâm; người được giao chủ trì.\n")
VNI_SAMPLE = ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM\nÑoäc laäp - Töï do - Haïnh phuùc\n"
              "Quyeát ñònh soá 12/QÑ-UBND ngaøy 3 thaùng 5 naêm 2019 cuûa UÛy ban nhaân daân tænh Ñaék Noâng "
              "veà vieäc thöïc hieän nhöõng nhieäm vuï troïng taâm; ngöôøi ñöôïc giao chuû trì.\n")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.mark.parametrize("name,data", [
    ("utf8", TEXT.encode("utf-8")),
    ("utf8-bom", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf16le-bom", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
    ("utf16be-bom", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ("utf16le-nobom", TEXT.encode("utf-16-le")),
    ("cp1258", unicode_to_cp1258(TEXT)),
])
def test_unicode_and_windows_encodings(tmp_path, name, data):
    f = tmp_path / f"{name}.txt"
    f.write_bytes(data)
    d = read_document(f)
    assert d.format == "txt"
    assert nfc(d.text) == TEXT


def test_tcvn3_bytes(tmp_path):
    f = tmp_path / "tcvn3.txt"
    f.write_bytes(TCVN3_SAMPLE.encode("latin-1"))
    d = read_txt(f)
    assert d.text == TCVN3_EXPECT
    assert "not UTF-8: decoded as TCVN3" in d.warnings


def test_vni_bytes(tmp_path):
    f = tmp_path / "vni.txt"
    f.write_bytes(VNI_SAMPLE.encode("cp1252"))
    d = read_txt(f)
    assert d.text == TEXT
    assert "not UTF-8: decoded as VNI" in d.warnings


def test_legacy_characters_inside_utf8(tmp_path):
    f = tmp_path / "mojibake.txt"
    f.write_text(TCVN3_SAMPLE, encoding="utf-8")
    d = read_txt(f)
    assert d.text == TCVN3_EXPECT
    assert any("TCVN3" in w for w in d.warnings)
    g = tmp_path / "vni-chars.txt"
    g.write_text(VNI_SAMPLE, encoding="utf-8")
    assert read_txt(g).text == TEXT


def test_nfd_is_passed_through(tmp_path):
    f = tmp_path / "nfd.txt"
    f.write_text(unicodedata.normalize("NFD", TEXT), encoding="utf-8")
    d = read_txt(f)
    assert nfc(d.text) == TEXT and not d.warnings


def test_real_news_text_unchanged():
    (f,) = FIX.glob("135_*.txt")
    d = read_document(f)
    assert d.text == f.read_text(encoding="utf-8")
    assert not d.warnings


def test_plain_unicode_is_never_converted():
    # Vietnamese with letters that are also legacy code points stays as it is.
    s = "Ông Đỗ Văn Hòa, Phó Chủ tịch; bà Ngô Thị Ánh; ơn nghĩa; ưu tiên; Öl (German)."
    from vanban.pipeline.readers.legacy import fix_legacy_text
    assert fix_legacy_text(s) == (s, None)


def test_converters_and_scoring():
    assert tcvn3_to_unicode("Th«ng t\u00ad sè") == "Thông tư số"
    assert vni_to_unicode("Thoâng tö soá") == "Thông tư số"
    assert syllable_kind("nghiêng") == 1 and syllable_kind("gìn") == 1 and syllable_kind("hßa") == -1
    assert viet_score(TEXT) > viet_score(TCVN3_SAMPLE)


def test_whitespace_only(tmp_path):
    f = tmp_path / "ws.txt"
    f.write_bytes(b" \n\t\n")
    with pytest.raises(ReadError, match="only white space"):
        read_document(f)
