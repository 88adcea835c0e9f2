"""Map an extracted target to the indicator taxonomy, and its value to a base unit.

The taxonomy is rule data: `extractors/data/indicators.yaml` lists the files of
`extractors/data/indicators/` — the national statistical indicator system
(Danh mục chỉ tiêu thống kê quốc gia), the governance indices (PAR Index, SIPAS,
PCI, PAPI, DTI …), the Vietnamese SDG indicators, the provincial indicator system
and the indicators that national programmes set and provincial plans copy. Each
entry names its source document, version and appendix, says whether its code
and name were checked against that text (`verified`), and carries worked
examples that the tests run.

Mapping is deterministic (no model), over normalized text:

* the phrase is normalized once (NFC, case, accent placement `hoá`/`hóa`,
  punctuation, `tỉ`/`tỷ`); a phrase typed without diacritics is matched against
  the unaccented aliases;
* every alias (`synonyms`, `weak`) of every indicator is looked for as whole
  words; a match inside a longer match is dropped, so the most specific
  indicator wins (`tỷ lệ hộ cận nghèo` is not `hộ nghèo`);
* a `rules` entry is a conjunction of word groups, each of which must occur
  somewhere in the phrase (`doanh nghiệp` … `công nghệ số`): Vietnamese puts
  qualifiers between the words of an indicator name;
* each match scores: the alias's strength (synonym 0.95, rule 0.85, weak 0.55),
  times its distance from the value (1 within 20 characters, down to 0.5 at
  140: the extracted phrase often carries the sentence before the indicator),
  times the fit of the target's unit dimension (a money indicator stated in %
  is its growth rate, 0.9; another dimension, 0.5), times 0.75 when a
  `soft_exclude` phrase (a sub-item: `sản phẩm`, `trong đó`) is present; an
  `exclude` phrase removes the indicator altogether;
* when the phrase names nothing (`xây dựng được`, the words the extractor
  kept before the value), the target's whole span is read the same way, at
  0.9 of the score: the span starts earlier than the phrase;
* a percent target on a money or count indicator is its growth rate
  (measure `growth`), or its share of the plan or estimate when the span
  says so (`hoàn thành 100% kế hoạch`, `bằng 97% dự toán`: measure `plan_share`);
* the best match wins; indicators listed with it (`PAR Index, SIPAS, PAPI`) are
  returned too; a unit alone (MW -> renewable capacity) scores 0.35;
* below `min_confidence` (0.5 by default) the target is `unmapped`;
* an indicator with a `breakdown` (exports by main commodity) also returns the
  value of it the phrase names (`Xoài`), and comparisons stay within one value.

Units: `units.yaml` (what the target extractor recognises) and
`indicators/units.yaml` (rates per mille, per 1,000 / 10,000 / 100,000, years …)
give a unit its dimension and its factor to the dimension's base unit; a money
unit neither lists is read from its scale words (`nghìn tỷ đồng`, `triệu USD`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from vanban.extractors.data import load
from vanban.extractors.places import modern_accents

UNMAPPED = "unmapped"
DEFAULT_MIN_CONFIDENCE = 0.5

STRONG, RULE, WEAK, UNIT_ONLY = 0.95, 0.85, 0.55, 0.35
GROWTH_FIT, MISFIT, SOFT_EXCLUDE, UNACCENTED, SPAN = 0.9, 0.5, 0.75, 0.95, 0.9

# The base unit of each dimension (count-like dimensions keep the unit as printed).
BASE_UNITS = {"money_vnd": "VND", "money_usd": "USD", "percent": "%", "per_mille": "‰", "power": "W",
              "energy": "kWh", "length": "m", "area": "m²", "mass": "kg", "rank": "top-N",
              "per_1000": "/1,000", "per_10000": "/10,000", "per_100000": "/100,000", "years": "years"}
# Dimensions whose values add up across provinces (the merger roll-up sums them);
# the rest are rates, ratios, indices and ranks, which are never added.
ADDITIVE = frozenset({"money_vnd", "money_usd", "count", "power", "energy", "length", "area", "mass"})
SYSTEMS = ("national", "provincial", "governance", "vsdg", "programme")


# ---------------------------------------------------------------------------
# Text

_PUNCT = re.compile(r"[\"'“”‘’«»()\[\]{}.,;:!?/\\+*|–—-]+")


def normalize(s: str | None) -> str:
    """Lower-case, modern accent placement (hoá -> hóa), `tỉ` as `tỷ`, `Ð` as
    `đ`, punctuation as spaces, whitespace collapsed."""
    if not s:
        return ""
    # Old accent placement (hoá, uỷ) as the usual one; applied to phrases and
    # aliases alike, so it may also move an accent inside a word (hoàn -> hòan).
    s = modern_accents(unicodedata.normalize("NFC", s.replace("Ð", "Đ").replace("ð", "đ"))).casefold()
    s = _PUNCT.sub(" ", s)
    s = re.sub(r"(?<!\w)tỉ(?!\w)", "tỷ", s)
    return re.sub(r"\s+", " ", s).strip()


def unaccented(s: str) -> str:
    """`tỷ lệ hộ nghèo` -> `ty le ho ngheo` (for text typed without diacritics)."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def _has_diacritics(s: str) -> bool:
    return unaccented(s) != s


