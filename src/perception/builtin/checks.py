"""Built-in message checks.

Each check is a small class with a stable ``name``, a ``description``, its ``defaults``
(the options a configuration may override) and ``check(message, ctx)``, which yields
:class:`~perception.outcome.Finding` objects with a severity, a span inside the message,
a message and a concrete suggestion.  The checks share the message's tokenisation and
sentiment through :class:`~perception.text.Message`, and every pattern is compiled once,
so checking a message costs about as much as scoring its sentiment.

The word lists come from ``perception/data`` (see ``PROVENANCE.md`` there).
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from typing import Any, ClassVar

import attrs

from perception._validation import trusted
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.model import Direction
from perception.outcome import Finding, Severity, Span
from perception.text import Message, vader_scorer
from perception.text import message as shared_message

__all__ = [
    "AcknowledgementCheck",
    "NegativeLanguageCheck",
    "PersonalizationCheck",
    "ReadabilityCheck",
    "UnconfirmedCriticalPointCheck",
    "UndefinedTermCheck",
    "flesch_reading_ease",
    "syllables",
]

# ------------------------------------------------------------------------- shared helpers


def _span(*, start: int, end: int) -> Span:
    """A span the checks computed from offsets into the text (in range by construction)."""
    return trusted(Span, start=start, end=end)


def _finding(
    *, check: str, severity: Severity, span: Span, message: str, suggestion: str
) -> Finding:
    """A finding of a built-in check, built without re-validation (see ``trusted``)."""
    return trusted(
        Finding,
        check=check,
        severity=severity,
        message=message,
        suggestion=suggestion,
        span=span,
        evidence=(),
    )


def _read_csv(name: str) -> list[dict[str, str]]:
    data = resources.files("perception").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(data)))


_TOKENISE = re.compile(r"\w+(?:['\u2019.\-]\w+)*|[^\w\s]")


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(t.lower().replace("\u2019", "'") for t in _TOKENISE.findall(phrase))


@attrs.frozen
class _Phrase:
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


class _PhraseIndex:
    """Multi-word phrases, found through the positions of one telling word of each."""

    def __init__(self, phrases: Iterable[_Phrase]) -> None:
        self._by_anchor: dict[str, list[tuple[int, _Phrase]]] = {}
        for phrase in phrases:
            if not phrase.tokens:
                continue
            offset = next((i for i, t in enumerate(phrase.tokens) if t not in _COMMON), 0)
            self._by_anchor.setdefault(phrase.tokens[offset], []).append((offset, phrase))
        self.anchors = frozenset(self._by_anchor)

    def find(self, message: Message) -> Iterator[tuple[Span, _Phrase]]:
        """Each phrase occurrence (longest match, not overlapping) and its span."""
        present = self.anchors & message.vocabulary
        if not present:
            return
        tokens = message.tokens
        hits: list[tuple[int, int, _Phrase]] = []
        for anchor in present:
            positions = message.positions(anchor)
            for offset, phrase in self._by_anchor[anchor]:
                size = len(phrase.tokens)
                for index in positions:
                    start = index - offset
                    if start >= 0 and tokens[start : start + size] == phrase.tokens:
                        hits.append((start, size, phrase))
        if not hits:
            return
        hits.sort(key=lambda hit: (hit[0], -hit[1]))
        kept: list[tuple[int, int, _Phrase]] = []
        taken = -1
        for index, size, phrase in hits:
            if index > taken:
                taken = index + size - 1
                kept.append((index, taken, phrase))
        bounds = message.token_bounds([i for first, last, _ in kept for i in (first, last)])
        for first, last, phrase in kept:
            yield _span(start=bounds[first][0], end=bounds[last][1]), phrase


class _Pattern:
    """A case-insensitive pattern, searched in the message's lower-case text when it can.

    Matching lower-case text with a lower-case pattern is about twice as fast as
    ``re.IGNORECASE``; when lower-casing changes the text's length (a few non-ASCII
    letters do), offsets would drift, so the original text is searched instead.
    """

    def __init__(self, pattern: str) -> None:
        self.lower = re.compile(pattern)
        self.anycase = re.compile(pattern, re.IGNORECASE)

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


def _first_sentence_span(message: Message) -> Span:
    return message.sentences[0] if message.sentences else _span(start=0, end=0)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------ personalization

_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[ \t,]*"
    r"(?P<name>[^\n]{0,60})",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"\b(?:regards|best|thanks|thank you|cheers|sincerely|talk soon|speak soon|"
    r"best wishes|all the best|yours)\b",
    re.IGNORECASE,
)
#: Only the head and tail of a message are searched, so any length is checked in bounded time.
_WINDOW = 400


class PersonalizationCheck:
    """A message to a named person should greet them by name and end with a sign-off."""

    name = "personalization"
    description = "Greeting addressed to the recipient by name, and a sign-off."
    defaults: ClassVar[dict[str, Any]] = {"require_sign_off": True}

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """Findings when the greeting or sign-off is missing."""
        if not ctx.recipient or not ctx.recipient.split() or not message.text.strip():
            return
        text = message.text
        head = text[:_WINDOW]
        names = {part.casefold() for part in ctx.recipient.split() if len(part) > 1}
        first_name = ctx.recipient.split()[0]
        greeting = _GREETING.match(head)
        if greeting is None:
            yield _finding(
                check=self.name,
                severity=Severity.INFO,
                span=_span(start=0, end=0),
                message=f"The message does not greet {ctx.recipient}.",
                suggestion=f"Open with a greeting by name, such as 'Hi {first_name},'.",
            )
        else:
            greeted = {w.casefold() for w in re.findall(r"\w+", greeting.group("name"))}
            if names.isdisjoint(greeted):
                end = greeting.start("name")
                yield _finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=_span(start=greeting.start(), end=max(end, greeting.start())),
                    message=f"The greeting does not address {ctx.recipient} by name.",
                    suggestion=f"Address the person: 'Hi {first_name},'.",
                )
        # the sign-off is on one of the last two lines ("Best regards,\nSam")
        tail = text[max(0, len(text) - _WINDOW) :].rstrip().rsplit("\n", 2)[-2:]
        if (
            ctx.options["require_sign_off"]
            and _SIGN_OFF.search("\n".join(line[-80:] for line in tail)) is None
        ):
            end = len(text.rstrip())
            yield _finding(
                check=self.name,
                severity=Severity.INFO,
                span=_span(start=end, end=end),
                message="The message ends without a sign-off.",
                suggestion="Close with a sign-off and your name, such as 'Best regards, Sam'.",
            )


# ------------------------------------------------------------------------- undefined-term


@attrs.frozen
class _Acronym:
    expansion: str
    widely_known: bool


@functools.cache
def _acronyms() -> dict[str, _Acronym]:
    return {
        row["acronym"]: _Acronym(row["expansion"], row["widely_known"] == "1")
        for row in _read_csv("acronyms.csv")
    }


@functools.cache
def _jargon() -> _PhraseIndex:
    return _PhraseIndex(
        _Phrase(_phrase_tokens(r["phrase"]), r["phrase"], r["suggestion"], r["category"])
        for r in _read_csv("jargon.csv")
    )


_ROMAN = re.compile(r"[IVXLCDM]+\Z")
_PARENTHETICAL = re.compile(r"\(([^()\n]{1,150})\)")
_DEFINING = re.compile(
    r"\s*(?:,\s*)?(?:stands for|means|is short for|short for|refers to|"
    r"is an? abbreviation for|denotes|=)",
    re.IGNORECASE,
)
_URL_OR_EMAIL = re.compile(r"\w+://\S+|\S+@\S+\.\w+")
_WORD_CHARS = re.compile(r"[\w&]+")


def _acronym_core(token: str) -> str | None:
    """The acronym in *token* (plural ``s`` removed), or ``None`` when it is not one."""
    if not 2 <= len(token) <= 12 or not token[0].isalnum():
        return None
    core = token[:-1] if len(token) > 2 and token[-1] == "s" and token[-2].isupper() else token
    upper = sum(1 for c in core if c.isupper())
    if upper < 2:
        return None
    letters = sum(1 for c in core if c.isalpha())
    if upper / letters < 0.6 and not core[-1].isupper():
        return None
    if _ROMAN.match(core):
        return None
    return core


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
    content = [w for w in words if w]
    if not content:
        return False
    # try the last k words for every k, allowing function words to be skipped
    for size in range(wanted, min(len(content), 2 * wanted) + 1):
        window = content[-size:]
        initials = [w[0].lower() for w in window if w.lower() not in _SKIPPED]
        if initials == letters and window[0][0].lower() == letters[0]:
            return True
    return False


def _spelled_nearby(text: str, start: int, end: int, short: str) -> bool:
    """Whether the words right before or right after ``text[start:end]`` spell *short*.

    For long forms without brackets: "the Uniform Limit Theorem ULT", "Text Annotation
    Graphs, or TAG", "GMC, grid-based motion clustering".
    """
    span = 2 * len(short) + 2
    before = _COMPOUND.sub("", text[max(0, start - 15 * span) : start])
    words = [w for w in _WORD_CHARS.findall(before) if w.lower() != "or"]
    if _initials(short, words[-span:]):
        return True
    after = text[end : end + 15 * span]
    if not after.lstrip().startswith((",", ":", "-", "=")):
        return False
    words = _WORD_CHARS.findall(_COMPOUND.sub("", after))[: len(short) + 3]
    return any(_initials(short, words[:k]) for k in range(len(short), len(words) + 1))


#: At most this many distinct acronyms are looked up per message (bounds the work on
#: huge or adversarial input; the others are reported without a definition search).
_MAX_ACRONYMS = 200


def _defined_acronyms(text: str, candidates: set[str]) -> set[str]:
    """The acronyms among *candidates* that *text* defines.

    Recognised: ``long form (SF)``, ``SF (long form)``, ``SF stands for / means ...``.
    """
    defined: set[str] = set()
    if "(" in text:
        for match in _PARENTHETICAL.finditer(text):
            inner = match.group(1).strip()
            head = inner.split()[0] if inner.split() else ""
            inner_core = _acronym_core(head.rstrip(",;:"))
            if inner_core in candidates:
                assert inner_core is not None
                size = min(len(inner_core) + 5, len(inner_core) * 2)
                before = _window_before(text, match.start(), size)
                if _spells(inner_core, before):
                    defined.add(inner_core)
                continue
            before_words = _WORD_CHARS.findall(text[max(0, match.start() - 14) : match.start()])
            if before_words:
                core = _acronym_core(before_words[-1])
                if core in candidates and len(inner) > len(core) and _spells(core, inner):
                    assert core is not None
                    defined.add(core)
    for core in sorted(candidates - defined)[:_MAX_ACRONYMS]:
        for found in itertools.islice(re.finditer(re.escape(core), text), 20):
            after = found.end() + (1 if text[found.end() : found.end() + 1] == "s" else 0)
            if _DEFINING.match(text, after) or _spelled_nearby(
                text, found.start(), found.end(), core
            ):
                defined.add(core)
                break
    return defined


_CAPITALISED = re.compile(r"\b[A-Z][\w&]*[A-Z][\w&]*")
_ALPHA_START = re.compile(r"\b[^\W\d_]")


def _first_acronyms(message: Message) -> dict[str, tuple[int, int]]:
    """Each acronym's first ``(start, end)``; none when the message is in capitals."""
    text = message.text
    first: dict[str, tuple[int, int]] = {}
    shouting = 0
    for match in _CAPITALISED.finditer(text):
        token = match.group()
        if token.isupper():
            shouting += 1
        core = _acronym_core(token)
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
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def _is_emphasis(core: str) -> bool:
    """Whether a capitalised token is an ordinary word written for emphasis."""
    if not core.isalpha() or len(core) < 3:
        return False
    lower = core.lower()
    return lower in _EMPHASIS_WORDS or lower in vader_scorer().lexicon


