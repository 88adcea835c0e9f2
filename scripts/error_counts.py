#!/usr/bin/env python
"""Count the citation and date error classes of issue #11 on documents that have
no annotation: how often each class shows in an extraction's output.

    .venv/bin/python scripts/error_counts.py DIR [--cmd CMD]... [--json OUT]

Each --cmd (default: this checkout's `vanban extract --json {files}`) is run
once over every document in DIR; the table has one column per command, so an
old and a new build can be compared on the same files:

    .venv/bin/python scripts/error_counts.py ../shared/corpus/extra \\
        --cmd "/path/to/old/.venv/bin/vanban extract --json {files}" \\
        --cmd ".venv/bin/vanban extract --json {files}"

The checks look at the output and at the normalized text (`vanban text`); they
are deliberately written apart from the extractor's own rules (their word
lists are wider), so a class the extractor stops producing is seen to stop.
Each counted item is listed with --list.
"""
from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LAWS = ("Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp")
FUNCTION_WORDS = {"và", "của", "các", "hoặc", "phải", "nếu", "đối", "gồm", "những", "cho", "với", "để", "là", "theo",
                  "tại", "trong", "khi", "do", "mà", "thì", "được", "đã", "sẽ", "có", "không", "cần", "bao", "như", "này"}
ONE_WORD_LAWS = {"dược", "giá"}
GENERIC_TYPES = {"Văn bản", "Công văn"}
COUNT_WORDS = r"(?:số|tổng\s+số|diện\s+tích|cuộc|đơn\s+vị|xã|phường|huyện|tỉnh|thành\s+viên|đại\s+biểu|tiêu\s+chí|" \
              r"chỉ\s+tiêu|nhiệm\s+vụ|thủ\s+tục|hồ\s+sơ|trường|người|hộ|trở\s+lên|phần|lần|cơ\s+quan|học\s+sinh)\b"
RECURRING = re.compile(r"\s*\(?\s*(?:của\s+)?(?:h[ằà]ng\s+năm|mỗi\s+năm|năm\s+sau|năm\s+trước|năm\s+tiếp\s+theo|"
                       r"năm\s+liền\s+kề|kỳ\s+báo\s+cáo|năm\s+kế\s+hoạch)")
YEARLESS = {"numeric_noyear", "verbal_noyear", "known_day"}

CLASSES = [
    ("fragment_law_title", "law name cut to a fragment (function word at its end, a pin cite or type word inside)"),
    ("one_word_law_title", "law name of one word that no law has (Luật Thuế, Luật sé)"),
    ("comma_cut_law_title", "law name cut at a comma inside it (Luật Quản lý for Luật Quản lý, sử dụng tài sản công)"),
    ("type_number_mismatch", "type word given to another type's number (a Luật numbered …/NĐ-CP)"),
    ("cut_short_symbol", "number read short of its printed end or start (71/NQ for 71/NQ -CP)"),
    ("ocr_symbol", "number with OCR residue (look-alike letters, 0H13, QHI15, QH1)"),
    ("duplicate_entry", "one document given two entries (named and numbered, two spellings)"),
    ("form_number", "a form or table code given as a citation (mẫu số 05/GTGT)"),
    ("short_unresolved", "`<Type> số N` with no entry covering it"),
    ("date_item_number", "a list-item number read as a date (2.2. at a line start)"),
    ("date_fraction", "a fraction read as a date (2/3 số xã)"),
    ("date_glued_missed", "a date glued to tháng/năm (tháng12, 09tháng) not found"),
    ("date_year_from_elsewhere", "a year-less date given a year not in its sentence nor the document's"),
    ("date_recurring_invented", "a recurring date given a year with no document year to anchor it"),
]


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", (s or "").casefold()).replace("đ", "d")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = re.sub(r"[^\w]+", " ", s).strip()
    return re.sub(r"\s+(?:nam\s+)?(?:19|20)\d\d$", "", s)


def type_words() -> dict[str, str]:
    from vanban.extractors.data import load
    out = {}
    for t in load("doc_types")["types"]:
        for c in t["codes"]:
            out.setdefault(c, t["word"])
    return out


def code_of(number: str) -> str | None:
    n = re.sub(r"\s+", "", number)
    m = re.match(r"^\d+[a-z]?-([A-Za-zĐđ]+)/", n)
    if m:
        return m.group(1)
    parts = n.split("/")
    rest = parts[2] if len(parts) == 3 and re.fullmatch(r"\d{4}", parts[1]) else parts[-1]
    return rest.split("-")[0] or None


def printed(number: str) -> re.Pattern:
    """The number as it may be printed: any spaces between its characters."""
    chars = [re.escape(c) for c in re.sub(r"\s+", "", number)]
    return re.compile(r"(?<![\w/])" + r"\s?".join(chars))


