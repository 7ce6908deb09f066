"""The ``undefined-term`` check: acronyms and jargon the customer may not know.

An acronym (a word with at least two capitals that make up most of its letters, or that
ends in a capital: ``SLA``, ``SLAs``, ``SaaS``) is flagged at its first use unless the
message defines it (``service level agreement (SLA)``, ``SLA (service level
agreement)``, ``SLA stands for ...``, or a long form whose initials spell it, after
Schwartz & Hearst 2003), the customer's glossary or the option ``known_terms`` holds
it, the customer already used it in the thread (the message answered, the quoted
messages, the account's inbound messages), it is widely known
(``perception/data/acronyms.csv``), it is an ordinary word in capitals for emphasis, a
Roman numeral (``Phase II``, ``Louis XIV``; not ``ML`` or ``CC``), or part of a URL or an
e-mail address.  A few kinds of capitalised token are not acronyms the customer must
learn, and are at most informational: a currency code (ISO 4217; none beside an
amount), a code with digits (a reference number such as ``TR1234`` is not reported, a
short code such as ``B2B`` is information) and a CamelCase product name (``OpenCL``,
``InfluxDB``).  Each finding carries the term in ``terms``.  Jargon phrases
(``perception/data/jargon.csv``) get a plain-language alternative.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import attrs

from perception.builtin._match import (
    PhraseIndex,
    finding,
    phrase_index,
    read_csv,
    read_text,
    replacement,
    span,
)
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.model import Direction
from perception.options import option
from perception.outcome import Finding, Severity
from perception.text import Message, vader_scorer

__all__ = ["UndefinedTermCheck", "acronym_core", "perception_register_checks", "thread_terms"]


@attrs.frozen
class _Acronym:
    expansion: str
    widely_known: bool


@functools.cache
def _acronyms() -> dict[str, _Acronym]:
    return {
        row["acronym"]: _Acronym(row["expansion"], row["widely_known"] == "1")
        for row in read_csv("acronyms.csv")
    }


def _jargon() -> PhraseIndex:
    return phrase_index("jargon.csv", "phrase")


#: A well-formed Roman numeral (I to MMMMCMXCIX).
_ROMAN = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})\Z")
#: Words after which a numeral written with L, C, D or M is a Roman numeral ("Phase XL").
_NUMBERED = frozenset(
    """
    phase part chapter volume vol book act article section title type class level tier
    stage step grade schedule appendix annex war pope king queen emperor episode series
    mark gen generation super bowl round season olympiad
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_PARENTHETICAL = re.compile(r"\(([^()\n]{1,150})\)")
_DEFINING = re.compile(
    r"\s*(?:,\s*)?(?:stands for|means|is short for|short for|refers to|"
    r"is an? abbreviation for|denotes|=)",
    re.IGNORECASE,
)
_WORD_CHARS = re.compile(r"[\w&]+")
_NON_SPACE = re.compile(r"\S+")
_EMAIL_DOMAIN = re.compile(r"\.\w")