# ---------------------------------------------------------------------------
# Taxonomy

@dataclass(frozen=True)
class Source:
    document: str                  # the legal or programme text the entry comes from
    version: str = ""              # which version of it (year, amending act)
    appendix: str = ""             # where in it (Phụ lục …, Điều …)
    code: str | None = None        # the code that text gives the indicator, if it gives one
    url: str = ""                  # where the text or a listing of it was read
    verified: bool = False         # code and name checked against that text


@dataclass(frozen=True)
class Rule:
    groups: tuple[tuple[str, ...], ...]     # every group must occur; any word of a group will do


@dataclass(frozen=True)
class Indicator:
    code: str                                # the taxonomy key (stable across versions of the law)
    name: str
    name_en: str
    system: str                              # national | provincial | governance | vsdg | programme
    group: str
    dimension: str
    dimensions: tuple[str, ...]              # every accepted dimension, the main one first
    unit: str                                # the unit values are compared in
    synonyms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    exclude: tuple[str, ...] = ()
    soft_exclude: tuple[str, ...] = ()
    unit_fallback: tuple[str, ...] = ()
    growth: bool = True                      # a % target on a non-% indicator is its growth rate
    sources: tuple[Source, ...] = ()
    verified: bool = False
    examples: tuple[tuple[str, str | None], ...] = ()
    counter_examples: tuple[tuple[str, str | None], ...] = ()
    legacy: tuple[str, ...] = ()             # earlier keys of this indicator (still accepted)
    breakdown: str | None = None             # a breakdown whose value a target names (indicators/breakdowns.yaml)

    @property
    def official_code(self) -> str | None:
        """The code of the first source that gives one (the law's own code)."""
        return next((s.code for s in self.sources if s.code), None)

    @property
    def example(self) -> str:
        return self.examples[0][0] if self.examples else ""

    @property
    def example_unit(self) -> str | None:
        return self.examples[0][1] if self.examples else None


def _source(d: dict) -> Source:
    return Source(document=d["document"], version=str(d.get("version", "")), appendix=d.get("appendix", ""),
                  code=(str(d["code"]) if d.get("code") is not None else None), url=d.get("url", ""),
                  verified=bool(d.get("verified", False)))


def _pairs(xs) -> tuple[tuple[str, str | None], ...]:
    return tuple((x[0], x[1] if len(x) > 1 else None) for x in xs or [])


@lru_cache(maxsize=1)
def breakdowns() -> dict[str, dict]:
    """indicators/breakdowns.yaml: each breakdown's values, and every form of
    them (normalized) with the value it names."""
    out = {}
    for key, b in load("indicators/breakdowns")["breakdowns"].items():
        forms = {normalize(f): v["name"] for v in b["values"] for f in v["forms"]}
        out[key] = {**b, "forms": forms}
    return out


