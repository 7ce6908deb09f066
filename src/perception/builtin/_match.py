"""Matching shared by the built-in checks: phrases, patterns, spans and rules as data.

Private to :mod:`perception.builtin.checks`.  Three small rule types read the rule files
in ``perception/data`` (see ``PROVENANCE.md`` there), in the spirit of a style checker's
*existence* and *substitution* rules:

- :class:`ExistenceRule`: a regular expression whose every match is a finding, skipped
  cheaply when none of its trigger words is in the message (``negative_language.toml``);
- :class:`PhraseIndex`: a list of phrases, each with the plainer words to say instead,
  found through one telling word of each (``jargon.csv``, ``condescending.csv``,
  ``plain_words.csv``);
- :class:`TokenRule`: a word (the anchor) and the words right before or after it, or
  within a few tokens of it (``critical_points.toml``).

Every pattern is compiled once, and none can backtrack without bound: no quantified group
holds a quantifier, and alternatives never repeat what another can match, so matching is
linear in the length of the text.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

from perception._validation import _new, _set  # record building without validation
from perception.outcome import Edit, Finding, Severity, Span
from perception.text import Message

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "ACKNOWLEDGES",
    "GREETING",
    "ExistenceRule",
    "Intervals",
    "Pattern",
    "Phrase",
    "PhraseIndex",
    "TokenRule",
    "TokenRules",
    "existence_rules",
    "finding",
    "first_letters",
    "phrase_index",
    "phrase_tokens",
    "quote",
    "read_csv",
    "read_text",
    "read_toml",
    "replacement",
    "span",
    "token_rules",
    "triggered",
]

# ----------------------------------------------------------------------- records and data


def span(*, start: int, end: int) -> Span:
    """A span the checks computed from offsets into the text (in range by construction),
    built as :func:`~perception._validation.trusted` builds it."""
    record = _new(Span)
    _set(record, "start", start)
    _set(record, "end", end)
    return record


def finding(
    *,
    check: str,
    severity: Severity,
    span: Span,
    message: str,
    suggestion: str,
    fix: tuple[tuple[Edit, ...], bool] = ((), False),
    terms: tuple[str, ...] = (),
) -> Finding:
    """A finding of a built-in check, built without re-validation (see ``trusted``, which
    this does field by field); *fix* is its edits and whether they are safe (see
    :func:`replacement`)."""
    record = _new(Finding)
    _set(record, "check", check)
    _set(record, "severity", severity)
    _set(record, "message", message)
    _set(record, "suggestion", suggestion)
    _set(record, "span", span)
    _set(record, "evidence", ())
    _set(record, "edits", fix[0])
    _set(record, "safe", fix[0] != () and fix[1])
    _set(record, "terms", terms)
    return record


#: Suggestions of the data files that mean "delete the words".
_LEAVE_OUT = frozenset({"leave it out", "(leave it out)"})
#: A suggestion with alternatives or advice in it is not one replacement.
_NOT_ONE = re.compile(r"[;,/()]|\bor\b")
#: Spaces that a deletion takes with it (never a line break).
_BLANKS = " \t"


def _starts_sentence(text: str, start: int) -> bool:
    """True when only blanks or quotes stand between *start* and the previous sentence end."""
    index = start - 1
    while index >= 0 and text[index] in " \t\"'\u2018\u201c(":
        index -= 1
    return index < 0 or text[index] in ".!?\n"


def _deletion(text: str, where: Span) -> tuple[Edit, ...]:
    """Delete the words at *where* so that the sentence stays well formed: with a comma
    right after them and the blanks that follow, or else the blanks (and a comma) before
    them; a capital passes to the next word at the start of a sentence.  None when the words
    stand alone between line breaks or punctuation."""
    start, end = where.start, where.end
    stop = end + 1 if text[end : end + 1] == "," else end
    while stop < len(text) and text[stop] in _BLANKS:
        stop += 1
    if stop == end:  # punctuation or a line break follows: take the blanks before
        begin = start
        while begin > 0 and text[begin - 1] in _BLANKS:
            begin -= 1
        if begin == start:
            return ()
        if text[begin - 1 : begin] == ",":  # "It works, basically." -> "It works."
            begin -= 1
        return (Edit(span=span(start=begin, end=end), text=""),)
    after = text[stop : stop + 1]
    if _starts_sentence(text, start) and text[start : start + 1].isupper() and after.islower():
        return (Edit(span=span(start=start, end=stop + 1), text=after.upper()),)
    return (Edit(span=span(start=start, end=stop), text=""),)


def replacement(message: Message, where: Span, suggestion: str) -> tuple[Edit, ...]:
    """The edits that make *suggestion* (a plain suggestion from a data file) replace the
    words at *where*: the suggested words, with a capital at the start of a sentence, or
    a deletion for "leave it out"; none when the suggestion offers alternatives or
    advice ("carry out, do", "about; concerning"), which a person has to choose from."""
    wanted = " ".join(suggestion.split())
    if wanted.casefold() in _LEAVE_OUT:
        return _deletion(message.text, where)
    if not wanted or _NOT_ONE.search(wanted):
        return ()
    original = message.text[where.start : where.end]
    if _starts_sentence(message.text, where.start) and original[:1].isupper():
        wanted = wanted[:1].upper() + wanted[1:]
    if wanted == original:
        return ()
    return (Edit(span=where, text=wanted),)


def _data_text(name: str) -> str:
    return resources.files("perception").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def read_text(name: str) -> str:
    """The text of the package data file *name*."""
    return _data_text(name)


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of the package data file *name*, as dictionaries."""
    return list(csv.DictReader(io.StringIO(_data_text(name))))