class UndefinedTermCheck:
    """Acronyms and jargon the customer may not know, unless defined or in the glossary."""

    name = "undefined-term"
    description = (
        "Acronyms not defined in the message or the customer's glossary, and jargon "
        "with a plain-language alternative."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "acronyms": True,
        "jargon": True,
        "known_terms": [],
        "flag_widely_known": False,
    }

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """One finding per undefined acronym (at its first use) and per jargon phrase."""
        text = message.text
        if not text:
            return
        glossary = {t.casefold() for t in ctx.customer.glossary} if ctx.customer else set()
        glossary.update(str(t).casefold() for t in ctx.options["known_terms"])
        if ctx.options["acronyms"]:
            yield from self._acronyms(
                message, glossary, flag_known=ctx.options["flag_widely_known"]
            )
        if ctx.options["jargon"]:
            for span, phrase in _jargon().find(message):
                if phrase.text.casefold() in glossary:
                    continue
                yield _finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=span,
                    message=f"'{message.slice(span)}' is {phrase.category}: the customer "
                    "may not know it, or may find it cold.",
                    suggestion=f"Say it plainly: {phrase.suggestion}.",
                )

    def _acronyms(
        self, message: Message, glossary: set[str], *, flag_known: bool
    ) -> Iterator[Finding]:
        text = message.text
        first = _first_acronyms(message)
        if not first:
            return
        known = _acronyms()
        candidates = set()
        for core in first:
            entry = known.get(core)
            if core.casefold() in glossary or (core + "s").casefold() in glossary:
                continue
            if entry is not None and entry.widely_known and not flag_known:
                continue
            if entry is None and _is_emphasis(core):
                continue
            candidates.add(core)
        if not candidates:
            return
        if "://" in text or "@" in text:
            hidden = [m.span() for m in _URL_OR_EMAIL.finditer(text)]
            candidates = {c for c in candidates if not any(a <= first[c][0] < b for a, b in hidden)}
        undefined = candidates - _defined_acronyms(text, candidates)
        for core in sorted(undefined, key=lambda c: first[c]):
            start = first[core][0]
            entry = known.get(core)
            if entry is not None:
                example = f"'{entry.expansion} ({core})'"
            else:
                example = f"'<full name> ({core})'"
            yield _finding(
                check=self.name,
                severity=Severity.WARNING,
                span=_span(start=start, end=start + len(core)),
                message=f"'{core}' is not defined in the message or the customer's glossary.",
                suggestion=f"Spell it out on first use, as in {example}, or add it to the "
                "customer's glossary.",
            )


