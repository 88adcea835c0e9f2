"""Fast alternations of phrases, and running a pattern only where it can start.

Python's regex engine tries an alternation of forty phrases at every position
of the text, forty tries each. Two things make a whole-text scan cost what a
single literal costs:

- `phrase_alternation`: the phrases as a trie (`Nghị\\s+(?:quyết|định)`), so at
  any position at most one branch gets past its first character, and every
  branch starts with a literal, so the engine can skip in C to the positions
  whose character starts some phrase. A look-behind that a phrase needs is put
  after its first character (`t(?<!\\w.)hông`), which keeps that literal first.
- `scan`: `rx.finditer(text)` when the positions where a match can start are
  known (from a cheaper scan): the same matches, with `rx` tried only there.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def _trie(phrases: Iterable[str]) -> dict:
    root: dict = {}
    for p in phrases:
        node = root
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}
    return root


def _emit(node: dict, sep: str) -> str:
    keys = sorted(k for k in node if k)
    if not keys:
        return ""
    alts = [(sep if k == " " else re.escape(k)) + _emit(node[k], sep) for k in keys]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:              # a phrase ends here and longer ones go on: the longer first (greedy)
        return ("(?:" + body + ")?") if len(alts) == 1 else body + "?"
    return body


def phrase_branches(phrases: Iterable[str], sep: str = r"\s+", after_first: str = "", end: str = "") -> list[str]:
    """The top-level branches of `phrase_alternation`, one per first character,
    so branches of several phrase lists can be joined into one alternation that
    still starts with a literal."""
    root = _trie(phrases if sep == " " else (" ".join(p.split()) for p in phrases))
    out = []
    for k in sorted(k for k in root if k):
        rest = _emit(root[k], sep)
        if "" in root[k] and rest:
            rest = f"(?:{rest})?"
        out.append(re.escape(k) + after_first + rest + end)
    return out


def phrase_alternation(phrases: Iterable[str], sep: str = r"\s+", after_first: str = "", end: str = "") -> str:
    """A regex matching any of `phrases` (words joined by `sep`), the longest
    first where one is the start of another, as the alternation of the phrases
    sorted longest first would. Words are joined by `sep` (`" "`: the phrases are
    taken as written, one space a space). `after_first` is put after each phrase's
    first character (a look-behind written for it: `(?<!\\w.)` is "not after a
    letter"), `end` after each phrase."""
    branches = phrase_branches(phrases, sep, after_first, end)
    return "(?:" + "|".join(branches) + ")" if branches else "(?!)"


def boundary_after_first(pattern: str) -> str:
    """A pattern of rule data that opens with `\\b` or a simple look-behind
    (no group, no alternation) and then one character (or class), rewritten to
    open with that character, the check made after it (`\\b([Ss])` ->
    `([Ss])(?<=\\b(?s:.))`, `(?<=/)[0O]` -> `[0O](?<=/(?s:.))`): it matches the
    same, and the engine can skip to that character. Any other pattern is
    returned as it is."""
    m = _LEAD_CHECK.match(pattern)
    if not m or bool(m.group("open")) != bool(m.group("close")):
        return pattern
    check = m.group("check")
    after = r"(?<=\b(?s:.))" if check == r"\b" else check[:-1] + r"(?s:.))"
    return (m.group("open") or "") + m.group("first") + (m.group("close") or "") + after + pattern[m.end():]


_LEAD_CHECK = re.compile(r"(?P<check>\\b|\(\?<[=!](?:[^()\[\]\\|]|\\.|\[[^\]\\]+\])+\))(?P<open>\()?"
                         r"(?P<first>\[[^\]\\]+\]|[^\\\[\](){}.*+?|^$])(?P<close>\))?(?![*+?{])")


def scan(rx: re.Pattern, text: str, starts: Iterable[int], endpos: int | None = None) -> Iterator[re.Match]:
    """The matches `rx.finditer(text, 0, endpos)` would give, when every match
    of `rx` starts at one of `starts` (in increasing order): `rx` is tried only
    there, left to right, each match hiding the starts it covers."""
    end = -1
    n = len(text) if endpos is None else endpos
    match = rx.match
    for s in starts:
        if s < end:
            continue
        m = match(text, s, n)
        if m:
            yield m
            end = m.end() if m.end() > s else s + 1


def line_starts_holding(text: str, literal: str) -> list[int]:
    """The start of every line that holds `literal`, in order: the places a
    pattern anchored at a line's start (`(?m)^…`) and needing `literal` on that
    line can match (each line read up to the literal's first place in it)."""
    out = []
    pos = 0
    while True:
        q = text.find(literal, pos)
        if q < 0:
            return out
        out.append(text.rfind("\n", 0, q) + 1)
        nl = text.find("\n", q)
        if nl < 0:
            return out
        pos = nl + 1


def space_before(text: str, e: int) -> int:
    """The start of the run of white space that ends at `e` (`e` when none)."""
    while e > 0 and text[e - 1].isspace():
        e -= 1
    return e


class PhraseEnds:
    """Where phrases of a list (words joined by any white space, as
    `phrase_alternation` writes them) end at a given offset: `starts(text, e)`
    is the start of every phrase of the list that ends exactly at `e`. It reads
    backwards from `e`, so a rare word found after a phrase (a number, "năm")
    leads to the phrases before it without scanning the whole text for them."""

    def __init__(self, phrases) -> None:
        self._last: dict[int, dict[str, list[list[str]]]] = {}
        for p in set(phrases):
            toks = p.split()
            if toks:
                self._last.setdefault(len(toks[-1]), {}).setdefault(toks[-1], []).append(toks[:-1])

    def starts(self, text: str, e: int) -> list[int]:
        out = []
        for n, by_tok in self._last.items():
            heads = by_tok.get(text[max(0, e - n):e]) if e >= n else None
            for head in heads or ():
                pos = e - n
                for tok in reversed(head):
                    gap = space_before(text, pos)
                    if gap == pos or gap < len(tok) or not text.startswith(tok, gap - len(tok)):
                        break
                    pos = gap - len(tok)
                else:
                    out.append(pos)
        return sorted(set(out))


def _case_special() -> frozenset[str]:
    """The non-ASCII characters of the regex engine's extra case pairs whose
    members do not share one lower case (ſ with s, ı with i, µ with μ, ς with
    σ …): a case-blind regex matches them otherwise than by lower case."""
    from re import _casefix            # the engine's own table of those pairs
    out: set[str] = set()
    for k, vs in _casefix._EXTRA_CASES.items():
        group = {chr(c) for c in (k, *vs)}
        group |= {c.upper() for c in group if len(c.upper()) == 1} | {c.lower() for c in group if len(c.lower()) == 1}
        if len({c.lower() for c in group}) > 1:
            out |= {c for c in group if not c.isascii()}
    return frozenset(out)


_CASE_SPECIAL_CHARS = _case_special()


_CASE_SPECIAL = re.compile("[" + "".join(re.escape(c) for c in sorted(_CASE_SPECIAL_CHARS)) + "\u0130]")


def lower_for_words(s: str) -> str | None:
    """`s.lower()` when a word found in it (`w in s.lower()`, w in lower case)
    is a necessary condition for a case-blind regex to match w in `s`: no
    character changes length in lower case or has an extra case pair. None
    otherwise (then no word may be ruled out that way)."""
    low = s.lower()
    if len(low) != len(s) or _CASE_SPECIAL.search(s):
        return None
    return low


def required_words(rx: re.Pattern) -> tuple[tuple[str, ...], ...] | None:
    """What every match of `rx` holds, as alternatives of words: a match holds
    all the (lower-case) words of at least one alternative. Each alternative of
    the pattern gives the runs of plain characters it always holds (or, with
    none, those of its first group that has some); None when one has neither.
    Whether `rx` is case-blind or not, a string it matches holds them once
    lowered (where `lower_for_words` allows)."""
    from re import _constants as C, _parser

    def seq(items) -> list[tuple[str, ...]] | None:
        runs, run = [], []
        for op, av in list(items) + [(None, None)]:
            if op is C.LITERAL and len(chr(av).lower()) == 1 and chr(av) not in _CASE_SPECIAL_CHARS:
                run.append(chr(av).lower())
                continue
            if run:
                runs.append("".join(run))
            run = []
        if runs:
            return [tuple(runs)]
        for op, av in items:             # no plain characters at this level: a group every match goes through
            if op is C.SUBPATTERN:
                found = seq(av[3])
                if found:
                    return found
            elif op is C.BRANCH:
                out: list[tuple[str, ...]] = []
                for alt in av[1]:
                    found = seq(alt)
                    if not found:
                        break
                    out += found
                else:
                    return out
        return None

    try:
        found = seq(_parser.parse(rx.pattern, rx.flags))
    except Exception:                     # an engine without this parser: no gate
        return None
    return tuple(found) if found else None


def _lowercase_closed(rx: re.Pattern) -> bool:
    """Whether the case-blind `rx` matches a string exactly where the same
    pattern, case-sensitive, matches the string lowered (given `lower_for_words`):
    every letter it names is lower case, no class ranges over letters, no group
    turns case-blindness off or on."""
    from re import _constants as C, _parser

    def caseless(cp: int) -> bool:
        ch = chr(cp)
        return ch.lower() == ch.upper() == ch

    def ok(items) -> bool:
        for op, av in items:
            if op in (C.LITERAL, C.NOT_LITERAL):
                ch = chr(av)
                if ch.lower() != ch or len(ch.lower()) != 1 or ch in _CASE_SPECIAL_CHARS:
                    return False
            elif op is C.IN:
                for iop, iav in av:
                    if iop is C.LITERAL and (chr(iav).lower() != chr(iav) or chr(iav) in _CASE_SPECIAL_CHARS):
                        return False
                    if iop is C.RANGE and not all(caseless(c) for c in range(iav[0], iav[1] + 1)):
                        return False
            elif op is C.SUBPATTERN:
                if (av[1] | av[2]) & re.IGNORECASE or not ok(av[3]):
                    return False
            elif op is C.BRANCH:
                if not all(ok(alt) for alt in av[1]):
                    return False
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                if not ok(av[2]):
                    return False
            elif op in (C.ASSERT, C.ASSERT_NOT):
                if not ok(av[1]):
                    return False
            elif op is C.ATOMIC_GROUP:
                if not ok(av):
                    return False
            elif op is C.GROUPREF_EXISTS:
                if not ok(av[1]) or (av[2] is not None and not ok(av[2])):
                    return False
        return True

    if not rx.flags & re.IGNORECASE:
        return False
    try:
        return ok(_parser.parse(rx.pattern, rx.flags))
    except Exception:
        return False


# Pieces of a pattern's source that lowering must leave alone: escapes, group
# names, inline flags, named characters.
_SOURCE_KEEP = re.compile(r"\\N\{[^}]*\}|\\.|\(\?P<[^>]*>|\(\?P=[^)]*\)|\(\?[a-zA-Z-]+[:)]", re.S)


def lowered_source(pattern: str) -> str:
    """The pattern's source with its letters in lower case (not those of an
    escape, a group's name or an inline flag): for a case-blind pattern, the
    same pattern."""
    out, last = [], 0
    for m in _SOURCE_KEEP.finditer(pattern):
        out.append(pattern[last:m.start()].lower())
        out.append(m.group())
        last = m.end()
    out.append(pattern[last:].lower())
    return "".join(out)


class WordGate:
    """A pattern that is not tried on a string that lacks the words every match
    of it holds (`required_words`), when lower case makes that test sound
    (`lower_for_words`): the same answers, many of them without running the
    regex."""

    def __init__(self, rx: re.Pattern) -> None:
        self.rx = rx
        self.pattern = rx.pattern
        self.words = required_words(rx)
        # the same pattern, its letters lowered and without case-blindness, for
        # `test` on the lowered string (a case-blind regex is about twice as slow)
        self.fast = None
        if rx.flags & re.IGNORECASE and not isinstance(rx.pattern, bytes):
            low = re.compile(lowered_source(rx.pattern), rx.flags)
            if _lowercase_closed(low):
                self.fast = re.compile(low.pattern, rx.flags & ~re.IGNORECASE)

    def _holds(self, low: str) -> bool:
        """Whether the lowered string holds every word of some alternative
        (plain loops: a generator per test costs more than the test)."""
        for conj in self.words:
            for w in conj:
                if w not in low:
                    break
            else:
                return True
        return False

    def _cannot(self, s: str) -> bool:
        if self.words is None:
            return False
        low = lower_for_words(s)
        return low is not None and not self._holds(low)

    def search(self, s: str) -> re.Match | None:
        return None if self._cannot(s) else self.rx.search(s)

    def test(self, s: str, low: str | None | bool = False) -> bool:
        """Whether the pattern matches somewhere in `s` (what `search` finds,
        as a yes or no). `low`: `lower_for_words(s)`, when the caller has it
        (several patterns asked of one string)."""
        if low is False:
            low = lower_for_words(s) if self.words is not None or self.fast is not None else None
        return self._test(s, low)

    def _test(self, s: str, low: str | None) -> bool:
        if low is None:
            return self.rx.search(s) is not None
        if self.words is not None and not self._holds(low):
            return False
        if self.fast is not None:
            return self.fast.search(low) is not None
        return self.rx.search(s) is not None

    def sub(self, repl, s: str) -> str:
        return s if self._cannot(s) else self.rx.sub(repl, s)

    def blank(self, s: str) -> str:
        """`s` with every match written over with spaces (offsets kept): the
        matches' spans are the lowered string's, found case-sensitively, where
        that is sound."""
        low = lower_for_words(s) if self.words is not None or self.fast is not None else None
        if low is None:
            return self.rx.sub(lambda m: " " * (m.end() - m.start()), s)
        if self.words is not None and not self._holds(low):
            return s
        if self.fast is None:
            return self.rx.sub(lambda m: " " * (m.end() - m.start()), s)
        out, last = [], 0
        for m in self.fast.finditer(low):
            a, b = m.span()
            out.append(s[last:a])
            out.append(" " * (b - a))
            last = b
        if not out:
            return s
        out.append(s[last:])
        return "".join(out)