def sentence_of(text: str, s: int) -> tuple[int, int]:
    a = max(text.rfind(". ", 0, s), text.rfind("\n", 0, s), text.rfind(";", 0, s)) + 1
    ends = [x for x in (text.find(". ", s), text.find("\n", s), text.find(";", s)) if x != -1]
    return a, min(ends) if ends else len(text)


def check(rec: dict, text: str, codes: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k, _ in CLASSES}
    doc = rec.get("document") or {}
    cits = rec.get("citations") or []
    dyear = (doc.get("issue_date") or doc.get("published_date") or "")[:4]
    covered = [(m["start"], m["end"]) for c in cits for m in c.get("mentions") or []]
    for c in cits:
        num, title, dt = c.get("number"), c.get("title") or "", c.get("doc_type") or ""
        if dt in LAWS and title and not num:
            words = re.sub(r"\s+(?:năm\s+)?\d{4}$", "", title).split()
            if len(words) == 1 and words[0].casefold() not in ONE_WORD_LAWS and not c.get("date") \
                    and not re.fullmatch(r"[A-ZĐ]{3,}", words[0]):
                out["one_word_law_title"].append(f"{dt} {title}")
            elif words and (words[-1].casefold() in FUNCTION_WORDS or re.search(
                    r"\b(?:khoản|điểm|Điều)\s+\d|Nghị\s+định|Thông\s+tư|Quyết\s+định", title)):
                out["fragment_law_title"].append(f"{dt} {title}")
        if dt in LAWS and title and len(title.split()) <= 2:
            for m in c.get("mentions") or []:
                nxt = re.match(r",\s*(\w+)", text[m["end"]:m["end"] + 30])
                if nxt and nxt.group(1).islower() and nxt.group(1) not in FUNCTION_WORDS | {"điều", "khoản", "điểm"}:
                    out["comma_cut_law_title"].append(f"{dt} {title}, {nxt.group(1)}…")
                    break
        if num:
            code = code_of(num)
            # the type word printed right before the number is the document's own
            # misprint; count only a type word bound across other words
            first = (c.get("mentions") or [{}])[0].get("text") or ""
            direct = bool(re.match(rf"{re.escape(dt)}\s+(?:số\s*)?:?\s*" + r"\s?".join(map(re.escape, num)), first))
            word = codes.get(code or "")
            if word and not direct and dt not in GENERIC_TYPES and word != dt and not dt.startswith(word) and not word.startswith(dt):
                out["type_number_mismatch"].append(f"{dt} {num}")
            if dt in LAWS and code and not re.match(r"(?:QH|UBTVQH|L)\d*$", code) and word:
                out["type_number_mismatch"].append(f"{dt} {num} (not a law's number)")
            if re.search(r"[\u0370-\u03ff\u0400-\u04ff]|/[0O]H\d|QH[Il|]\d|/QH\d?$", num):
                out["ocr_symbol"].append(num)
            for m in printed(num).finditer(text):
                after, before = text[m.end():m.end() + 4], text[max(0, m.start() - 12):m.start()]
                if re.match(r"(?:[-.&][A-ZĐ0-9]|\s?-\s?[A-ZĐ]{2}|[A-ZĐa-zđ0-9])", after) or \
                        re.search(r"(?<![A-Za-zđ])\d+[-/]\s?$|(?<![A-Za-zđ])\d+\s$", before):
                    out["cut_short_symbol"].append(f"{num} in {before!r}…{after!r}")
                    break
            for m in printed(num).finditer(text):
                if re.search(r"(?i:mẫu|tờ\s+khai|bảng\s+kê|biểu|bảng)(?:\s+(?:số|mẫu))?\s*:?\s*$", text[max(0, m.start() - 25):m.start()]):
                    out["form_number"].append(num)
                    break
    # one document, two entries
    numbered = {fold(c.get("title")) for c in cits if c.get("number") and c.get("title") and c.get("doc_type") in LAWS}
    seen: Counter = Counter()
    for c in cits:
        if c.get("doc_type") in LAWS and c.get("title") and not c.get("number"):
            k = fold(c["title"])
            if k in numbered:
                out["duplicate_entry"].append(f"{c['doc_type']} {c['title']} (also numbered)")
            seen[k] += 1
        if c.get("number"):
            seen["#" + re.sub(r"[-/]", "/", re.sub(r"\s+", "", c["number"]).upper())] += 1
    out["duplicate_entry"] += [f"{k} ×{n}" for k, n in seen.items() if n > 1]
    own = re.match(r"\d+", doc.get("number") or "")
    for m in re.finditer(r"(?:Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Luật)\s+số\s+(\d{1,5})[a-z]?(?![\d/\w-])",
                         text):
        if own and own.group() == m.group(1):
            continue                                  # the document names itself
        if not any(a <= m.start() < b for a, b in covered):
            out["short_unresolved"].append(m.group())
    dates = rec.get("dates") or []
    for d in dates:
        s, e, rule = d["start"], d["end"], d.get("rule")
        line_start = text.rfind("\n", 0, s) + 1
        if rule in YEARLESS and re.fullmatch(r"[\s\-+•]*", text[line_start:s]) and re.match(r"\.|\)|\s+[A-ZĐ]", text[e:e + 3]):
            out["date_item_number"].append(f"{text[s:e]!r} {text[e:e + 20]!r}")
        elif rule in YEARLESS - {"known_day"} and (re.match(r"\s*" + COUNT_WORDS, text[e:e + 20]) or
                                   re.search(r"(?:đạt|chiếm|tỷ\s+lệ|tăng|giảm|thứ|hạng)\s+(?:\w+\s+)?$", text[max(0, s - 20):s])):
            out["date_fraction"].append(f"{text[max(0, s - 15):s]!r} {text[s:e]!r} {text[e:e + 15]!r}")
        if rule in YEARLESS and d.get("value"):
            y = d["value"][:4]
            a, b = sentence_of(text, s)
            sent = text[a:b]
            recurring = RECURRING.match(text, e)
            if recurring and not dyear:
                out["date_recurring_invented"].append(f"{text[s:e]!r}{recurring.group()!r} -> {d['value']}")
            elif not recurring and dyear and y != dyear and y not in text[a:s] and y not in text[e:e + 14] \
                    and d.get("role") != "deadline":
                out["date_year_from_elsewhere"].append(f"{text[s:e]!r} -> {d['value']} (document {dyear}) in {sent[:80]!r}")
    spans = [(d["start"], d["end"]) for d in dates]
    for m in re.finditer(r"\d(?=tháng)|tháng(?=\d)|năm(?=(?:19|20)\d\d)", text):
        if not any(a <= m.start() < b for a, b in spans):
            out["date_glued_missed"].append(repr(text[max(0, m.start() - 12):m.end() + 12]))
    return out