# ------------------------------------------------------------------------ acknowledgement

_ACKNOWLEDGES = _Pattern(
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
)


def _inbound_mood(text: str) -> float:
    """How negative an inbound message reads (:attr:`Message.mood`, shared cache)."""
    return shared_message(text).mood


def _greeting_only(message: Message, span: Span) -> bool:
    return span.end - span.start <= 60 and _GREETING.match(message.slice(span)) is not None


class AcknowledgementCheck:
    """A reply to an unhappy customer should acknowledge their situation or apologise."""

    name = "acknowledgement"
    description = (
        "A reply to a negative inbound message that neither acknowledges the customer's "
        "situation nor apologises early on."
    )
    defaults: ClassVar[dict[str, Any]] = {
        "threshold": -0.05,
        "error_threshold": -0.6,
        "within_sentences": 3,
    }

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """A finding when the inbound message is negative and the reply does not acknowledge it."""
        inbound = ctx.reply_to
        if inbound is None or inbound.direction is not Direction.INBOUND or not inbound.text:
            return
        if not message.text.strip():
            return
        mood = _inbound_mood(inbound.text)
        if mood > ctx.options["threshold"]:
            return
        sentences = message.sentences
        within = max(1, int(ctx.options["within_sentences"]))
        skip = 1 if sentences and _greeting_only(message, sentences[0]) else 0
        window = sentences[: skip + within]
        end = window[-1].end if window else len(message.text)
        if _ACKNOWLEDGES.search(message, 0, end):
            return
        severity = Severity.ERROR if mood <= ctx.options["error_threshold"] else Severity.WARNING
        span = sentences[skip] if len(sentences) > skip else _span(start=0, end=0)
        yield _finding(
            check=self.name,
            severity=severity,
            span=span,
            message=f"The customer's message is negative (sentiment {mood:+.2f}) and the "
            f"reply does not acknowledge it in its first {within} sentences.",
            suggestion="Open by naming what happened and how it affected them, and "
            "apologise where we are at fault: 'I'm sorry the export failed again; I know "
            "your team relies on it.'",
        )