def read_toml(name: str) -> dict[str, Any]:
    """The package data file *name*, a TOML document."""
    document: dict[str, Any] = tomllib.loads(_data_text(name))
    return document


def quote(text: str, limit: int = 60) -> str:
    """*text* on one line, cut to *limit* characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------- patterns


class Pattern:
    """A case-insensitive pattern, searched in the message's lower-case text when it can.

    Matching lower-case text with a lower-case pattern is about twice as fast as
    ``re.IGNORECASE``; when lower-casing changes the text's length (a few non-ASCII
    letters do), offsets would drift, so the original text is searched instead.

    *starts*, when given, are the letters a match can start with (every one of them: a
    letter left out would lose matches).  A look-ahead of one character names them, so
    that the engine tries the pattern only where one of them stands.  A pattern that
    starts with a word (``\\byou\\s+...``) is written to start with the word itself and
    a look-behind for the word boundary (``you(?<!\\wyou)\\s+...``), the same matches,
    so that the engine looks for the word at C speed instead of trying every position.
    With *behind*, a pattern whose matches start with one of several words, each after
    a word boundary (``\\b(?:that|it)\\s+...``), is written the same way branch by
    branch (``that(?<!\\wthat)\\s+...|it(?<!\\wit)\\s+...``, see
    :func:`_letters_behind`), when it can be, instead of the look-ahead.
    """

    def __init__(self, pattern: str, starts: str = "", *, behind: bool = False) -> None:
        word = _leading_word(pattern)
        rewritten = _letters_behind(pattern) if behind and not word else ""
        if word:
            pattern = f"{word}(?<!\\w{word}){pattern[2 + len(word) :]}"
        elif rewritten:
            pattern = rewritten
        elif starts:
            pattern = f"(?=[{re.escape(starts)}]){pattern}"
        self.pattern = pattern

    # Compiled when first used, not at import: the checks' patterns are large, and
    # compiling them all cost every process about 50 ms before it read a message, also
    # those (``assess``, ``--help``) that never match one.  The case-insensitive form is
    # needed only for texts whose lower-casing changes their length.
    @functools.cached_property
    def lower(self) -> re.Pattern[str]:
        """The pattern, compiled for lower-case text."""
        return re.compile(self.pattern)

    @functools.cached_property
    def anycase(self) -> re.Pattern[str]:
        """The pattern, compiled case-insensitive."""
        return re.compile(self.pattern, re.IGNORECASE)

    def finditer(self, message: Message, start: int = 0, end: int = -1) -> Iterator[re.Match[str]]:
        """Matches in ``message.text[start:end]`` (offsets into the text)."""
        end = len(message.text) if end < 0 else end
        lowered = message.lowered
        if lowered is not None:
            return self.lower.finditer(lowered, start, end)
        return self.anycase.finditer(message.text, start, end)

    def search(self, message: Message, start: int = 0, end: int = -1) -> bool:
        """Whether the pattern occurs in ``message.text[start:end]``."""
        end = len(message.text) if end < 0 else end
        lowered = message.lowered
        if lowered is not None:
            return self.lower.search(lowered, start, end) is not None
        return self.anycase.search(message.text, start, end) is not None


#: A word boundary and a run of letters, all of the run (neither a letter nor a repeat
#: after it).
_LEADING_WORD = re.compile(r"\\b([a-z]+)(?![a-z*+?{])")


def _leading_word(pattern: str) -> str:
    """The word every match of *pattern* starts with, after a word boundary: for a
    pattern of one branch that starts with ``\\b`` and letters ("" otherwise)."""
    found = _LEADING_WORD.match(pattern)
    if found is None or len(_branches(pattern) or ()) != 1:
        return ""
    return found.group(1)


#: What may follow a letter or a group and make it optional or repeated.
_QUANTIFIERS = ("?", "*", "+", "{")
#: The letters a branch starts with.
_LETTERS = re.compile("[a-z]+")


def _letters_behind(pattern: str) -> str:
    """*pattern*, each of whose top-level branches starts with ``\\b`` and then letters or
    a group of branches that each start so (``\\b(?:that|it)\\s``), written as one branch
    for each way a match can start, each starting with its letters and a look-behind for
    the word boundary (``that(?<!\\wthat)\\s|it(?<!\\wit)\\s``): the same matches in the
    same order of preference (a word boundary before a letter is a letter with no word
    character before it), and, every branch starting with a letter, the engine skips to
    those letters at C speed.  "" for any other shape."""
    branches = _branches(pattern)
    if not branches or not all(branch.startswith("\\b") for branch in branches):
        return ""
    found = [_starts_behind(branch[2:]) for branch in branches]
    return "" if None in found else "|".join(part for parts in found for part in parts or ())


def _starts_behind(body: str) -> list[str] | None:
    """The branches *body* is the same as, each starting with letters followed by
    ``(?<!\\w<letters>)`` (a group it starts with is spread into one branch for each of
    its own, followed by what follows the group); ``None`` for another shape."""
    if body.startswith("(?:"):
        end = _close(body, 0)
        inner = _branches(body[3:end]) if end > 0 else None
        if inner is None or body[end + 1 : end + 2] in _QUANTIFIERS:
            return None
        found = [_starts_behind(branch + body[end + 1 :]) for branch in inner]
        return None if None in found else [part for parts in found for part in parts or ()]
    letters = _LETTERS.match(body)
    run = letters.group() if letters else ""
    if body[len(run) : len(run) + 1] in _QUANTIFIERS:
        run = run[:-1]  # the last letter may be left out or repeated
    return [f"{run}(?<!\\w{run}){body[len(run) :]}"] if run else None


#: A greeting at the start of a message, and the name after it.
GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[ \t,]*"
    r"(?P<name>[^\n]{0,60})",
    re.IGNORECASE,
)

#: Words that acknowledge the customer's situation or apologise for it.
ACKNOWLEDGES = Pattern(
    r"\b(?:sorry|apologi[sz]e|apologies|apology|regret|unacceptable|"
    r"(?:i|we)\s+(?:completely\s+|fully\s+|really\s+|totally\s+)?(?:understand|hear you|"
    r"appreciate|realise|realize|recogni[sz]e)|understandabl[ey]|"
    r"(?:i|we)\s+(?:can\s+)?(?:see|imagine)\s+(?:how|why|that)|"
    r"(?:that|this)\s+(?:must|sounds|has been|is)\s+(?:\w+\s+){0,2}?"
    r"(?:frustrating|annoying|difficult|disappointing|stressful|hard|upsetting|inconvenient)|"
    r"frustrat\w*|disappoint\w*|inconvenien\w*|you(?:'re|\u2019re|\s+are)\s+right|"
    r"(?:my|our)\s+(?:fault|mistake|bad)|not\s+(?:good\s+enough|the\s+experience)|"
    r"thank(?:s|\s+you)\s+for\s+(?:your\s+patience|raising|flagging|letting|bringing|"
    r"reporting|telling|your\s+feedback|the\s+feedback|pointing|your\s+honesty))",
    starts="sarutifdywmon",
)


class Intervals:
    """Disjoint ``[start, end)`` ranges, with an overlap test in logarithmic time."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a stored range."""
        i = bisect.bisect_left(self._starts, end)  # ranges starting before *end*
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Store ``[start, end)``, which must not overlap a stored range."""
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


# -------------------------------------------------------------------- existence rules


@attrs.frozen
class ExistenceRule:
    """Every match of a pattern is a finding: a phrasing to avoid, with a better one.

    Attributes:
        id: the rule's stable name in its data file.
        triggers: words of which at least one must be in the message for it to match.
        pattern: the pattern, matched without regard to case.
        severity: the severity of a finding.
        message: what is wrong, in words.
        suggestion: what to write instead.
        example: a sentence the rule matches (the tests check that it does).
    """

    id: str
    triggers: frozenset[str]
    pattern: Pattern = attrs.field(eq=False)
    severity: Severity
    message: str
    suggestion: str
    example: str

    def finditer(self, message: Message) -> Iterator[re.Match[str]]:
        """The rule's matches in *message* (none when no trigger word is in it)."""
        if self.triggers.isdisjoint(message.vocabulary):
            return iter(())
        return self.pattern.finditer(message)