def run(cmd: str, files: list[Path]) -> list[dict]:
    argv = [a for a in shlex.split(cmd) if a != "{files}"] + [str(f) for f in files]
    res = subprocess.run(argv, capture_output=True, text=True)
    recs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    by = {Path(r["source"]["path"]).name: r for r in recs}
    return [by.get(f.name, {}) for f in files]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("--cmd", action="append", help="a command printing JSON Lines for {files}")
    ap.add_argument("--pred", action="append", help="or a saved JSON Lines output of such a command")
    ap.add_argument("--list", action="store_true", help="print every counted item")
    ap.add_argument("--json", help="write the counts and items here")
    args = ap.parse_args()
    from vanban.pipeline.extract import text_of

    cmds = args.cmd or ([] if args.pred else [f"{Path(sys.executable).parent / 'vanban'} extract --json {{files}}"])
    files = sorted(p for p in Path(args.folder).iterdir()
                   if p.is_file() and not p.name.endswith(".json") and p.suffix not in (".md",))
    texts = {f.name: text_of(f) for f in files}
    codes = type_words()
    cols = []
    runs = [("pred", p) for p in args.pred or []] + [("cmd", c) for c in cmds]
    for how, what in runs:
        if how == "pred":
            recs = [json.loads(line) for line in Path(what).read_text(encoding="utf-8").splitlines() if line.strip()]
            by = {Path(r["source"]["path"]).name: r for r in recs}
            recs = [by.get(f.name, {}) for f in files]
        else:
            recs = run(what, files)
        tot: dict[str, list[str]] = {k: [] for k, _ in CLASSES}
        for f, r in zip(files, recs):
            for k, items in check(r, texts[f.name], codes).items():
                tot[k] += [f"{f.name[:40]}: {i}" for i in items]
        cols.append(tot)
    head = "| class | " + " | ".join(f"run {i + 1}" for i in range(len(cols))) + " |"
    print(f"{len(files)} documents in {args.folder}")
    for i, (_, c) in enumerate(runs):
        print(f"run {i + 1}: {c}")
    print()
    print(head)
    print("|" + " --- |" * (len(cols) + 1))
    for k, desc in CLASSES:
        print(f"| {k} | " + " | ".join(str(len(c[k])) for c in cols) + " |")
    if args.list:
        for i, c in enumerate(cols):
            print(f"\n## run {i + 1}")
            for k, _ in CLASSES:
                for item in c[k]:
                    print(f"{k}: {item}")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": [w for _, w in runs], "items": cols}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