# --------------------------------------------------------------------- negative-language


@attrs.frozen
class _Rule:
    triggers: frozenset[str]
    pattern: _Pattern
    severity: Severity
    message: str
    suggestion: str


def _rule(triggers: str, pattern: str, severity: Severity, message: str, suggestion: str) -> _Rule:
    return _Rule(
        frozenset(triggers.split()),
        _Pattern(pattern),
        severity,
        message,
        suggestion,
    )


_W = Severity.WARNING
_I = Severity.INFO
_NEGATIVE_RULES: tuple[_Rule, ...] = (
    _rule(
        "failed forgot neglected didn't did not",
        r"\byou\s+(?:have\s+|had\s+)?(?:failed|forgot|neglected|didn't|did\s+not)\s+to\b",
        _W,
        "Blames the customer.",
        "Describe what happened and the next step: 'The form is missing the order "
        "number; could you add it?'",
    ),
    _rule(
        "should",
        r"\byou\s+should\s+have\b",
        _W,
        "Tells the customer what they should have done.",
        "Say what will help now: 'Next time, attaching the log lets us act faster.'",
    ),
    _rule(
        "policy",
        r"\b(?:that(?:'s|\u2019s|\s+is)|it(?:'s|\u2019s|\s+is))\s+(?:our|the|company)\s+policy\b"
        r"|\b(?:company|our)\s+policy\s+(?:says|states|does\s+not|doesn't)\b",
        _W,
        "Hides behind policy.",
        "Explain the reason and offer what you can do: 'To protect your data we need a "
        "signed request; I can send you the form now.'",
    ),
    _rule(
        "unfortunately",
        r"\bunfortunately,?\s+(?:we|i)\s+(?:can't|can\u2019t|cannot|can\s+not|are\s+unable|"
        r"am\s+unable|won't|won\u2019t|will\s+not|don't|do\s+not)\b",
        _I,
        "Leads with what cannot be done.",
        "Lead with what you can do: 'What we can do is ...'.",
    ),
    _rule(
        "nothing",
        r"\bthere(?:'s|\u2019s|\s+is)\s+nothing\s+(?:we|i)\s+can\s+do\b",
        _W,
        "Closes the door on the customer.",
        "Offer the closest alternative: 'Here is what I can do instead: ...'.",
    ),
    _rule(
        "fault problem responsibility",
        r"\b(?:not\s+our|isn't\s+our|is\s+not\s+our)\s+(?:fault|problem|responsibility)\b"
        r"|\byour\s+(?:fault|mistake|problem)\b",
        _W,
        "Assigns blame.",
        "Focus on the fix: 'Let's get this working; here is what we will do.'",
    ),
    _rule(
        "said stated mentioned explained per",
        r"\bas\s+(?:i|we)\s+(?:already\s+|previously\s+)?(?:said|stated|mentioned|explained)\b"
        r"|\bas\s+(?:previously|already)\s+(?:stated|mentioned|explained)\b"
        r"|\bper\s+my\s+(?:last|previous)\s+(?:email|message|mail)\b",
        _W,
        "Sounds impatient with the customer.",
        "Restate the point briefly without the reproach: 'To recap, ...'.",
    ),
    _rule(
        "misunderstood wrong confused claim",
        r"\byou\s+(?:have\s+)?(?:misunderstood|are\s+wrong|(?:'re|\u2019re)\s+wrong|"
        r"are\s+confused|(?:'re|\u2019re)\s+confused|claim)\b",
        _W,
        "Contradicts or doubts the customer.",
        "Clarify without blame: 'I may not have been clear; what I meant is ...'.",
    ),
    _rule(
        "calm",
        r"\bcalm\s+down\b",
        _W,
        "Dismisses the customer's feelings.",
        "Acknowledge the feeling: 'I understand this is frustrating.'",
    ),
    _rule(
        "impossible possible",
        r"\b(?:that(?:'s|\u2019s|\s+is)|it(?:'s|\u2019s|\s+is))\s+(?:impossible|not\s+possible)\b",
        _I,
        "Flat refusal.",
        "Say what is possible: 'We can't do X, but we can do Y by Friday.'",
    ),
    _rule(
        "must need have",
        r"\byou\s+(?:must|need\s+to|have\s+to)\s+(?:understand|realise|realize|accept)\b",
        _W,
        "Lectures the customer.",
        "Explain the constraint and its reason instead.",
    ),
    _rule(
        "regret inform",
        r"\bwe\s+regret\s+to\s+inform\s+you\b",
        _I,
        "Formal, distant bad news.",
        "Be direct and human: 'I'm sorry to tell you that ...'.",
    ),
    _rule(
        "can't cannot can't",
        r"\b(?:we|i)\s+(?:can't|can\u2019t|cannot)\s+(?:help|do\s+anything|do\s+that)\b",
        _W,
        "Refuses without an alternative.",
        "Offer the closest alternative or who can help: 'I can't change the invoice "
        "myself, but I've asked our billing team to do it today.'",
    ),
)


