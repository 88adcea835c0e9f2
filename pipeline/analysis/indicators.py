"""Map an extracted target to the indicator taxonomy, and its unit to a base unit.

The taxonomy is `extractors/data/indicators.yaml`. Mapping is a handful of
deterministic rules over normalized text (no model):

* the indicator phrase is normalized (accent placement, case, punctuation,
  `tỉ`/`tỷ`), and every synonym of every indicator is looked for as whole words;
* a match inside a longer match is dropped (`sản xuất công nghiệp` inside
  `chỉ số sản xuất công nghiệp`);
* each remaining match scores: the synonym's strength (0.95, weak ones 0.55),
  times its distance from the value (1 within 20 characters, down to 0.5 at
  140: the extracted phrase often carries the sentence before the indicator,
  and the words nearest the number name it), times
  the fit of the target's unit (a money indicator stated in % is its growth
  rate, 0.9; another dimension, 0.5), times 0.75 when a `soft_exclude` phrase
  (a sub-item: `sản phẩm`, `trong đó`) is present; an `exclude` phrase removes
  the indicator altogether;
* the best match wins; matches listed with it (`PAR Index, SIPAS, PAPI`) are
  returned too; a unit-only fallback (MW -> renewable capacity) scores 0.35;
* below `min_confidence` (0.5 by default) the target is `unmapped`.

Units: `units.yaml` gives each unit a dimension and a factor to the
dimension's base unit (tỷ đồng -> 1e9 VND, triệu USD -> 1e6 USD).
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

STRONG, WEAK, UNIT_ONLY = 0.95, 0.55, 0.35
GROWTH_FIT, MISFIT, SOFT_EXCLUDE = 0.9, 0.5, 0.75

# The base unit of each dimension in units.yaml (count-like dimensions keep the unit as printed).
BASE_UNITS = {"money_vnd": "VND", "money_usd": "USD", "percent": "%", "power": "W", "energy": "kWh",
              "length": "m", "area": "m²", "mass": "kg", "rank": "top-N"}


# ---------------------------------------------------------------------------
# Text

_PUNCT = re.compile(r"[\"'“”‘’«»()\[\]{}.,;:!?/\\+*|–—-]+")


def normalize(s: str | None) -> str:
    """Lower-case, modern accent placement (hoá -> hóa), `tỉ` as `tỷ`,
    punctuation as spaces, whitespace collapsed."""
    if not s:
        return ""
    # Old accent placement (hoá, uỷ) as the usual one; applied to phrases and
    # synonyms alike, so it may also move an accent inside a word (hoàn -> hòan).
    s = modern_accents(unicodedata.normalize("NFC", s)).casefold()
    s = _PUNCT.sub(" ", s)
    s = re.sub(r"(?<!\w)tỉ(?!\w)", "tỷ", s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------
# Taxonomy

@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    dimension: str
    dimensions: tuple[str, ...]          # every accepted dimension, the main one first
    synonyms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    soft_exclude: tuple[str, ...] = ()
    unit_fallback: tuple[str, ...] = ()
    example: str = ""
    example_unit: str | None = None


@lru_cache(maxsize=1)
def taxonomy() -> tuple[Indicator, ...]:
    """Every indicator of `indicators.yaml`, in file order."""
    out = []
    seen = set()
    for e in load("indicators")["indicators"]:
        if e["code"] in seen or e["code"] == UNMAPPED:
            raise ValueError(f"indicators.yaml: duplicate or reserved code {e['code']!r}")
        seen.add(e["code"])
        out.append(Indicator(
            code=e["code"], name=e["name"], name_en=e.get("name_en", e["name"]), dimension=e["dimension"],
            dimensions=tuple(dict.fromkeys([e["dimension"], *e.get("dimensions", [])])),
            synonyms=tuple(normalize(s) for s in e.get("synonyms", [])),
            weak=tuple(normalize(s) for s in e.get("weak", [])),
            exclude=tuple(normalize(s) for s in e.get("exclude", [])),
            soft_exclude=tuple(normalize(s) for s in e.get("soft_exclude", [])),
            unit_fallback=tuple(e.get("unit_fallback", [])),
            example=e.get("example", ""), example_unit=e.get("example_unit")))
    return tuple(out)


@lru_cache(maxsize=1)
def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in taxonomy()}


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, list[tuple[Indicator, float]]]]:
    forms: dict[str, list[tuple[Indicator, float]]] = {}
    for ind in taxonomy():
        for f in ind.synonyms:
            forms.setdefault(f, []).append((ind, STRONG))
        for f in ind.weak:
            forms.setdefault(f, []).append((ind, WEAK))
    alts = sorted(forms, key=len, reverse=True)
    # A lookahead so overlapping forms are all found; containment is resolved after.
    rx = re.compile(r"(?<!\w)(?=(" + "|".join(re.escape(a) for a in alts) + r")(?!\w))")
    return rx, forms


# ---------------------------------------------------------------------------
# Units

@lru_cache(maxsize=1)
def _units() -> dict[str, dict]:
    return {u["unit"]: u for u in load("units")["units"]}


@dataclass(frozen=True)
class Normalized:
    value: float | None      # in the base unit; None when the unit has no factor
    unit: str                # the base unit (VND, USD, %, W ...), else the unit as printed
    dimension: str


def unit_dimension(unit: str | None) -> str:
    u = _units().get(unit or "")
    return u["dimension"] if u else "count"


def normalize_value(value: float, unit: str) -> Normalized:
    """`1750, "triệu USD"` -> 1.75e9 USD; `42500, "tỷ đồng"` -> 4.25e13 VND."""
    u = _units().get(unit)
    if u is None:
        return Normalized(value, unit, "count")
    dim = u["dimension"]
    factor = u.get("to_base")
    base = BASE_UNITS.get(dim, unit)
    if factor is None:
        return Normalized(None, unit, dim)
    # float(): YAML 1.1 reads `1.0e12` (no exponent sign) as a string.
    return Normalized(value * float(factor), base, dim)


# ---------------------------------------------------------------------------
# Mapping

@dataclass(frozen=True)
class Mapping:
    code: str                              # an indicator code, or "unmapped"
    confidence: float                      # 0..1 (for unmapped: the best score found, or 0)
    matched: str | None = None             # the synonym found (normalized)
    measure: str = "level"                 # level | growth (a percent target on a non-percent indicator)
    codes: tuple[str, ...] = field(default=())   # the code and those listed with it (`PAR Index, SIPAS, PAPI`)

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
    if dim == "percent":
        return GROWTH_FIT, "growth"
    return MISFIT, "level"


_LIST_GAP = re.compile(r"^(?:\s|và|hoặc|cùng)*$")


def map_indicator(indicator: str | None, unit: str | None = None, text: str | None = None,
                  min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> Mapping:
    """The taxonomy code of a target: `indicator` is the phrase as extracted,
    `unit` the target's unit, `text` the target's span (optional: it tells on
    which side of the phrase the value stands)."""
    return _map(indicator or "", unit, text, min_confidence)


@lru_cache(maxsize=65536)
def _map(indicator: str, unit: str | None, text: str | None, min_confidence: float) -> Mapping:
    phrase = normalize(indicator)
    dim = unit_dimension(unit) if unit else None
    rx, forms = _matcher()
    found = []                                   # (start, end, form)
    for m in rx.finditer(phrase):
        f = m.group(1)
        found.append((m.start(), m.start() + len(f), f))
    # Drop matches inside a longer one.
    kept = [a for a in found if not any(b != a and b[0] <= a[0] and a[1] <= b[1] and (b[1] - b[0]) > (a[1] - a[0])
                                        for b in found)]
    value_first = _value_first(indicator, text, unit)
    n = len(phrase)
    cands = []                                   # (confidence, length, -distance, start, end, ind, form, measure)
    for s, e, f in kept:
        dist = s if value_first else n - e
        for ind, strength in forms[f]:
            if any(re.search(rf"(?<!\w){re.escape(x)}(?!\w)", phrase) for x in ind.exclude):
                continue
            fit, measure = _fit(ind, dim) if dim else (1.0, "level")
            conf = strength * _distance_factor(dist) * fit
            if any(re.search(rf"(?<!\w){re.escape(x)}(?!\w)", phrase) for x in ind.soft_exclude):
                conf *= SOFT_EXCLUDE
            cands.append((round(conf, 4), e - s, -dist, s, e, ind, f, measure))
    if not cands and dim:
        for ind in taxonomy():
            if dim in ind.unit_fallback:
                cands.append((UNIT_ONLY, 0, 0, 0, 0, ind, None, "level"))
    if not cands:
        return Mapping(UNMAPPED, 0.0)
    cands.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    best = cands[0]
    conf, _, _, s, e, ind, form, measure = best
    if conf < min_confidence:
        return Mapping(UNMAPPED, conf, form, measure, ())
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
    return Mapping(ind.code, conf, form, measure, tuple(codes))