def _expand(words: list[str]) -> list[str]:
    """`@commodity` in a word list stands for every form of that breakdown's values."""
    out = []
    for w in words:
        if w.startswith("@"):
            out.extend(breakdowns()[w[1:]]["forms"])
        else:
            out.append(w)
    return out


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Indicator, ...]:
    """Every indicator of the taxonomy files, in file order."""
    out, seen = [], set()
    for fname in load("indicators")["files"]:
        data = load(f"indicators/{fname}")
        system = data["system"]
        if system not in SYSTEMS:
            raise ValueError(f"indicators/{fname}.yaml: unknown system {system!r}")
        default_source = data.get("source")
        for e in data["indicators"]:
            code = e["code"]
            keys = [code, *e.get("legacy", [])]
            if any(k in seen or k == UNMAPPED for k in keys):
                raise ValueError(f"indicators/{fname}.yaml: duplicate or reserved code {code!r}")
            seen.update(keys)
            srcs = [_source({**(default_source or {}), **s}) for s in e.get("sources", [])]
            if not srcs and default_source:
                srcs = [_source(default_source)]
            if not srcs:
                raise ValueError(f"indicators/{fname}.yaml: {code} names no source")
            dim = e["dimension"]
            out.append(Indicator(
                code=code, name=e["name"], name_en=e.get("name_en", e["name"]), system=system,
                group=e.get("group", data.get("group", "")), dimension=dim,
                dimensions=tuple(dict.fromkeys([dim, *e.get("dimensions", [])])),
                unit=e.get("unit", BASE_UNITS.get(dim, "")),
                synonyms=tuple(normalize(s) for s in e.get("synonyms", [])),
                weak=tuple(normalize(s) for s in e.get("weak", [])),
                rules=tuple(Rule(tuple(tuple(normalize(w) for w in _expand(g)) for g in r)) for r in e.get("rules", [])),
                exclude=tuple(normalize(s) for s in _expand(e.get("exclude", []))),
                soft_exclude=tuple(normalize(s) for s in e.get("soft_exclude", [])),
                unit_fallback=tuple(e.get("unit_fallback", [])),
                growth=bool(e.get("growth", dim in ADDITIVE)),
                sources=tuple(srcs), verified=all(s.verified for s in srcs),
                examples=_pairs(e.get("examples")), counter_examples=_pairs(e.get("not")),
                legacy=tuple(e.get("legacy", [])), breakdown=e.get("breakdown")))
    return tuple(out)


@lru_cache(maxsize=1)
def by_code() -> dict[str, Indicator]:
    """Every indicator under its key, its legacy keys and its official code."""
    out: dict[str, Indicator] = {}
    for i in taxonomy():
        for k in (i.code, *i.legacy):
            out[k] = i
    for i in taxonomy():
        for s in i.sources:
            if s.code and s.code not in out:
                out[s.code] = i
    return out


def resolve(code: str) -> Indicator | None:
    """The indicator a key, a legacy key or an official code names."""
    return by_code().get(code)


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, re.Pattern, dict[str, list[tuple[Indicator, float]]],
                        dict[str, list[tuple[Indicator, float]]]]:
    forms: dict[str, list[tuple[Indicator, float]]] = {}
    for ind in taxonomy():
        for f in ind.synonyms:
            forms.setdefault(f, []).append((ind, STRONG))
        for f in ind.weak:
            forms.setdefault(f, []).append((ind, WEAK))
    plain: dict[str, list[tuple[Indicator, float]]] = {}
    for f, inds in forms.items():
        plain.setdefault(unaccented(f), []).extend(inds)

    def rx(keys):
        alts = sorted(keys, key=len, reverse=True)
        # A lookahead so overlapping forms are all found; containment is resolved after.
        return re.compile(r"(?<!\w)(?=(" + "|".join(re.escape(a) for a in alts) + r")(?!\w))")
    return rx(forms), rx(plain), forms, plain


# ---------------------------------------------------------------------------
# Units