class _Intervals:
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


@functools.cache
def _condescending() -> _PhraseIndex:
    return _PhraseIndex(
        _Phrase(_phrase_tokens(r["phrase"]), r["phrase"], r["suggestion"], "condescending")
        for r in _read_csv("condescending.csv")
    )


class NegativeLanguageCheck:
    """Blaming, refusing or condescending phrasing, with a positive rewording."""

    name = "negative-language"
    description = "Blaming or negative phrasing ('you failed to', 'that's our policy')."
    defaults: ClassVar[dict[str, Any]] = {
        "condescending": True,
        "sentence_threshold": -0.6,
    }

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """A finding per blaming or negative phrase, and per strongly negative sentence."""
        text = message.text
        if not text:
            return
        vocabulary = message.vocabulary
        flagged = _Intervals()
        for rule in _NEGATIVE_RULES:
            if rule.triggers.isdisjoint(vocabulary):
                continue
            for match in rule.pattern.finditer(message):
                a, b = match.span()
                if flagged.overlaps(a, b):
                    continue  # one finding per stretch of text
                flagged.add(a, b)
                yield _finding(
                    check=self.name,
                    severity=rule.severity,
                    span=_span(start=match.start(), end=match.end()),
                    message=f"'{_quote(match.group())}': {rule.message}",
                    suggestion=rule.suggestion,
                )
        if ctx.options["condescending"]:
            for span, phrase in _condescending().find(message):
                yield _finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=span,
                    message=f"'{message.slice(span)}' can sound condescending: what is "
                    "obvious or easy to us may not be to the customer.",
                    suggestion=f"{phrase.suggestion[0].upper()}{phrase.suggestion[1:]}.",
                )
        threshold = float(ctx.options["sentence_threshold"])
        for score in message.sentence_scores:
            span = score.span
            if score.sentiment.compound > threshold:
                continue
            if flagged.overlaps(span.start, span.end):
                continue
            if _ACKNOWLEDGES.search(message, span.start, span.end):
                continue  # an apology or acknowledgement is negative by nature
            yield _finding(
                check=self.name,
                severity=Severity.INFO,
                span=span,
                message=f"This sentence reads as strongly negative "
                f"(sentiment {score.sentiment.compound:+.2f}).",
                suggestion="Say what will happen next rather than only what went wrong.",
            )


