"""Text analysis, fully offline: messages, sentences, words and their sentiment.

Nothing here downloads anything.  Sentiment is VADER's (Hutto & Gilbert 2014), computed
by :class:`VaderScorer` (in the private ``perception._vader``, re-exported here), which
returns exactly nltk's ``polarity_scores``; nltk's own analyser stays available through
:func:`nltk_analyzer`.

Sentences and words are split with precompiled regular expressions that follow the
rules of nltk's untrained Punkt sentence tokenizer (a sentence ends at ``.``, ``?`` or
``!`` followed by white space), with two additions useful for messages: a blank line
ends a sentence (greetings and sign-offs stand alone) and a few common abbreviations
(``e.g.``, ``Mr.``) and a following lower-case word do not end one.

:class:`Message` wraps a text and computes each analysis once, on demand, so that every
check looking at the same message shares the work.  Texts longer than
:data:`DEFAULT_CHUNK_CHARS` are analysed in chunks cut at sentence boundaries, so the
time grows linearly with the length.
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from perception._language import Language, language
from perception._mood import Cue, CustomerMood, customer_mood_of
from perception._vader import NEUTRAL as _NEUTRAL
from perception._vader import (
    Read,
    VaderScorer,
    kept_words,
    lexicon_path,
    nltk_analyzer,
    polarity_scores,
    sentiment,
    vader_scorer,
)
from perception._validation import _new, _set  # record building without validation
from perception._validation import trusted as _trusted
from perception.outcome import SentenceScore, Sentiment, Span

if TYPE_CHECKING:
    from collections.abc import Callable

#: Texts longer than this many characters are analysed in chunks (see :class:`Message`).
DEFAULT_CHUNK_CHARS = 20_000

__all__ = [
    "DEFAULT_CHUNK_CHARS",
    "Cue",
    "CustomerMood",
    "Language",
    "Message",
    "VaderScorer",
    "chunk_spans",
    "customer_mood",
    "language",
    "lexicon_path",
    "message",
    "nltk_analyzer",
    "polarity_scores",
    "sentence_spans",
    "sentiment",
    "vader_scorer",
    "word_spans",
]

# ------------------------------------------------------------------ sentences and words

_WORD = re.compile(r"\w+(?:['\u2019.\-]\w+)*|[^\w\s]")
#: A run of terminal punctuation with its closing quotes and brackets, or a blank line.
#: A run ends a sentence only when white space or the end follows; that is checked after
#: the match, not with a look-ahead, so that a long run followed by a letter is scanned
#: once (a look-ahead makes the engine retry the run from each of its positions: quadratic).
#: The pattern starts with the class of the characters a match starts with, so that the
#: engine scans for them at C speed instead of trying the pattern at every position (a
#: pattern that starts with a look-ahead or with two branches is tried everywhere); the
#: look-behind of one character then tells a blank line from punctuation, so it adds no
#: backtracking.
_BOUNDARY = re.compile(
    r"[.?!\u2026\n](?:(?<=\n)(?P<gap>[^\S\n]*\n\s*)|(?<!\n)[.?!\u2026]*[\"'\u2019\u201d)\]]*)"
)
#: The same, as the separator of ``re.split``: white space and tokens, in turn.
_PIECES = re.compile(f"({_WORD.pattern})")
#: The same for ASCII text, a third faster: ``re.ASCII`` classes are the same on ASCII
#: characters, but for ``\s``, which also takes ``\x1c``-``\x1f`` without it.
_PIECES_ASCII = re.compile(r"(\w+(?:['.\-]\w+)*|[^\w\s\x1c-\x1f])", re.ASCII)
_NEXT_VISIBLE = re.compile(r"\s*(\S)")
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "approx",
        "no",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "fig",
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
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "a.m",
        "p.m",
    ]
)


def sentence_spans(text: str) -> tuple[Span, ...]:
    """Spans of the sentences of *text*.

    A sentence ends at ``.``, ``?``, ``!`` or ``…`` (with any closing quotes or
    brackets) before white space, unless the word is a common abbreviation or the next
    word starts in lower case; a blank line always ends one.
    """
    return tuple(Span(start=s, end=e) for s, e in _sentence_bounds(text, 0, len(text)))


def _next_visible(text: str, end: int, stop: int) -> str:
    """The first visible character of ``text[end:stop]`` ("" when none)."""
    if end + 1 < stop and text[end] == " " and not text[end + 1].isspace():
        return text[end + 1]  # one space, then the next word: the common case
    after = _NEXT_VISIBLE.match(text, end, stop)
    return "" if after is None else after.group(1)


def _sentence_bounds(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:stop]``, trimmed of white space."""
    bounds: list[tuple[int, int]] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, stop):
        end = match.end()
        if match.lastgroup is None:  # terminal punctuation
            if end < stop and not text[end].isspace():
                continue  # "3.5", "e.g.x", "!!!a": not followed by white space
            if _next_visible(text, end, stop).islower():
                continue  # "... 3 p.m. today" or "ok... so": no new sentence
            head = match.start()
            if text[head] == ".":
                before = text[max(begin, head - 12) : head].split()
                stem = before[-1].lower() if before else ""
                if stem in _ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()):
                    continue
            cut = next_begin = end
        else:  # a blank line
            cut = match.start()
            next_begin = end
        segment = text[begin:cut]
        stripped = segment.lstrip()
        if stripped:
            first = cut - len(stripped)
            bounds.append((first, first + len(stripped.rstrip())))
        begin = next_begin
    segment = text[begin:stop]
    stripped = segment.lstrip()
    if stripped:
        first = stop - len(stripped)
        bounds.append((first, first + len(stripped.rstrip())))
    return bounds