@lru_cache(maxsize=1)
def _units() -> dict[str, dict]:
    """units.yaml (the extractor's units) then indicators/units.yaml, by unit and form."""
    out: dict[str, dict] = {}
    for u in load("units")["units"] + load("indicators/units")["units"]:
        for f in [u["unit"], *u.get("forms", [])]:
            out.setdefault(normalize(f), u)
    return out


_SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9}
_CURRENCY = {"đồng": "money_vnd", "vnđ": "money_vnd", "vnd": "money_vnd", "usd": "money_usd",
             "đô la mỹ": "money_usd", "đô la": "money_usd"}


# `/người`, `/người/năm`, `/năm` after an amount: per capita and per year are how
# the indicator itself is defined (income per head a year), the amount stays money
_PER = re.compile(r"(?:\s*/\s*(?:người|hộ|năm|tháng))+\s*$")


def _money(unit: str) -> tuple[str, float] | None:
    """`nghìn tỷ đồng` -> (money_vnd, 1e12): scale words multiply;
    `triệu đồng/người/năm` -> (money_vnd, 1e6)."""
    u = normalize(_PER.sub("", unit))
    for cur, dim in sorted(_CURRENCY.items(), key=lambda kv: -len(kv[0])):
        if u == cur or u.endswith(" " + cur):
            factor = 1.0
            for w in u[: len(u) - len(cur)].split():
                if w not in _SCALES:
                    return None
                factor *= _SCALES[w]
            return dim, factor
    return None


@dataclass(frozen=True)
class Normalized:
    value: float | None      # in the base unit; None when the unit has no factor
    unit: str                # the base unit (VND, USD, %, W ...), else the unit as printed
    dimension: str


def _unit(unit: str) -> dict | None:
    """The units.yaml entry of `unit`, also when `/năm` or `/người` follows it (`%/năm`)."""
    table = _units()
    return table.get(normalize(unit)) or table.get(normalize(_PER.sub("", unit)))


def unit_dimension(unit: str | None) -> str:
    if not unit:
        return "count"
    u = _unit(unit)
    if u:
        return u["dimension"]
    m = _money(unit)
    return m[0] if m else "count"


def normalize_value(value: float, unit: str) -> Normalized:
    """`1750, "triệu USD"` -> 1.75e9 USD; `42500, "tỷ đồng"` -> 4.25e13 VND;
    `16, "‰"` -> 16 ‰."""
    u = _unit(unit)
    if u is None:
        m = _money(unit)
        if m:
            return Normalized(value * m[1], BASE_UNITS[m[0]], m[0])
        return Normalized(value, unit, "count")
    dim = u["dimension"]
    factor = u.get("to_base")
    base = BASE_UNITS.get(dim, u["unit"])
    if factor is None:
        return Normalized(None, unit, dim)
    # float(): YAML 1.1 reads `1.0e12` (no exponent sign) as a string.
    return Normalized(value * float(factor), base, dim)


# ---------------------------------------------------------------------------
# Mapping

@dataclass(frozen=True)
class Mapping:
    code: str                              # an indicator key, or "unmapped"
    confidence: float                      # 0..1 (for unmapped: the best score found, or 0)
    matched: str | None = None             # the alias or rule words found (normalized)
    measure: str = "level"                 # level | growth | plan_share (a percent target on a non-percent indicator)
    codes: tuple[str, ...] = field(default=())   # the code and those listed with it (`PAR Index, SIPAS, PAPI`)
    rule: str = "none"                     # synonym | weak | rule | unaccented | span | unit | none
    breakdown: str | None = None           # the breakdown value named (`Xoài` of export_by_commodity)

    @property
    def mapped(self) -> bool:
        return self.code != UNMAPPED


def _value_first(indicator: str, text: str | None, unit: str | None) -> bool:
    """True when the span prints the value before the indicator (`100% cán bộ
    đạt …`): then the words nearest the value open the phrase."""
    if not text or not unit:
        return False
    t, i = normalize(text), normalize(indicator)
    if not i:
        return False
    pos = t.find(i)
    if pos < 0:
        pos = t.find(i[:30])
    if pos <= 0:
        return False
    return re.search(r"\d\s*" + re.escape(normalize(unit)), t[:pos]) is not None