# ------------------------------------------------------------- unconfirmed-critical-point

_MONTH_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "may",
    ]
)
_WEEKDAYS = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)
_DATE_PREPOSITIONS = frozenset(
    ["on", "by", "until", "till", "before", "after", "from", "next", "this", "due"]
)
_DATE_WORDS = frozenset(["tomorrow", "deadline", "go-live", "eod", "eow", "cob"])
_PERIODS = frozenset(["day", "week", "month", "quarter", "year"])
_CURRENCY_SIGNS = frozenset("$\u20ac\u00a3\u00a5")
_CURRENCY_WORDS = frozenset(["usd", "eur", "gbp", "dollars", "euros", "pounds"])
_PRICE_WORDS = frozenset(
    [
        "price",
        "prices",
        "pricing",
        "fee",
        "fees",
        "cost",
        "costs",
        "rate",
        "rates",
        "charge",
        "charges",
        "subscription",
        "licence",
        "license",
    ]
)
_PRICE_CHANGES = frozenset(
    [
        "will",
        "increase",
        "increases",
        "increasing",
        "change",
        "changes",
        "changing",
        "rise",
        "rises",
        "drop",
        "drops",
        "reduce",
        "reduced",
        "go",
        "goes",
        "going",
    ]
)
_DECISION_VERBS = frozenset(
    [
        "go",
        "proceed",
        "move",
        "switch",
        "replace",
        "cancel",
        "stop",
        "discontinue",
        "postpone",
        "delay",
        "pause",
        "remove",
        "retire",
        "drop",
        "close",
    ]
)
_DECIDED_SUBJECTS = frozenset(["we", "i", "we've", "i've", "have", "has"])
_CHANGED = frozenset(["postponed", "delayed", "cancelled", "canceled", "rescheduled"])
_BE = frozenset(["been", "be", "is", "are", "was", "were"])
_SCOPE_WORDS = frozenset(["scope", "descope", "descoped"])
_NO_LONGER = frozenset(
    [
        "include",
        "includes",
        "support",
        "supports",
        "offer",
        "provide",
        "be",
        "available",
        "cover",
        "covers",
    ]
)
_EXTRAS = frozenset(["work", "feature", "features", "scope", "cost", "costs", "charge", "charges"])
_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?\Z")
_DIGIT_DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b")
_CRITICAL_FIRSTS = (
    _MONTH_WORDS
    | _WEEKDAYS
    | _DATE_WORDS
    | _CURRENCY_SIGNS
    | _CURRENCY_WORDS
    | _PRICE_WORDS
    | _SCOPE_WORDS
    | _CHANGED
    | frozenset(["end", "decided", "decision", "we", "we'll", "change", "no", "won't"])
    | frozenset(["will", "additional", "launch"])
)


def _at(tokens: Sequence[str], index: int) -> str:
    return tokens[index] if 0 <= index < len(tokens) else ""