def word_spans(text: str) -> tuple[Span, ...]:
    """Spans of the words and punctuation marks of *text*.

    A word is a run of letters and digits, with inner apostrophes, hyphens and
    periods kept (``don't``, ``follow-up``, ``3.5``); every other visible character is
    its own token.
    """
    return tuple(Span(start=m.start(), end=m.end()) for m in _WORD.finditer(text))


def chunk_spans(text: str, limit: int = DEFAULT_CHUNK_CHARS) -> tuple[Span, ...]:
    """Cut *text* into consecutive chunks of about *limit* characters.

    A chunk ends at the last sentence end (or blank line, or white space) before the
    limit; a run with no white space at all is cut at the limit.  The chunks cover the
    whole text.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, not {limit}")
    spans: list[Span] = []
    start = 0
    length = len(text)
    while length - start > limit:
        stop = start + limit
        cut = -1
        for marker in ("\n\n", ". ", "? ", "! ", "\n", " ", "\t"):
            found = text.rfind(marker, start + limit // 2, stop)
            if found >= 0:
                cut = found + len(marker)
                break
        if cut <= start:
            cut = stop
        spans.append(_trusted(Span, start=start, end=cut))
        start = cut
    spans.append(_trusted(Span, start=start, end=length))
    return tuple(spans)


def _span(start: int, end: int) -> Span:
    """A span computed from offsets into the text, built as :func:`_trusted` builds it."""
    span = _new(Span)
    _set(span, "start", start)
    _set(span, "end", end)
    return span


def _weighted(parts: list[tuple[int, Sentiment]]) -> Sentiment:
    total = sum(weight for weight, _ in parts)
    if total <= 0:
        return _NEUTRAL

    def mean(attr: str) -> float:
        return float(sum(weight * getattr(s, attr) for weight, s in parts)) / total

    return Sentiment(
        compound=max(-1.0, min(1.0, mean("compound"))),
        positive=min(1.0, max(0.0, mean("positive"))),
        neutral=min(1.0, max(0.0, mean("neutral"))),
        negative=min(1.0, max(0.0, mean("negative"))),
    )


class Message:
    """A message under analysis; each analysis is computed once, when first asked for.

    Checks receive a ``Message``; use its properties rather than re-tokenising the text.

    :param text: the message.
    :param chunk_chars: texts longer than this are analysed in chunks cut at sentence
        boundaries: sentences are found chunk by chunk and the message's sentiment is
        the length-weighted mean of the chunks' sentiments.
    """

    __slots__ = ("_cache", "chunk_chars", "text")

    def __init__(self, text: str, *, chunk_chars: int = DEFAULT_CHUNK_CHARS) -> None:
        if not isinstance(text, str):
            msg = f"message text must be a string, not {type(text).__name__}"
            raise TypeError(msg)
        if chunk_chars < 1:
            raise ValueError(f"chunk_chars must be >= 1, not {chunk_chars}")
        self.text = text
        self.chunk_chars = chunk_chars
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        preview = self.text[:40] + ("..." if len(self.text) > 40 else "")
        return f"Message({preview!r})"

    def _get(self, key: str, compute: Callable[[], Any]) -> Any:
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    # Each analysis is looked up in the cache first, with no function built for it: the
    # checks ask for the same few analyses dozens of times per message.

    @property
    def chunks(self) -> tuple[Span, ...]:
        """The chunks the text is analysed in (one span for a text within the bound)."""
        found: tuple[Span, ...] | None = self._cache.get("chunks")
        if found is None:
            size = len(self.text)
            if size <= self.chunk_chars:
                found = (_span(0, size),)  # as chunk_spans makes it, without the loop
            else:
                found = chunk_spans(self.text, self.chunk_chars)
            self._cache["chunks"] = found
        return found

    @property
    def sentences(self) -> tuple[Span, ...]:
        """Spans of the message's sentences."""
        found: tuple[Span, ...] | None = self._cache.get("sentences")
        if found is None:
            text = self.text
            found = self._cache["sentences"] = tuple(
                [
                    _span(s, e)
                    for chunk in self.chunks
                    for s, e in _sentence_bounds(text, chunk.start, chunk.end)
                ]
            )
        return found

    @property
    def word_bounds(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` of each word and punctuation mark (cheaper than :attr:`words`)."""
        result: tuple[tuple[int, int], ...] = self._get("word_bounds", self._word_bounds)
        return result

    def token_bounds(self, indexes: Iterable[int]) -> dict[int, tuple[int, int]]:
        """``(start, end)`` of the tokens at *indexes* (cheaper than :attr:`word_bounds`
        when a check needs the offsets of a few tokens only), in ascending order of index.

        :raises IndexError: for an index that is not one of a token (negative ones included).
        """
        ends = self._ends()
        count = len(ends) // 2
        found: dict[int, tuple[int, int]] = {}
        for i in sorted(set(indexes)):
            if not 0 <= i < count:
                raise IndexError(f"token index {i} out of range (the text has {count} tokens)")
            found[i] = (ends[2 * i], ends[2 * i + 1])
        return found

    def _pieces(self) -> list[str]:
        """The text split into its tokens and the white space between them: white space,
        a token, white space ... white space (an empty string where there is none).

        Tokens come in lower case when the text is ASCII (all of it lower-cased at once);
        every piece has the length of the text it stands for, so that the pieces' lengths
        add up to the tokens' offsets.
        """
        found: list[str] | None = self._cache.get("pieces")
        if found is None:
            text = self.text
            if text.isascii():
                found = _PIECES_ASCII.split(self.lowered or "")
            else:
                found = _PIECES.split(text.replace("\u2019", "'"))
            self._cache["pieces"] = found
        return found

    def _ends(self) -> list[int]:
        """Where each of :meth:`_pieces` ends in the text: token *i* is
        ``text[ends[2 * i] : ends[2 * i + 1]]``."""
        found: list[int] | None = self._cache.get("ends")
        if found is None:
            found = self._cache["ends"] = list(itertools.accumulate(map(len, self._pieces())))
        return found

    def _word_bounds(self) -> tuple[tuple[int, int], ...]:
        ends = self._ends()
        return tuple(zip(ends[0:-1:2], ends[1::2], strict=True))

    @property
    def words(self) -> tuple[Span, ...]:
        """Spans of the message's words and punctuation."""
        result: tuple[Span, ...] = self._get(
            "words", lambda: tuple(Span(start=s, end=e) for s, e in self.word_bounds)
        )
        return result

    @property
    def lowered(self) -> str | None:
        """The text in lower case, or ``None`` when lower-casing changes its length.

        Offsets into it are offsets into the text whenever it is not ``None``.
        """

        found: str | None = self._cache.get("lowered", _UNKNOWN)
        if found is _UNKNOWN:
            lowered = self.text.lower()
            found = self._cache["lowered"] = lowered if len(lowered) == len(self.text) else None
        return found

    @property
    def tokens(self) -> tuple[str, ...]:
        """The text of each of :attr:`words`, in lower case (curly apostrophes made straight)."""

        found: tuple[str, ...] | None = self._cache.get("tokens")
        if found is None:
            tokens = self._pieces()[1::2]
            # an ASCII text's tokens are lower-cased already (see _pieces)
            found = tuple(tokens) if self.text.isascii() else tuple(map(str.lower, tokens))
            self._cache["tokens"] = found
        return found

    @property
    def vocabulary(self) -> frozenset[str]:
        """The set of :attr:`tokens`."""
        found: frozenset[str] | None = self._cache.get("vocabulary")
        if found is None:
            found = self._cache["vocabulary"] = frozenset(self.tokens)
        return found

    def positions(self, token: str) -> list[int]:
        """Indexes into :attr:`tokens` where *token* (lower case) occurs, in order."""
        index: dict[str, list[int]] | None = self._cache.get("positions")
        if index is None:
            tokens = self.tokens
            asked = self._cache.get("positions asked", 0)
            if len(tokens) <= _SCAN_TOKENS and asked < _SCAN_ASKS:
                # a short message asked a few times: a scan is cheaper than an index
                self._cache["positions asked"] = asked + 1
                return _scan(tokens, token)
            index = {}
            for i, tok in enumerate(self.tokens):
                found = index.get(tok)
                if found is None:
                    index[tok] = [i]
                else:
                    found.append(i)
            self._cache["positions"] = index
        return index.get(token, [])

    @property
    def sentiment(self) -> Sentiment:
        """Sentiment of the whole message (length-weighted over chunks for long texts)."""

        found: Sentiment | None = self._cache.get("sentiment")
        if found is None:
            chunks = self.chunks
            if len(chunks) == 1:
                found = sentiment(self.text)
            else:
                found = _weighted([(c.end - c.start, sentiment(self.slice(c))) for c in chunks])
            self._cache["sentiment"] = found
        return found

    @property
    def sentence_scores(self) -> tuple[SentenceScore, ...]:
        """Each sentence's span and sentiment."""
        found: tuple[SentenceScore, ...] | None = self._cache.get("sentence_scores")
        if found is None:
            found = self._cache["sentence_scores"] = self._score_sentences()
        return found

    def _score_sentences(self) -> tuple[SentenceScore, ...]:
        text = self.text
        sentences = self.sentences
        if len(self.chunks) == 1 and sentences:
            return self._score_sentences_shared(text, sentences)
        return tuple(
            _trusted(SentenceScore, span=span, sentiment=sentiment(self.slice(span)))
            for span in sentences
        )

    def _score_sentences_shared(
        self, text: str, sentences: tuple[Span, ...]
    ) -> tuple[SentenceScore, ...]:
        """Sentence scores (each sentence scored once while it is kept, see ``_SENTENCES``),
        and the message's.

        The sentences of a text in one chunk end at white space or at the end, only white
        space lies between them (:func:`_sentence_bounds`: its regular expressions and
        ``str.split`` take the same characters for white space), so their
        VADER tokens, one after another, are the text's.
        """
        scorer = vader_scorer()
        scores = []
        reads: list[Read] = []
        known = _SENTENCES
        for span in sentences:
            part = text[span.start : span.end]
            found = known.get(part)
            if found is None:
                read = scorer.read(kept_words(part.split()))
                found = (read.sentiment(part), read)
                known.keep(part, found)
            reads.append(found[1])
            score = _new(SentenceScore)
            _set(score, "span", span)
            _set(score, "sentiment", found[0])
            scores.append(score)
        if "sentiment" not in self._cache and len(scores) == 1:
            # one sentence holding every token, and only white space around it: the same
            # words and the same "!" and "?", so the same scores
            self._cache["sentiment"] = scores[0].sentiment
        elif "sentiment" not in self._cache:
            # the message's words are its sentences' words, one after another
            self._cache["sentiment"] = scorer.read_joined(reads).sentiment(text)
        return tuple(scores)

    @property
    def mood(self) -> float:
        """How negative the message reads: the lower of its overall compound sentiment and
        that of its most negative sentence.

        One sharp sentence ("I am disappointed.") in an otherwise matter-of-fact message
        is what the writer meant, and what they will remember writing (the peak of the
        episode), so it is not averaged away.
        """

        def compute() -> float:
            sentences = self.sentence_scores  # first: the sentiment is made from them
            overall = self.sentiment.compound
            if len(sentences) < 2:
                return overall
            return min(overall, *(s.sentiment.compound for s in sentences))

        result: float = self._get("mood", compute)
        return result

    @property
    def language(self) -> Language:
        """The language the message is in, as far as the checks need to know."""

        found: Language | None = self._cache.get("language")
        if found is None:
            words = list(filter(str.isalpha, itertools.islice(self.tokens, 600)))
            found = self._cache["language"] = language(self.text, words)
        return found

    @property
    def customer_mood(self) -> CustomerMood:
        """How the message reads to a support team when a customer wrote it: unhappy,
        complaining or distressed, and the words that show it (see :func:`customer_mood`)."""
        result: CustomerMood = self._get("customer_mood", lambda: customer_mood_of(self))
        return result

    def slice(self, span: Span) -> str:
        """The text of *span*."""
        return self.text[span.start : span.end]


def _scan(tokens: tuple[str, ...], token: str) -> list[int]:
    """The indexes of *token* in *tokens*, in order (``tuple.index`` compares at C speed)."""
    found: list[int] = []
    at = -1
    find = tokens.index
    try:
        while True:
            at = find(token, at + 1)
            found.append(at)
    except ValueError:
        return found


class _Kept(dict[str, "tuple[Sentiment, Read]"]):
    """Sentences already scored, with what VADER made of their words (bounded)."""

    def __init__(self, limit: int, chars: int) -> None:
        super().__init__()
        self.limit = limit
        self.chars = chars

    def keep(self, part: str, value: tuple[Sentiment, Read]) -> None:
        """Keep *value* for *part* (a short sentence); start afresh when full."""
        if len(part) > self.chars:
            return
        if len(self) >= self.limit:
            self.clear()  # bounded, and follows what the texts of the day repeat
        self[part] = value


#: What the cache of a :class:`Message` holds for an analysis not made yet.
_UNKNOWN: Any = object()

#: Sentences whose sentiment is known.  A sentence's VADER scores depend on its text
#: alone, and messages repeat sentences (greetings, closings, a team's stock phrases), so
#: each distinct sentence of up to 300 characters is scored once while it is kept.
_SENTENCES = _Kept(20_000, 300)

#: A message of at most this many tokens is scanned for a token's positions, for its first
#: few questions, instead of being indexed (bounded: at most _SCAN_ASKS scans).
_SCAN_TOKENS = 96
_SCAN_ASKS = 8

#: Texts longer than this are analysed afresh each time rather than kept in the cache.
_CACHED_TEXT_LIMIT = 20_000
#: The shared cache keeps at most this many characters of text in all (with their
#: analyses), and at most this many messages.
_CACHE_CHARS = 2_000_000
_CACHE_MESSAGES = 4096


class _MessageCache:
    """Least recently used messages, bounded by their total length as well as by count."""

    def __init__(self, chars: int, messages: int) -> None:
        self._items: collections.OrderedDict[str, Message] = collections.OrderedDict()
        self._chars = 0
        self._limit_chars = chars
        self._limit_messages = messages
        self._lock = threading.Lock()

    def get(self, text: str) -> Message:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                return found
        made = Message(text)
        with self._lock:
            if text not in self._items:
                self._items[text] = made
                self._chars += len(text)
                while self._chars > self._limit_chars or len(self._items) > self._limit_messages:
                    old, _ = self._items.popitem(last=False)
                    self._chars -= len(old)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


_MESSAGES = _MessageCache(_CACHE_CHARS, _CACHE_MESSAGES)


def customer_mood(text: str) -> CustomerMood:
    """How *text*, an inbound message, reads to a support team.

    Only the customer's own text is read: a quoted thread and the signature are set
    apart first (:func:`perception.mail.author_text`).  VADER's sentence scores are
    adjusted for service failures ("still waiting", "charged twice", "no reply"),
    reassurances ("no problem", "no complaints"), reliable sarcasm markers ("Great,
    another outage."), neutral requests and polite closings ("No, that is all, thank
    you").  Where the message holds one of those support cues, they decide its label;
    elsewhere a model trained on labelled reviews, posts and editorials (shipped with
    the package, see ``benchmarks/train_mood.py``) reads the same evidence and the
    message's words.  A message in a language the checks do not read is labelled
    ``unsupported``, not neutral.  The result's ``cues`` name the words that drove it.
    """
    from perception.mail import author_text  # noqa: PLC0415  # mail imports this module

    return message(author_text(text).masked()).customer_mood


def message(text: str) -> Message:
    """A :class:`Message` for *text*, shared by every caller that sees the same text.

    A message's analyses (sentences, words, sentiment, mood) depend on its text alone,
    so the scorers and checks of one assessment, an account assessed at several
    moments, or a portfolio of templated messages analyse each distinct text once.
    This is the one cache of message analyses: scorers and checks use it rather than
    keeping their own.
    """
    if len(text) > _CACHED_TEXT_LIMIT:
        return Message(text)
    return _MESSAGES.get(text)