def _distance_factor(d: int) -> float:
    """1.0 within 20 characters of the value, falling to 0.5 at 140 and beyond."""
    return 1.0 - 0.5 * min(1.0, max(0, d - 20) / 120)


def _fit(ind: Indicator, dim: str) -> tuple[float, str]:
    if dim in ind.dimensions:
        return 1.0, "level"
    if dim == "percent" and ind.growth:
        return GROWTH_FIT, "growth"
    return MISFIT, "level"


def _word(x: str, phrase: str) -> re.Match | None:
    return re.search(rf"(?<!\w){re.escape(x)}(?!\w)", phrase)


_LIST_GAP = re.compile(r"^(?:\s|và|hoặc|cùng|va|hoac|cung)*$")


def map_indicator(indicator: str | None, unit: str | None = None, text: str | None = None,
                  min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Mapping:
    """The taxonomy code of a target: `indicator` is the phrase as extracted,
    `unit` the target's unit, `text` the target's span (optional: it tells on
    which side of the phrase the value stands)."""
    return _map(indicator or "", unit, text, min_confidence)


def _matches(phrase: str) -> tuple[list[tuple[int, int, str, Indicator, float, str]], str]:
    """(start, end, form, indicator, strength, rule) for every alias and rule in
    `phrase`, the longest alias only where aliases overlap; and the phrase they
    were found in (the unaccented one when the text has no diacritics)."""
    rx, rx_plain, forms, plain = _matcher()
    kind_of = {STRONG: "synonym", WEAK: "weak"}
    if _has_diacritics(phrase):
        rx_use, table, scale, tag = rx, forms, 1.0, None
    else:
        rx_use, table, scale, tag = rx_plain, plain, UNACCENTED, "unaccented"
    found = []
    for m in rx_use.finditer(phrase):
        f = m.group(1)
        found.append((m.start(), m.start() + len(f), f))
    kept = [a for a in found if not any(b != a and b[0] <= a[0] and a[1] <= b[1] and (b[1] - b[0]) > (a[1] - a[0])
                                        for b in found)]
    out = []
    for s, e, f in kept:
        for ind, strength in table[f]:
            out.append((s, e, f, ind, strength * scale, tag or kind_of[strength]))
    # Conjunctive rules: every word group present somewhere in the phrase.
    for ind in taxonomy():
        for r in ind.rules:
            spans = []
            for g in r.groups:
                hits = [m for w in g if (m := _word(w if tag is None else unaccented(w), phrase))]
                if not hits:
                    break
                spans.append(max(hits, key=lambda m: m.end()))
            else:
                s, e = min(m.start() for m in spans), max(m.end() for m in spans)
                words = " … ".join(m.group() for m in sorted(spans, key=lambda m: m.start()))
                out.append((s, e, words, ind, RULE * scale, tag or "rule"))
    return out, phrase


def _words_rx(words: list[str]) -> re.Pattern:
    forms = {f for w in words for f in (normalize(w), unaccented(normalize(w)))}
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?!\w)")


# Normalized like the text they are looked for in (normalize moves accents: kế hoạch -> kế họach).
_PLAN = _words_rx(["dự toán", "kế hoạch", "hoàn thành"])
_GROWTH = _words_rx(["tăng", "giảm"])


def _candidates(phrase: str, dim: str | None, value_first: bool, scale: float = 1.0, tag: str | None = None):
    """(confidence, length, -distance, start, end, ind, form, measure, rule) for
    every indicator named in `phrase`, the value standing at its end (or at its
    start when `value_first`)."""
    if not _has_diacritics(phrase):
        phrase = unaccented(phrase)
    found, phrase = _matches(phrase)
    accented = _has_diacritics(phrase)
    n = len(phrase)
    cands = []
    for s, e, f, ind, strength, rule in found:
        if any(_word(x if accented else unaccented(x), phrase) for x in ind.exclude):
            continue
        dist = s if value_first else n - e
        fit, measure = _fit(ind, dim) if dim else (1.0, "level")
        conf = strength * _distance_factor(dist) * fit * scale
        if any(_word(x if accented else unaccented(x), phrase) for x in ind.soft_exclude):
            conf *= SOFT_EXCLUDE
        cands.append((round(conf, 4), e - s, -dist, s, e, ind, f, measure, tag or rule))
    return cands, phrase