def triggered(rules: Sequence[ExistenceRule], message: Message) -> Iterator[ExistenceRule]:
    """The rules of which a trigger word is in *message* (the others cannot match)."""
    vocabulary = message.vocabulary
    return (rule for rule in rules if not rule.triggers.isdisjoint(vocabulary))


def _class_end(pattern: str, at: int) -> int:
    """The index of the ``]`` ending the character class opened at *at* (-1 when none);
    a ``]`` right after ``[`` or ``[^`` belongs to the class."""
    index = at + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "]":
            return index
        index += 1
    return -1


def _skip(pattern: str, at: int) -> int:
    """Where to go on from *at* in *pattern*: past an escape or a character class, or
    to the next character (-1 when a class never ends)."""
    char = pattern[at]
    if char == "\\":
        return at + 2
    if char == "[":
        end = _class_end(pattern, at)
        return end + 1 if end >= 0 else -1
    return at + 1


def _close(pattern: str, at: int) -> int:
    """The index of the parenthesis closing the group opened at *at* (-1 when none)."""
    depth = 0
    index = at
    while 0 <= index < len(pattern):
        char = pattern[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index = _skip(pattern, index)
    return -1


def _branches(pattern: str) -> list[str] | None:
    """*pattern* cut at its top-level ``|`` (``None`` when a group or class never ends)."""
    branches: list[str] = []
    start = index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "(":
            end = _close(pattern, index)
            if end < 0:
                return None
            index = end + 1
            continue
        if char == "|":
            branches.append(pattern[start:index])
            start = index + 1
        index = _skip(pattern, index)
        if index < 0:
            return None
    branches.append(pattern[start:])
    return branches


def first_letters(pattern: str) -> str:
    """The letters every match of *pattern* starts with, for a pattern whose branches each
    start (after an optional ``\\b``) with a letter or a group of such branches; "" when
    the pattern has another shape (a letter that may be left out, a class, an escape).

    The result is exact for the shapes it accepts and empty otherwise, so a look-ahead
    built from it (see :class:`Pattern`) never loses a match.
    """
    branches = _branches(pattern)
    if branches is None:
        return ""
    letters: set[str] = set()
    for branch in branches:
        body = branch[2:] if branch.startswith("\\b") else branch
        if body.startswith("(?:"):
            end = _close(body, 0)
            if end < 0 or body[end + 1 : end + 2] in ("?", "*", "{"):
                return ""  # a group that may be left out: what follows it counts too
            found = first_letters(body[3:end])
        elif body[:1].isalpha() and body[1:2] not in ("?", "*", "{"):
            found = body[0]
        else:
            return ""
        if not found:
            return ""
        letters.update(found)
    return "".join(sorted(letters))


def _one_letter(pattern: str) -> str:
    """The letter every match of *pattern* starts with, when there is one (else "").

    A look-ahead of one letter lets the engine skip to that letter; one of several
    letters, common ones among them, made the phrasing rules slower, not faster (measured
    on the templated messages of ``benchmarks/check.py``), so it is not used for them.
    """
    letters = first_letters(pattern)
    return letters if len(letters) == 1 else ""


@functools.cache
def existence_rules(name: str) -> tuple[ExistenceRule, ...]:
    """The rules of the data file *name*, in file order (``[[rule]]`` tables)."""
    return tuple(
        ExistenceRule(
            id=row["id"],
            triggers=frozenset(row["triggers"]),
            pattern=Pattern(row["pattern"], starts=_one_letter(row["pattern"]), behind=True),
            severity=Severity(row["severity"]),
            message=row["message"],
            suggestion=row["suggestion"],
            example=row["example"],
        )
        for row in read_toml(name)["rule"]
    )


# --------------------------------------------------------------------------- phrases

_TOKENISE = re.compile(r"\w+(?:['\u2019.\-]\w+)*|[^\w\s]")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The lower-case tokens of *phrase*, as :class:`~perception.text.Message` makes them."""
    return tuple(t.lower().replace("\u2019", "'") for t in _TOKENISE.findall(phrase))


@attrs.frozen
class Phrase:
    """A phrase to look for, and the words to say instead."""

    tokens: tuple[str, ...]
    text: str
    suggestion: str
    category: str = ""


#: Words too common to look a phrase up by; a phrase is indexed by its first other word.
_COMMON = frozenset(
    [
        "a",
        "an",
        "the",
        "in",
        "it",
        "is",
        "at",
        "by",
        "for",
        "of",
        "to",
        "on",
        "as",
        "be",
        "with",
        "this",
        "that",
        "and",
        "or",
        "we",
        "you",
        "i",
        "our",
        "your",
        "please",
    ]
)


class PhraseIndex:
    """Multi-word phrases, found through the positions of one telling word of each."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._by_anchor: dict[str, list[tuple[int, Phrase]]] = {}
        for phrase in phrases:
            if not phrase.tokens:
                continue
            offset = next((i for i, t in enumerate(phrase.tokens) if t not in _COMMON), 0)
            self._by_anchor.setdefault(phrase.tokens[offset], []).append((offset, phrase))
        self.anchors = frozenset(self._by_anchor)

    def _hits(self, message: Message) -> list[tuple[int, int, Phrase]]:
        tokens = message.tokens
        hits: list[tuple[int, int, Phrase]] = []
        for anchor in self.anchors & message.vocabulary:
            positions = message.positions(anchor)
            for offset, phrase in self._by_anchor[anchor]:
                size = len(phrase.tokens)
                for index in positions:
                    start = index - offset
                    if start >= 0 and tokens[start : start + size] == phrase.tokens:
                        hits.append((start, size, phrase))
        return hits

    def find(self, message: Message) -> Iterator[tuple[Span, Phrase]]:
        """Each phrase occurrence (longest match, not overlapping) and its span."""
        hits = self._hits(message)
        if not hits:
            return
        hits.sort(key=lambda hit: (hit[0], -hit[1]))
        kept: list[tuple[int, int, Phrase]] = []
        taken = -1
        for index, size, phrase in hits:
            if index > taken:
                taken = index + size - 1
                kept.append((index, taken, phrase))
        bounds = message.token_bounds([i for first, last, _ in kept for i in (first, last)])
        for first, last, phrase in kept:
            yield span(start=bounds[first][0], end=bounds[last][1]), phrase


@functools.cache
def phrase_index(name: str, column: str, category: str = "") -> PhraseIndex:
    """The phrases of the CSV data file *name*: the phrase in *column*, its
    ``suggestion``, and its ``category`` column or *category*."""
    return PhraseIndex(
        Phrase(
            phrase_tokens(row[column]),
            row[column],
            row["suggestion"],
            row.get("category") or category,
        )
        for row in read_csv(name)
    )


# ----------------------------------------------------------------------- token rules

#: Token classes a slot may name with ``#``.
_CLASSES: Mapping[str, re.Pattern[str]] = {
    "day": re.compile(r"\d{1,2}(?:st|nd|rd|th)?\Z"),
    "year": re.compile(r"\d{4}\Z"),
    "number": re.compile(r"\d"),
}


@attrs.frozen
class _Slot:
    """What one token may be: one of some words, or of a class (``#day``), or anything."""

    words: frozenset[str]
    classes: tuple[re.Pattern[str], ...] = ()
    anything: bool = False

    def accepts(self, token: str) -> bool:
        if token in self.words:
            return True
        if self.anything:
            return bool(token)
        return any(pattern.match(token) for pattern in self.classes) if self.classes else False


def _slot(spec: str, sets: Mapping[str, Sequence[str]], where: str) -> _Slot:
    """A slot from its spelling: alternatives joined by ``|``, each a word, a set
    ``@name``, a class ``#name`` or ``*`` (any token)."""
    words: set[str] = set()
    classes: list[re.Pattern[str]] = []
    for part in (p.strip() for p in spec.split("|")):
        if part == "*":
            return _Slot(frozenset(), anything=True)
        if part.startswith("@"):
            if part[1:] not in sets:
                raise ValueError(f"{where}: unknown word set {part!r}")
            words.update(sets[part[1:]])
        elif part.startswith("#"):
            if part[1:] not in _CLASSES:
                raise ValueError(f"{where}: unknown token class {part!r}")
            classes.append(_CLASSES[part[1:]])
        elif part:
            words.add(part)
    return _Slot(frozenset(words), tuple(classes))


@attrs.frozen
class TokenRule:
    """A statement recognised by a word (the anchor) and the tokens around it.

    The rule holds at the anchor's position when every slot of ``before`` matches the
    tokens right before it, every slot of ``after`` the tokens right after it, a token
    among the ``near_before`` tokens before it matches that slot, and a token among the
    ``near_after`` tokens after it matches that slot.  The statement then runs from the
    anchor to its last matched token.

    Attributes:
        kind: what the statement is (``date``, ``price`` ...).
        anchor: the words the rule starts from.
        example: a sentence the rule recognises (the tests check that it does).
    """

    kind: str
    anchor: frozenset[str]
    example: str
    before: tuple[_Slot, ...] = ()
    after: tuple[_Slot, ...] = ()
    near_before: tuple[int, _Slot] | None = None
    near_after: tuple[int, _Slot] | None = None
    #: ``before`` and ``after`` as (offset from the anchor, slot) pairs.
    _around: tuple[tuple[int, _Slot], ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(
            lambda self: (
                tuple(enumerate(self.before, -len(self.before))) + tuple(enumerate(self.after, 1))
            ),
            takes_self=True,
        ),
    )

    def end(self, tokens: Sequence[str], i: int) -> int | None:
        """The index of the statement's last token when the rule holds at *i*, else ``None``."""
        count = len(tokens)
        for offset, slot in self._around:
            j = i + offset
            if j < 0 or j >= count or not slot.accepts(tokens[j]):
                return None
        if self.near_before is not None and not _near_before(self.near_before, tokens, i):
            return None
        if self.near_after is not None:
            return _near_after(self.near_after, tokens, i)
        return i + len(self.after)


def _near_before(near: tuple[int, _Slot], tokens: Sequence[str], i: int) -> bool:
    """Whether one of the tokens within ``near[0]`` before *i* matches the slot."""
    size, slot = near
    return any(slot.accepts(token) for token in tokens[max(0, i - size) : i])


def _near_after(near: tuple[int, _Slot], tokens: Sequence[str], i: int) -> int | None:
    """The first token within ``near[0]`` after *i* that matches the slot, if any."""
    size, slot = near
    for j in range(i + 1, min(len(tokens), i + 1 + size)):
        if slot.accepts(tokens[j]):
            return j
    return None


class TokenRules:
    """Token rules by anchor word; the first rule (in file order) that holds wins."""

    def __init__(self, rules: Iterable[TokenRule]) -> None:
        self.rules = tuple(rules)
        self._by_anchor: dict[str, list[TokenRule]] = {}
        for rule in self.rules:
            for word in rule.anchor:
                self._by_anchor.setdefault(word, []).append(rule)
        self.anchors = frozenset(self._by_anchor)

    def first_of_each(self, message: Message, kinds: Collection[str]) -> dict[str, Span]:
        """The first statement of each of *kinds* in *message*, by kind."""
        tokens = message.tokens
        anchors = self.anchors
        if anchors.isdisjoint(message.vocabulary):
            return {}  # no rule can hold (one look-up per distinct word, at C speed)
        hits: dict[str, tuple[int, int]] = {}
        for i in [i for i, token in enumerate(tokens) if token in anchors]:
            hit = self.at(tokens, i)
            if hit is not None and hit[0] in kinds and hit[0] not in hits:
                hits[hit[0]] = (i, hit[1])
        if not hits:
            return {}
        bounds = message.token_bounds([i for pair in hits.values() for i in pair])
        return {kind: span(start=bounds[a][0], end=bounds[b][1]) for kind, (a, b) in hits.items()}

    def at(self, tokens: Sequence[str], i: int) -> tuple[str, int] | None:
        """The kind of statement at token *i*, and its last token, or ``None``."""
        for rule in self._by_anchor.get(tokens[i], ()):
            last = rule.end(tokens, i)
            if last is not None:
                return rule.kind, last
        return None


def _near(
    spec: Mapping[str, Any] | None, sets: Mapping[str, Sequence[str]], where: str
) -> tuple[int, _Slot] | None:
    if spec is None:
        return None
    return int(spec["within"]), _slot(str(spec["match"]), sets, where)


def _token_rule(row: Mapping[str, Any], sets: Mapping[str, Sequence[str]], where: str) -> TokenRule:
    anchor = _slot(str(row["anchor"]), sets, where)
    if anchor.classes or anchor.anything or not anchor.words:
        raise ValueError(f"{where}: an anchor is words or word sets, not {row['anchor']!r}")
    return TokenRule(
        kind=str(row["kind"]),
        anchor=anchor.words - frozenset(row.get("except", ())),
        example=str(row["example"]),
        before=tuple(_slot(s, sets, where) for s in row.get("before", ())),
        after=tuple(_slot(s, sets, where) for s in row.get("after", ())),
        near_before=_near(row.get("near_before"), sets, where),
        near_after=_near(row.get("near_after"), sets, where),
    )


@functools.cache
def token_rules(name: str) -> TokenRules:
    """The token rules of the data file *name*: ``[sets]`` of words and ``[[rule]]`` tables."""
    document = read_toml(name)
    sets: Mapping[str, Sequence[str]] = document.get("sets", {})
    return TokenRules(
        _token_rule(row, sets, f"{name}, rule {n}") for n, row in enumerate(document["rule"], 1)
    )
