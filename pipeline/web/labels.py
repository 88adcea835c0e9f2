"""The interface's Vietnamese words for the contract's codes (doc types,
relations, date roles, item kinds, structure parts) and the one-line
"normalized value" of each kind of item."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from vanban.extractors.data import load

ITEM_KINDS: dict[str, str] = {
    "meta": "Thông tin văn bản",
    "citation": "Trích dẫn",
    "date": "Ngày tháng",
    "commemoration": "Kỷ niệm",
    "target": "Chỉ tiêu",
    "signatory": "Người ký",
}
# Extraction field -> item kind.
KIND_OF_FIELD = {"citations": "citation", "dates": "date", "commemorations": "commemoration",
                 "targets": "target", "signatories": "signatory"}

META_FIELDS: dict[str, str] = {
    "doc_type": "Loại văn bản", "number": "Số, ký hiệu", "issuer": "Cơ quan ban hành", "province": "Tỉnh, thành",
    "issue_place": "Địa danh", "issue_date": "Ngày ban hành", "published_date": "Ngày đăng",
    "title": "Trích yếu", "author": "Tác giả",
}

RELATIONS: dict[str, str] = {
    "based_on": "căn cứ", "implements": "thực hiện", "amends": "sửa đổi", "supplements": "bổ sung",
    "replaces": "thay thế", "repeals": "bãi bỏ", "guides": "hướng dẫn", "refers_to": "dẫn chiếu",
    "unknown": "chưa rõ",
}

DATE_ROLES: dict[str, str] = {
    "issue": "ngày ban hành", "published": "ngày đăng", "citation": "ngày của văn bản được dẫn",
    "event": "ngày sự kiện", "period_start": "bắt đầu thời kỳ", "period_end": "kết thúc thời kỳ",
    "deadline": "thời hạn", "origin": "ngày gốc (sự kiện được kỷ niệm)", "anniversary": "ngày kỷ niệm",
    "other": "khác",
}

STATUSES = {"target": "chỉ tiêu", "actual": "kết quả đạt được"}

COMPARATORS = {">=": "≥", ">": ">", "<": "<", "<=": "≤", "=": "="}

# The word a reader expects where doc_types.yaml has several (official_letter:
# Công văn, not Văn bản) or none (news_article, other).
_PREFERRED_TYPES = {"official_letter": "Công văn", "news_article": "Tin bài", "other": "Khác"}

PART_KINDS: dict[str, str] = {
    "header": "Phần đầu", "motto": "Quốc hiệu, tiêu ngữ", "parent_body": "Cơ quan chủ quản",
    "issuer": "Cơ quan ban hành", "number": "Số, ký hiệu", "place_date": "Địa danh, ngày tháng",
    "doc_type": "Tên loại", "subject": "Trích yếu", "addressee": "Kính gửi", "enacting": "Thẩm quyền ban hành",
    "preamble": "Căn cứ", "basis": "Căn cứ", "body": "Nội dung", "section": "Mục", "heading": "Đề mục",
    "list_item": "Ý", "paragraph": "Đoạn", "table": "Bảng", "row": "Dòng", "cell": "Ô",
    "signature": "Chữ ký", "authority": "Quyền hạn ký", "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký", "recipients": "Nơi nhận", "appendix": "Phụ lục", "footnote": "Chú thích",
    "headline": "Tiêu đề", "lead": "Sapo", "byline": "Tác giả, nguồn",
}
LAYOUTS = {"official": "văn bản hành chính", "law": "văn bản luật", "party": "văn bản của Đảng",
           "news": "tin bài", "plain": "không nhận ra bố cục"}


@lru_cache(maxsize=1)
def doc_types() -> dict[str, str]:
    """doc_type -> the plainest Vietnamese type word (plan -> Kế hoạch)."""
    out: dict[str, str] = {}
    for t in load("doc_types")["types"]:
        if t["doc_type"] not in out or len(t["word"]) < len(out[t["doc_type"]]):
            out[t["doc_type"]] = t["word"]
    out.update(_PREFERRED_TYPES)
    return out


def doc_type(code: str | None) -> str:
    if not code:
        return ""
    return doc_types().get(code, code)


def _num(v: Any) -> str:
    """A number the Vietnamese way: 42.500 and 8,44."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")
    whole, _, frac = f"{v:.6f}".rstrip("0").partition(".")
    return f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")


def value_of(kind: str, item: dict[str, Any], field: str | None = None) -> str:
    """The item's normalized value in one line."""
    g = item.get
    if kind == "meta":
        v = g("value")
        return doc_type(v) if field == "doc_type" else ("" if v is None else str(v))
    if kind == "citation":
        parts = [g("doc_type") or "", g("number") or g("title") or ""]
        s = " ".join(p for p in parts if p)
        extra = [x for x in (g("date") and f"ngày {g('date')}", g("issuer"),
                             g("pin") and f"({g('pin')})") if x]
        return s + (" — " + ", ".join(extra) if extra else "")
    if kind == "date":
        return f"{g('value')} ({DATE_ROLES.get(g('role'), g('role'))})"
    if kind == "commemoration":
        years = f"{g('years')} năm " if g("years") else ""
        dates = ", ".join(x for x in (g("origin_date") and f"từ {g('origin_date')}",
                                      g("date") and f"ngày kỷ niệm {g('date')}") if x)
        warn = " — số năm không khớp hai ngày" if g("consistent") is False else ""
        return f"{years}{g('event')}" + (f" ({dates})" if dates else "") + warn
    if kind == "target":
        cmp_ = COMPARATORS.get(g("comparator"), g("comparator") or "")
        s = f"{g('indicator')}: {cmp_} {_num(g('value'))} {g('unit')}".strip()
        extra = [x for x in (g("year") and f"năm {g('year')}",
                             g("growth_pct") is not None and f"tăng {_num(g('growth_pct'))}%",
                             g("status") == "actual" and "kết quả đạt được") if x]
        return s + (" (" + ", ".join(extra) + ")" if extra else "")
    if kind == "signatory":
        return ", ".join(x for x in (g("on_behalf"), g("title"), g("name"), g("organization")) if x)
    return ""


def number(v: Any) -> str:
    return _num(v)


# What a comparison row measures (pipeline.analysis.compare's `measure`).
MEASURES = {"level": "mức", "growth": "tăng trưởng", "plan_share": "% kế hoạch"}

# compare.ROLLUP_RULE, in the interface's language (tests check the two stay paired).
ROLLUP_RULE_VI = ("Các tỉnh sáp nhập từ 1/7/2025 được gộp vào tỉnh mới: chỉ tiêu về tiền, số lượng, diện tích, "
                  "khối lượng, công suất hoặc năng lượng là tổng của các tỉnh thành phần (ghi là chưa đủ khi có "
                  "tỉnh thành phần không có chỉ tiêu); tỷ lệ, tỷ số, chỉ số hoặc thứ hạng (%, ‰, trên 1.000, "
                  "top-N) không bao giờ được cộng: giá trị từng tỉnh thành phần được liệt kê, giá trị gộp để trống.")
