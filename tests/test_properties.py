"""Property tests: arbitrary Unicode through cleaning and every extractor never
raises, and every item's offsets slice the normalized text to its `text`."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vanban.pipeline.clean import clean
from vanban.pipeline.extract import extract_text
from vanban.pipeline.readers import RawDocument

# Text that looks like the documents: Vietnamese words, numbers, dates, symbols,
# markup and hostile characters mixed with arbitrary Unicode.
PIECES = st.sampled_from([
    "Căn cứ ", "Quyết định số ", "123/QĐ-UBND", "30/2020/NĐ-CP", "34-CT/TW", " ngày ", "23/01/2024",
    " tháng ", " năm ", "2025", "Luật ", "Thi đua, khen thưởng", "kỷ niệm ", "50 năm ", "(30/4/1975 - 30/4/2025)",
    "phấn đấu đạt ", "42.500 tỷ đồng", "tăng 8,44%", " so với ", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n", "Nguyễn Văn A",
    "Số: ", "Hà Nội, ngày 16 tháng 11 năm 2025\n", "KẾ HOẠCH\n", "**", "|", "\n", "\n\n", " ", "Ð", "–", "\u00a0",
    "o\u0323\u0302", "\ufeff", "\u200b", "Điều 5 ", "ít nhất ", "%", "MW", "V/v ", "# ", "![](x)",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_cleaning_keeps_an_offset_map(raw):
    c = clean(RawDocument(path="x", format="txt", text=raw))
    assert len(c.offsets) == len(c.text) + 1
    assert all(0 <= o <= len(raw) for o in c.offsets)
    assert c.offsets == sorted(c.offsets)          # order is kept
    assert "\r" not in c.text and "**" not in c.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_extractors_never_raise_and_offsets_slice(raw):
    ex = extract_text(raw)
    text = clean(RawDocument(path="x", format="txt", text=raw)).text
    for it in [*ex.citations, *ex.dates, *ex.commemorations, *ex.targets, *ex.signatories]:
        assert 0 <= it.start <= it.end <= len(text)
        assert text[it.start:it.end] == it.text
    for c in ex.citations:
        for m in c.mentions:
            assert text[m.start:m.end] == m.text
    for d in ex.dates:
        assert len(d.value) in (4, 7, 10)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(raw):
    ex = extract_text(raw)
    assert ex.extractor_version