# a word (not a scale or currency) before a slash: `giường bệnh/10.000 dân`, not `%/năm`, `USD/người`
_NAMING_UNIT = re.compile(r"(?<![\w/])(?!(?:usd|đồng|vnd|triệu|tỷ|nghìn|ngàn)\b)[^\W\d_]{2,}(?:\s+[^\W\d_]+)*\s*/\s*[\d.,\s]*(?:vạn\s+)?dân",
                         re.IGNORECASE)


@lru_cache(maxsize=65536)
def _map(indicator: str, unit: str | None, text: str | None, min_confidence: float) -> Mapping:
    dim = unit_dimension(unit) if unit else None
    value_first = _value_first(indicator, text, unit)
    cands, phrase = _candidates(normalize(indicator), dim, value_first)
    if not cands and text and normalize(text) != normalize(indicator):
        # The phrase names nothing: read the whole span (it starts earlier).
        t = normalize(text)
        if unit:   # the span ends with (or, value first, starts with) the value: measure from it
            m = list(re.finditer(r"\d[\d\s]*" + re.escape(normalize(unit)), t))
            if m:
                t = t[m[0].end():] if value_first else t[:m[-1].start()]
        cands, phrase = _candidates(t.strip(), dim, value_first, SPAN, "span")
    if not cands and unit and _NAMING_UNIT.search(unit):
        # A unit that names what it counts per population (giường bệnh/10.000 dân,
        # bác sĩ/vạn dân) names the indicator when neither phrase nor span does.
        cands, phrase = _candidates(normalize(unit), dim, False, SPAN, "unit name")
    if not cands and dim:
        for ind in taxonomy():
            if dim in ind.unit_fallback:
                cands.append((UNIT_ONLY, 0, 0, 0, 0, ind, None, "level", "unit"))
    if not cands:
        return Mapping(UNMAPPED, 0.0)
    cands.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    conf, _, _, s, e, ind, form, measure, rule = cands[0]
    if measure == "growth":
        said = normalize(text or indicator)
        if _PLAN.search(said) and not _GROWTH.search(said):
            measure = "plan_share"
    if conf < min_confidence:
        return Mapping(UNMAPPED, conf, form, measure, (), rule)
    # Indicators listed together with the best one ("PAR Index, SIPAS, PAPI").
    codes = [ind.code]
    group = [(s, e)]
    others = sorted({(c[3], c[4], c[5].code) for c in cands if c[0] >= min_confidence and c[6] is not None})
    grown = True
    while grown:
        grown = False
        for cs, ce, code in others:
            if code in codes:
                continue
            for gs, ge in group:
                gap = phrase[ce:gs] if ce <= gs else phrase[ge:cs] if cs >= ge else None
                if gap is not None and _LIST_GAP.match(gap):
                    codes.append(code)
                    group.append((cs, ce))
                    grown = True
                    break
    return Mapping(ind.code, conf, form, measure, tuple(codes), rule, _breakdown_value(ind, phrase))


def _breakdown_value(ind: Indicator, phrase: str) -> str | None:
    """The value of `ind`'s breakdown that `phrase` names: its longest form found
    (`tinh bột sắn` before `sắn`), the first of equals."""
    if not ind.breakdown:
        return None
    forms = breakdowns()[ind.breakdown]["forms"]
    accented = _has_diacritics(phrase)
    best = None
    for f, name in forms.items():
        m = _word(f if accented else unaccented(f), phrase)
        if m and (best is None or (len(f), -m.start()) > (len(best[0]), -best[1])):
            best = (f, m.start(), name)
    return best[2] if best else None
