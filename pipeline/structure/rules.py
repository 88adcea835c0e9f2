"""The structure rule data (extractors/data/structure.yaml), compiled once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vanban.extractors.data import load


@dataclass(frozen=True)
class Numbering:
    style: str
    rank: int
    heading: bool
    pattern: str


@dataclass(frozen=True)
class Rules:
    motto: re.Pattern
    party_motto: re.Pattern
    number: re.Pattern
    place_date: re.Pattern
    enacting: re.Pattern
    addressee: re.Pattern
    subject_cue: re.Pattern
    body_opener: re.Pattern
    basis: re.Pattern
    basis_strict: re.Pattern             # basis cues that never open a subject line (Căn cứ, Xét)
    enacting_formula: re.Pattern
    label: re.Pattern                    # any numbering at a line start; group name = style
    numbering: dict[str, Numbering]
    topics: list[tuple[str, re.Pattern]]
    any_topic: re.Pattern                # matches where one of `topics` does
    recipients: re.Pattern
    authority: re.Pattern
    signer_title: re.Pattern
    signature_mark: re.Pattern
    signature_stamp: re.Pattern
    appendix: re.Pattern
    attached: re.Pattern
    byline: re.Pattern
    issuer_continues: re.Pattern
    body_start: re.Pattern
    footnote: re.Pattern


def _alt(entries: list[dict], flags: int = 0) -> re.Pattern:
    return re.compile("|".join(f"(?:{e['pattern']})" for e in entries), flags)


@lru_cache(maxsize=1)
def rules() -> Rules:
    d = load("structure")
    numbering = {e["style"]: Numbering(e["style"], e["rank"], bool(e.get("heading")), e["pattern"])
                 for e in d["numbering"]}
    # longest forms first where one is a prefix of another (1.1.1. before 1.1. before 1.)
    order = ["part", "chapter", "mục", "article", "decimal3", "decimal2", "decimal", "roman",
             "letter", "paren", "dash", "plus", "bullet"]
    names = {"mục": "muc"}
    label = re.compile(r"(?:" + "|".join(
        f"(?P<{names.get(s, s)}>{numbering[s].pattern})" for s in order if s in numbering) + r")")
    motto = [e for e in d["motto"] if not e.get("party")]
    party = [e for e in d["motto"] if e.get("party")]
    return Rules(
        motto=_alt(motto), party_motto=_alt(party), number=_alt(d["number"]), place_date=_alt(d["place_date"]),
        enacting=_alt(d["enacting"]), addressee=_alt(d["addressee"]), subject_cue=_alt(d["subject_cue"]),
        body_opener=_alt(d["body_opener"]), basis=_alt(d["basis"]),
        basis_strict=_alt([e for e in d["basis"] if e.get("strict")]), enacting_formula=_alt(d["enacting_formula"]),
        label=label, numbering=numbering,
        topics=[(e["topic"], re.compile(e["pattern"])) for e in d["section_topic"]],
        any_topic=_alt(d["section_topic"]),
        recipients=_alt(d["recipients"]), authority=_alt(d["authority"]), signer_title=_alt(d["signer_title"]),
        signature_mark=_alt(d["signature_mark"]), signature_stamp=_alt(d["signature_stamp"]),
        appendix=_alt([e for e in d["appendix"] if not e.get("attached")]),
        attached=_alt([e for e in d["appendix"] if e.get("attached")]),
        byline=_alt(d["byline"]),
        issuer_continues=_alt(d["issuer_continues"]),
        body_start=_alt(d["body_start"]),
        footnote=_alt(d["footnote"]),
    )


def style_of(m: re.Match) -> str:
    s = m.lastgroup or ""
    return "mục" if s == "muc" else s


def is_basis(text: str, ft: str) -> bool:
    """A preamble line (`Căn cứ …`, `Thực hiện …`), in mixed case: in capitals
    the same words open a subject line (`THỰC HIỆN LỘ TRÌNH …`)."""
    from vanban.extractors.text import is_caps
    return bool(rules().basis.match(ft)) and not is_caps(text)