def _critical_kind(tokens: Sequence[str], i: int) -> tuple[str, int] | None:  # noqa: PLR0911, PLR0912  # one branch per rule reads best
    """The kind of critical statement starting at token *i*, and its last token."""
    tok = tokens[i]
    prev, nxt, nxt2 = _at(tokens, i - 1), _at(tokens, i + 1), _at(tokens, i + 2)
    if tok in _MONTH_WORDS:
        if _DAY_NUMBER.match(nxt) or (len(nxt) == 4 and nxt.isdigit()):
            return "date", i + 1
        if _DAY_NUMBER.match(prev) and tok != "may":
            return "date", i
    elif tok in _WEEKDAYS:
        if prev in _DATE_PREPOSITIONS:
            return "date", i
    elif tok in _DATE_WORDS:
        return "date", i
    elif tok == "end":
        if nxt == "of" and nxt2 in _PERIODS:
            return "date", i + 2
    elif tok == "launch":
        if nxt == "date":
            return "date", i + 1
    elif tok in _CURRENCY_SIGNS:
        if nxt[:1].isdigit():
            return "price", i + 1
    elif tok in _CURRENCY_WORDS:
        if prev[:1].isdigit():
            return "price", i
    elif tok in _PRICE_WORDS:
        for j in range(i + 1, min(len(tokens), i + 5)):
            if tokens[j] in _PRICE_CHANGES or tokens[j] in _CURRENCY_SIGNS:
                return "price", j
    elif tok == "decided":
        if _DECIDED_SUBJECTS.intersection(tokens[max(0, i - 2) : i]):
            return "decision", i
    elif tok == "decision":
        if prev == "final" or nxt in ("is", "was", "has"):
            return "decision", i
    elif tok == "we":
        if nxt == "will" and nxt2 in _DECISION_VERBS:
            return "decision", i + 2
        if nxt == "are" and nxt2 == "going" and _at(tokens, i + 4) in _DECISION_VERBS:
            return "decision", i + 4
    elif tok == "we'll":
        if nxt in _DECISION_VERBS:
            return "decision", i + 1
    elif tok in _CHANGED:
        if prev in _BE:
            return "decision", i
    elif tok in _SCOPE_WORDS:
        return "scope", i
    elif tok == "change":
        if nxt in ("request", "requests"):
            return "scope", i + 1
    elif tok == "no":
        if nxt == "longer" and nxt2 in _NO_LONGER:
            return "scope", i + 2
    elif tok in ("won't", "will"):
        after = nxt2 if nxt == "not" else nxt
        if (tok == "won't" or nxt == "not") and after in ("include", "cover"):
            return "scope", i + (2 if nxt == "not" else 1)
    elif tok == "additional" and nxt in _EXTRAS:
        return "scope", i + 1
    return None


def _critical_points(message: Message, kinds: set[str]) -> dict[str, Span]:
    """The first statement of each critical kind in *message*."""
    found: dict[str, tuple[int, int]] = {}
    tokens = message.tokens
    starts = sorted(
        i for first in _CRITICAL_FIRSTS & message.vocabulary for i in message.positions(first)
    )
    hits: dict[str, tuple[int, int]] = {}
    for i in starts:
        hit = _critical_kind(tokens, i)
        if hit is not None and hit[0] in kinds and hit[0] not in hits:
            hits[hit[0]] = (i, hit[1])
    if hits:
        bounds = message.token_bounds([i for pair in hits.values() for i in pair])
        found = {kind: (bounds[a][0], bounds[b][1]) for kind, (a, b) in hits.items()}
    if "date" in kinds and "date" not in found:
        match = (
            _DIGIT_DATE.search(message.text) if "/" in message.text or "-" in message.text else None
        )
        if match is not None:
            found["date"] = match.span()
    return {kind: _span(start=a, end=b) for kind, (a, b) in found.items()}


_CONFIRMS = _Pattern(
    r"\b(?:please\s+confirm|(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:confirm|"
    r"approve|let\s+(?:me|us)\s+know|reply|agree|check)|confirm\s+(?:that|this|whether|if|by)|"
    r"let\s+(?:me|us)\s+know\s+(?:if|whether|by|when|that|your)|does\s+(?:this|that|it)\s+"
    r"(?:work|suit|sound)|do\s+you\s+agree|(?:is|are)\s+(?:this|that|these|you)\s+"
    r"(?:ok|okay|fine|acceptable|alright|all\s+right|happy|comfortable)|"
    r"please\s+(?:approve|reply|sign\s+off|let\s+(?:me|us)\s+know)|your\s+(?:approval|"
    r"confirmation|sign-?off|go-ahead|ok|okay)|reply\s+(?:to\s+)?confirm\w*|"
    r"(?:let\s+me|tell\s+me)\s+if\s+(?:you|this|that)|any\s+(?:objections|concerns)\s*\?)",
)

_CONFIRM_TRIGGERS = frozenset(
    [
        "confirm",
        "confirmation",
        "approve",
        "approval",
        "agree",
        "work",
        "suit",
        "sound",
        "ok",
        "okay",
        "fine",
        "acceptable",
        "alright",
        "right",
        "happy",
        "comfortable",
        "reply",
        "know",
        "sign-off",
        "signoff",
        "sign",
        "go-ahead",
        "check",
        "objections",
        "concerns",
    ]
)