def acronym_core(token: str) -> str | None:
    """The acronym in *token* (a plural ``s`` removed), or ``None`` when it is not one.

    Capitals count only when they are letters: a capital that is not a letter (the
    Roman numeral sign ``Ⅱ``) makes no acronym.
    """
    if not 2 <= len(token) <= 12 or not token[0].isalnum():
        return None
    core = token[:-1] if len(token) > 2 and token[-1] == "s" and token[-2].isupper() else token
    letters = [c for c in core if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if upper < 2:
        return None
    if upper / len(letters) < 0.6 and not core[-1].isupper():
        return None
    if _ROMAN.match(core) and not core.strip("IVX"):
        return None  # II, IV, XII: a Roman numeral wherever it stands
    return core


def _roman(core: str, text: str, start: int) -> bool:
    """Whether *core*, written with L, C, D or M, is a Roman numeral where it stands:
    well formed and after a word that numbers things ("Phase XL", "Super Bowl LX")."""
    if _ROMAN.match(core) is None:
        return False
    before = _WORD_CHARS.findall(text[max(0, start - 30) : start])
    return bool(before) and before[-1].lower() in _NUMBERED


def _spells(short: str, long: str) -> bool:
    """Whether *long* can be read as the expansion of *short* (Schwartz & Hearst 2003).

    The short form's characters are matched right to left in the long form; its first
    character must start a word.
    """
    chars = [c for c in short.lower() if c.isalnum()]
    text = long.lower()
    li = len(text) - 1
    for si in range(len(chars) - 1, -1, -1):
        c = chars[si]
        while li >= 0 and (text[li] != c or (si == 0 and li > 0 and text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return False
        li -= 1
    return True


def _window_before(text: str, end: int, words: int) -> str:
    """The last *words* words of ``text[:end]`` (punctuation does not count as a word)."""
    start = max(0, end - 30 * words)
    parts = _WORD_CHARS.findall(text[start:end])
    return " ".join(parts[-words:])


_SKIPPED = frozenset(["of", "and", "the", "for", "to", "in", "on", "a", "an", "or", "&"])
_COMPOUND = re.compile(r"\s*-\s*")


def _initials(short: str, words: Sequence[str]) -> bool:
    """Whether the initials of *words* (short function words optional) spell *short*."""
    letters = [c for c in short.lower() if c.isalnum()]
    wanted = len(letters)
    # each word's initial, and whether it counts (a short function word may be skipped)
    marks = [(w[0].lower(), w.lower() not in _SKIPPED) for w in words if w]
    if not marks:
        return False
    # try the last k words for every k, allowing function words to be skipped
    for size in range(wanted, min(len(marks), 2 * wanted) + 1):
        window = marks[-size:]
        initials = [initial for initial, counts in window if counts]
        if initials == letters and window[0][0] == letters[0]:
            return True
    return False


def _spelled_nearby(text: str, start: int, end: int, short: str) -> bool:
    """Whether the words right before or right after ``text[start:end]`` spell *short*.

    For long forms without brackets: "the Uniform Limit Theorem ULT", "Text Annotation
    Graphs, or TAG", "GMC, grid-based motion clustering".
    """
    size = 2 * len(short) + 2
    before = text[max(0, start - 15 * size) : start]
    if "-" in before:
        before = _COMPOUND.sub("", before)
    words = [w for w in _WORD_CHARS.findall(before) if w.lower() != "or"]
    if _initials(short, words[-size:]):
        return True
    after = text[end : end + 15 * size]
    if not after.lstrip().startswith((",", ":", "-", "=")):
        return False
    words = _WORD_CHARS.findall(_COMPOUND.sub("", after))[: len(short) + 3]
    return any(_initials(short, words[:k]) for k in range(len(short), len(words) + 1))


#: At most this many distinct acronyms are looked up per message (bounds the work on
#: huge or adversarial input; the others are reported without a definition search).
_MAX_ACRONYMS = 200


def _defined_in_brackets(text: str, candidates: Collection[str]) -> set[str]:
    """Acronyms defined as ``long form (SF)`` or ``SF (long form)``."""
    defined: set[str] = set()
    for match in _PARENTHETICAL.finditer(text):
        inner = match.group(1).strip()
        head = inner.split(maxsplit=1)[0] if inner else ""
        inner_core = acronym_core(head.rstrip(",;:"))
        if inner_core is not None and inner_core in candidates:
            size = min(len(inner_core) + 5, len(inner_core) * 2)
            if _spells(inner_core, _window_before(text, match.start(), size)):
                defined.add(inner_core)
            continue
        before_words = _WORD_CHARS.findall(text[max(0, match.start() - 14) : match.start()])
        core = acronym_core(before_words[-1]) if before_words else None
        if core is None or core not in candidates or len(inner) <= len(core):
            continue
        if _spells(core, inner):
            defined.add(core)
    return defined


def _defined_in_words(text: str, core: str) -> bool:
    """Whether *core* is defined as ``SF stands for ...`` or by initials beside it."""
    start = text.find(core)
    for _ in range(20):  # the first 20 occurrences, as re.finditer finds them (no overlap)
        if start < 0:
            break
        end = start + len(core)
        after = end + (1 if text[end : end + 1] == "s" else 0)
        if _DEFINING.match(text, after) or _spelled_nearby(text, start, end, core):
            return True
        start = text.find(core, end)
    return False


def _defined_acronyms(text: str, candidates: set[str]) -> set[str]:
    """The acronyms among *candidates* that *text* defines."""
    defined = _defined_in_brackets(text, candidates) if "(" in text else set()
    for core in sorted(candidates - defined)[:_MAX_ACRONYMS]:
        if _defined_in_words(text, core):
            defined.add(core)
    return defined


def _addresses(text: str) -> list[tuple[int, int]]:
    """The spans of URLs (``scheme://...``) and e-mail addresses (``a@b.c``) in *text*.

    Each run of non-space characters is looked at once, so the time is linear in the
    length of the text whatever it holds.
    """
    found: list[tuple[int, int]] = []
    for token in _NON_SPACE.finditer(text):
        word = token.group()
        scheme = word.find("://")
        at = word.find("@", 1)
        if (scheme > 0 and (word[scheme - 1].isalnum() or word[scheme - 1] == "_")) or (
            at > 0 and _EMAIL_DOMAIN.search(word, at + 2) is not None
        ):
            found.append(token.span())
    return found


#: A word with two capitals.  It starts with the class of capitals, so that the engine
#: scans for them at C speed; the look-behind after it is the word boundary before the
#: capital (no word character before it), which a ``\b`` in front would hide from the scan.
_CAPITALISED = re.compile(r"[A-Z](?<!\w.)[\w&]*[A-Z][\w&]*")
#: The same for ASCII text (the same classes on ASCII characters, faster).
_CAPITALISED_ASCII = re.compile(_CAPITALISED.pattern, re.ASCII)


def _capitalised(text: str) -> re.Pattern[str]:
    return _CAPITALISED_ASCII if text.isascii() else _CAPITALISED


_ALPHA_START = re.compile(r"\b[^\W\d_]")


def _first_acronyms(message: Message) -> dict[str, tuple[int, int]]:
    """Each acronym's first ``(start, end)``; none when the message is in capitals."""
    text = message.text
    first: dict[str, tuple[int, int]] = {}
    shouting = 0
    for match in _capitalised(text).finditer(text):
        token = match.group()
        if token.isupper():
            shouting += 1
        core = acronym_core(token)
        if core is not None and core not in first:
            first[core] = match.span()
    if shouting >= 3 and shouting * 2 > len(_ALPHA_START.findall(text)):
        return {}  # an all-capitals message is shouting, not a list of acronyms
    return first


#: Common English words written in capitals for emphasis ("please reply NOW"); with the
#: words of the VADER lexicon they are not taken for acronyms.  Written for this project.
_EMPHASIS_WORDS = frozenset(
    """
    about above again all also always and any anyone anything are asked back before both
    but can cannot cant check closed date days deadline did do does done dont each end
    ever every fact final first for from full had has have here how just last late least
    make many may more most much must need needed never new next not note notice now off
    once one only open or other our out over own reminder reply same see should since
    soon still than that the their them then there these they this those today tomorrow
    too under until update very was way week were what when where which while who why
    will with within without would yes yet you your
    bad sad mad good nice fine love hate fail failed rude ugly sick cool wrong help fast
    slow late free best worst lost fix fixed broken down real true huge big small
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def _is_emphasis(core: str) -> bool:
    """Whether a capitalised token is an ordinary word written in capitals for emphasis.

    Only a word written all in capitals is (``NOW``, ``TERRIBLE``; not ``IoU``).  Words
    of the VADER lexicon count from five letters on: its shorter entries include chat
    acronyms (``IOU``, ``DOA``, ``VIP``, ``NFC``) that are acronyms in a business message.
    """
    if not core.isalpha() or len(core) < 3 or not core.isupper():
        return False
    lower = core.lower()
    return lower in _EMPHASIS_WORDS or (len(lower) >= 5 and lower in vader_scorer().lexicon)


def _candidate(core: str, glossary: Collection[str], *, flag_known: bool) -> bool:
    """Whether *core* is worth looking for a definition of (not known to the customer)."""
    if core.casefold() in glossary or (core + "s").casefold() in glossary:
        return False
    entry = _acronyms().get(core)
    if entry is not None:
        return flag_known or not entry.widely_known
    return not _is_emphasis(core)


@functools.cache
def _currencies() -> frozenset[str]:
    return frozenset(
        line.strip() for line in read_text("iso4217.txt").splitlines() if line[:1].isalpha()
    )


_CAMEL = re.compile(r"[a-z]{3}")
_AMOUNT = re.compile(r"\d")


def _kind(core: str, text: str, start: int) -> str | None:
    """What kind of term *core* is where it stands: ``acronym``, ``code``, ``currency``,
    ``name`` (CamelCase), or ``None`` when it is no term at all (a Roman numeral, a
    reference number, a currency code beside an amount)."""
    digits = sum(c.isdigit() for c in core)
    if digits >= 3:
        return None  # a reference or ticket number: the customer's own
    if digits:
        return "code"
    if core in _currencies():
        near = text[max(0, start - 4) : start] + text[start + len(core) : start + len(core) + 4]
        return None if _AMOUNT.search(near) else "currency"
    if _CAMEL.search(core):
        return "name"
    if _roman(core, text, start):
        return None
    return "acronym"


#: What an informational finding says of each kind that is not an acronym.
_INFO = {
    "code": "'{term}' looks like a code; make sure the customer knows what it stands for.",
    "currency": "'{term}' is a currency code; an amount beside it makes it plain.",
    "name": "'{term}' looks like a product or technology name; the customer may not know it.",
}


def _known_terms(text: str) -> frozenset[str]:
    """The acronyms *text* uses (as :func:`acronym_core` reads them)."""
    if len(text) > _CACHED_TEXT:
        return _terms_of(text)
    return _cached_terms(text)


def _terms_of(text: str) -> frozenset[str]:
    found = {acronym_core(m.group()) for m in _capitalised(text).finditer(text)}
    found.discard(None)
    return frozenset(t for t in found if t is not None)


_CACHED_TEXT = 20_000
_cached_terms = functools.lru_cache(maxsize=512)(_terms_of)


def thread_terms(ctx: CheckContext[Any]) -> frozenset[str]:
    """The acronyms the customer already used: in the message answered, the quoted
    thread and the account's inbound messages."""
    texts = [i.text for i in ctx.thread]
    if ctx.reply_to is not None and ctx.reply_to.direction is Direction.INBOUND:
        texts.append(ctx.reply_to.text)
    if ctx.account is not None:
        inbound = [i.text for i in ctx.account.interactions if i.direction is Direction.INBOUND]
        texts.extend(inbound[-_THREAD_MESSAGES:])
    known: set[str] = set()
    for text in texts:
        if text:
            known.update(_known_terms(text))
    return frozenset(known)


#: At most this many of the account's inbound messages are read for terms.
_THREAD_MESSAGES = 50


def _visible(
    text: str, first: dict[str, tuple[int, int]], glossary: Collection[str], *, flag_known: bool
) -> set[str]:
    """The acronyms of *first* the customer may not know, outside URLs and addresses."""
    candidates = {c for c in first if _candidate(c, glossary, flag_known=flag_known)}
    if candidates and ("://" in text or "@" in text):
        hidden = _addresses(text)
        candidates = {c for c in candidates if not any(a <= first[c][0] < b for a, b in hidden)}
    return candidates


class UndefinedTermCheck:
    """Acronyms and jargon the customer may not know, unless defined or in the glossary."""

    name = "undefined-term"
    description = (
        "Acronyms not defined in the message or the customer's glossary, and jargon "
        "with a plain-language alternative."
    )

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.undefined-term]``."""

        acronyms: bool = option(True, "look for undefined acronyms")
        jargon: bool = option(True, "look for jargon phrases")
        known_terms: tuple[str, ...] = option(
            (), "terms never flagged (in addition to the glossary)"
        )
        flag_widely_known: bool = option(False, "flag widely known acronyms too")

    def check(
        self, message: Message, ctx: CheckContext[UndefinedTermCheck.Options]
    ) -> Iterator[Finding]:
        """One finding per undefined acronym (at its first use) and per jargon phrase."""
        if not message.text:
            return
        opts = ctx.options
        glossary = {t.casefold() for t in ctx.customer.glossary} if ctx.customer else set()
        glossary.update(t.casefold() for t in opts.known_terms)
        if opts.acronyms:
            known = thread_terms(ctx) if ctx.thread or ctx.reply_to or ctx.account else frozenset()
            glossary.update(t.casefold() for t in known)
            yield from self._acronyms(message, glossary, flag_known=opts.flag_widely_known)
        if opts.jargon:
            yield from self._jargon(message, glossary)

    def _jargon(self, message: Message, glossary: Collection[str]) -> Iterator[Finding]:
        for where, phrase in _jargon().find(message):
            if phrase.text.casefold() in glossary:
                continue
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=where,
                message=f"'{message.slice(where)}' is {phrase.category}: the customer "
                "may not know it, or may find it cold.",
                suggestion=f"Say it plainly: {phrase.suggestion}.",
                fix=(replacement(message, where, phrase.suggestion), False),
                terms=(message.slice(where),),
            )

    def _acronyms(
        self, message: Message, glossary: Collection[str], *, flag_known: bool
    ) -> Iterator[Finding]:
        text = message.text
        first = _first_acronyms(message)
        candidates = _visible(text, first, glossary, flag_known=flag_known)
        if not candidates:
            return
        kinds = {c: _kind(c, text, first[c][0]) for c in candidates}
        candidates = {c for c, kind in kinds.items() if kind is not None}
        if not candidates:
            return
        undefined = candidates - _defined_acronyms(text, candidates)
        for core in sorted(undefined, key=lambda c: first[c]):
            yield self._finding(core, first[core][0], kinds[core] or "acronym")

    def _finding(self, core: str, start: int, kind: str) -> Finding:
        where = span(start=start, end=start + len(core))
        if kind != "acronym":
            return finding(
                check=self.name,
                severity=Severity.INFO,
                span=where,
                message=_INFO[kind].format(term=core),
                suggestion="Say what it is on first use, or add it to the customer's glossary.",
                terms=(core,),
            )
        entry = _acronyms().get(core)
        example = f"'{entry.expansion} ({core})'" if entry else f"'<full name> ({core})'"
        return finding(
            check=self.name,
            severity=Severity.WARNING,
            span=where,
            message=f"'{core}' is not defined in the message or the customer's glossary.",
            suggestion=f"Spell it out on first use, as in {example}, or add it to the "
            "customer's glossary.",
            terms=(core,),
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``undefined-term`` check."""
    register(UndefinedTermCheck())