class UnconfirmedCriticalPointCheck:
    """A decision, date, price or scope change should come with a request to confirm it."""

    name = "unconfirmed-critical-point"
    description = (
        "A message stating a decision, date, price or scope change without asking the "
        "customer to confirm it."
    )
    defaults: ClassVar[dict[str, Any]] = {"kinds": ["decision", "date", "price", "scope"]}

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """One finding per message, at the first critical statement, listing the kinds."""
        if not message.text:
            return
        found = _critical_points(message, {str(k) for k in ctx.options["kinds"]})
        if not found:
            return
        if not _CONFIRM_TRIGGERS.isdisjoint(message.vocabulary) and _CONFIRMS.search(message):
            return
        ordered = sorted(found.items(), key=lambda item: item[1].start)
        kinds = ", ".join(kind for kind, _ in ordered)
        yield _finding(
            check=self.name,
            severity=Severity.WARNING,
            span=ordered[0][1],
            message=f"The message states a critical point ({kinds}) without asking the "
            "customer to confirm it.",
            suggestion="Ask for an explicit confirmation: 'Could you confirm that this "
            "works for you by Thursday?'",
        )


# -------------------------------------------------------------------------- readability

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_ALPHA_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


@functools.lru_cache(maxsize=65_536)
def syllables(word: str) -> int:
    """Estimated syllables of an English *word* (vowel groups, silent final ``e``)."""
    word = word.lower()
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if (
        word.endswith(("ed", "es"))
        and count > 1
        and not word.endswith(("ted", "ded", "ses", "zes", "ces", "ges"))
    ):
        count -= 1
    return max(1, count)


def flesch_reading_ease(words: int, sentences: int, syllable_count: int) -> float:
    """Flesch (1948) reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    if words <= 0 or sentences <= 0:
        return 100.0
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllable_count / words)


@functools.cache
def _plain_words() -> _PhraseIndex:
    return _PhraseIndex(
        _Phrase(_phrase_tokens(r["term"]), r["term"], r["suggestion"], "plain")
        for r in _read_csv("plain_words.csv")
    )


class ReadabilityCheck:
    """Sentences that are too long and messages that are hard to read."""

    name = "readability"
    description = "Sentences that are too long, and messages with a low Flesch reading ease."
    defaults: ClassVar[dict[str, Any]] = {
        "max_sentence_words": 30,
        "min_reading_ease": 50.0,
        "min_words": 40,
        "plain_words": False,
    }

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterator[Finding]:
        """A finding per long sentence; one for the message when its reading ease is low."""
        if not message.text.strip():
            return
        options = ctx.options
        text = message.text
        max_words = int(options["max_sentence_words"])
        total_words = 0
        total_syllables = 0
        sentences = 0
        for span in message.sentences:
            words = _ALPHA_WORD.findall(text, span.start, span.end)
            if not words:
                continue
            sentences += 1
            total_words += len(words)
            total_syllables += sum(map(syllables, words))
            if len(words) > max_words:
                yield _finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=span,
                    message=f"This sentence has {len(words)} words (more than {max_words}).",
                    suggestion="Split it into shorter sentences, one idea each.",
                )
        if options["plain_words"]:
            for span, phrase in _plain_words().find(message):
                yield _finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=span,
                    message=f"'{message.slice(span)}' has a simpler alternative.",
                    suggestion=f"Consider: {phrase.suggestion}.",
                )
        if total_words < int(options["min_words"]):
            return
        ease = flesch_reading_ease(total_words, sentences, total_syllables)
        if ease >= float(options["min_reading_ease"]):
            return
        plain = list(_plain_words().find(message))  # only for the suggestion
        swaps = "; ".join(
            f"'{message.slice(s)}' -> '{p.suggestion}'"
            for s, p in list({p.text: (s, p) for s, p in plain}.values())[:3]
        )
        suggestion = "Use shorter sentences and everyday words"
        suggestion += f", for example {swaps}." if swaps else "."
        yield _finding(
            check=self.name,
            severity=Severity.INFO,
            span=_span(start=0, end=len(message.text)),
            message=f"The message is hard to read (Flesch reading ease {ease:.0f}, "
            f"below {float(options['min_reading_ease']):.0f}; "
            f"{total_words / sentences:.0f} words a sentence).",
            suggestion=suggestion,
        )


#: The built-in checks, in the order they run.
BUILTIN_CHECKS: Sequence[Callable[[], Check]] = (
    UndefinedTermCheck,
    AcknowledgementCheck,
    NegativeLanguageCheck,
    UnconfirmedCriticalPointCheck,
    ReadabilityCheck,
    PersonalizationCheck,
)


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the built-in checks."""
    for factory in BUILTIN_CHECKS:
        register(factory())
