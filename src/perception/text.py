"""Text analysis, fully offline: sentences, words and sentiment.

Nothing here downloads anything.  The VADER lexicon (Hutto & Gilbert 2014) is read from
the installed ``vadersentiment`` package through nltk's resource loader (its folder is
added to ``nltk.data.path``).

Sentiment is computed by :class:`VaderScorer`, a re-implementation of nltk's
``SentimentIntensityAnalyzer.polarity_scores`` that reads the same lexicon, applies the
same rules in the same order and returns the same numbers (the test suite compares the
two on random text and on the VADER gold sets), but avoids the per-call work that makes
nltk's version slow (nltk builds a dictionary of every word joined to every punctuation
mark for each text).  nltk's own analyser stays available through :func:`nltk_analyzer`.

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

import functools
import itertools
import math
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perception._validation import trusted as _trusted
from perception.outcome import SentenceScore, Sentiment, Span

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "DEFAULT_CHUNK_CHARS",
    "Message",
    "VaderScorer",
    "chunk_spans",
    "lexicon_path",
    "message",
    "nltk_analyzer",
    "polarity_scores",
    "sentence_spans",
    "sentiment",
    "vader_scorer",
    "word_spans",
]

_LEXICON_NAME = "vader_lexicon.txt"

#: Texts longer than this many characters are analysed in chunks (see :class:`Message`).
DEFAULT_CHUNK_CHARS = 20_000


def lexicon_path() -> Path:
    """Path of the VADER lexicon file shipped by the ``vadersentiment`` package."""
    import vaderSentiment  # noqa: PLC0415  # deferred: only needed for sentiment

    return Path(vaderSentiment.__file__).with_name(_LEXICON_NAME)


def _nltk_lexicon_folder() -> None:
    import nltk  # noqa: PLC0415  # deferred: nltk is slow to import

    folder = str(lexicon_path().parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)


@functools.cache
def nltk_analyzer() -> Any:
    """nltk's own VADER ``SentimentIntensityAnalyzer`` over the same lexicon (reference)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: PLC0415

    _nltk_lexicon_folder()
    return SentimentIntensityAnalyzer(lexicon_file=_LEXICON_NAME)


# The analyser kept its old private name in the foundation; keep it working.
_analyzer = nltk_analyzer

# --------------------------------------------------------------------------- VADER

#: VADER's constants, as nltk defines them (Hutto & Gilbert 2014).
_B_INCR = 0.293
_B_DECR = -0.293
_C_INCR = 0.733
_N_SCALAR = -0.74
_PUNCT = string.punctuation
_PUNCT_SET = frozenset(_PUNCT)
_PUNC_LIST = frozenset(
    (
        ".",
        "!",
        "?",
        ",",
        ";",
        ":",
        "-",
        "'",
        '"',
        "!!",
        "!!!",
        "??",
        "???",
        "?!?",
        "!?!",
        "?!?!",
        "!?!?",
    )
)
_NEGATE = frozenset(
    [
        "aint",
        "arent",
        "cannot",
        "cant",
        "couldnt",
        "darent",
        "didnt",
        "doesnt",
        "ain't",
        "aren't",
        "can't",
        "couldn't",
        "daren't",
        "didn't",
        "doesn't",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "mightnt",
        "mustnt",
        "neither",
        "don't",
        "hadn't",
        "hasn't",
        "haven't",
        "isn't",
        "mightn't",
        "mustn't",
        "neednt",
        "needn't",
        "never",
        "none",
        "nope",
        "nor",
        "not",
        "nothing",
        "nowhere",
        "oughtnt",
        "shant",
        "shouldnt",
        "uhuh",
        "wasnt",
        "werent",
        "oughtn't",
        "shan't",
        "shouldn't",
        "uh-uh",
        "wasn't",
        "weren't",
        "without",
        "wont",
        "wouldnt",
        "won't",
        "wouldn't",
        "rarely",
        "seldom",
        "despite",
    ]
)
_BOOSTERS: dict[str, float] = dict.fromkeys(
    [
        "absolutely",
        "amazingly",
        "awfully",
        "completely",
        "considerably",
        "decidedly",
        "deeply",
        "effing",
        "enormously",
        "entirely",
        "especially",
        "exceptionally",
        "extremely",
        "fabulously",
        "flipping",
        "flippin",
        "fricking",
        "frickin",
        "frigging",
        "friggin",
        "fully",
        "fucking",
        "greatly",
        "hella",
        "highly",
        "hugely",
        "incredibly",
        "intensely",
        "majorly",
        "more",
        "most",
        "particularly",
        "purely",
        "quite",
        "really",
        "remarkably",
        "so",
        "substantially",
        "thoroughly",
        "totally",
        "tremendously",
        "uber",
        "unbelievably",
        "unusually",
        "utterly",
        "very",
    ],
    _B_INCR,
)
_BOOSTERS.update(
    dict.fromkeys(
        [
            *[
                "almost",
                "barely",
                "hardly",
                "kinda",
                "kindof",
                "kind-of",
                "less",
                "little",
                "marginally",
            ],
            *[
                "occasionally",
                "partly",
                "scarcely",
                "slightly",
                "somewhat",
                "sorta",
                "sortof",
                "sort-of",
            ],
            "just enough",
            "kind of",
            "sort of",
        ],
        _B_DECR,
    )
)
_IDIOMS: dict[str, float] = {
    "the shit": 3,
    "the bomb": 3,
    "bad ass": 1.5,
    "yeah right": -2,
    "cut the mustard": 2,
    "kiss of death": -1.5,
    "hand to mouth": -2,
}
_SO_THIS = ("so", "this")


_NON_SPACE = re.compile(r"\S+")


def _vader_token(token: str) -> str | None:
    """One white-space token as VADER keeps it: ``None`` when shorter than two characters;
    one run of leading or trailing punctuation removed when it is in VADER's list."""
    if len(token) < 2:
        return None
    if token[0] in _PUNCT:
        rest = token.lstrip(_PUNCT)
        if (
            len(rest) > 1
            and token[: len(token) - len(rest)] in _PUNC_LIST
            and _PUNCT_SET.isdisjoint(rest)
        ):
            return rest
    elif token[-1] in _PUNCT:
        head = token.rstrip(_PUNCT)
        if len(head) > 1 and token[len(head) :] in _PUNC_LIST and _PUNCT_SET.isdisjoint(head):
            return head
    return token


class _WordValues(dict[str, "float | None"]):
    """The lexicon valence of each word as written (``None`` when not in the lexicon),
    kept for the next texts (bounded)."""

    limit = 200_000

    def __init__(self, lexicon: dict[str, float]) -> None:
        super().__init__()
        self._lexicon = lexicon

    def __missing__(self, word: str) -> float | None:
        value = self._lexicon.get(word.lower())
        if len(self) < self.limit:
            self[word] = value
        return value


class _TokenCache(dict[str, "str | None"]):
    """:func:`_vader_token` of each token seen, kept for the next texts (bounded)."""

    limit = 200_000

    def __missing__(self, token: str) -> str | None:
        value = _vader_token(token)
        if len(self) < self.limit:
            self[token] = value
        return value


_TOKENS = _TokenCache()


def _negated(word: str) -> bool:
    lower = word.lower()
    return lower in _NEGATE or "n't" in lower


def _scalar(word: str, valence: float, is_cap_diff: bool) -> float:
    """nltk's ``scalar_inc_dec``: the booster effect of *word* on *valence*."""
    scalar = 0.0
    lower = word.lower()
    if lower in _BOOSTERS:
        scalar = _BOOSTERS[lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += _C_INCR
            else:
                scalar -= _C_INCR
    return scalar


class VaderScorer:
    """VADER sentiment that reproduces nltk's ``polarity_scores`` exactly, faster.

    :param lexicon: word to valence, as read from ``vader_lexicon.txt``.
    """

    __slots__ = ("_values", "lexicon")

    def __init__(self, lexicon: Mapping[str, float]) -> None:
        self.lexicon = dict(lexicon)
        self._values = _WordValues(self.lexicon)

    @classmethod
    def from_nltk_resource(cls) -> VaderScorer:
        """Read the lexicon of the ``vadersentiment`` package through nltk's loader."""
        import nltk  # noqa: PLC0415  # deferred: nltk is slow to import

        _nltk_lexicon_folder()
        raw = nltk.data.load(_LEXICON_NAME, format="text")
        lexicon: dict[str, float] = {}
        for line in raw.split("\n"):
            word, measure = line.strip().split("\t")[0:2]
            lexicon[word] = float(measure)
        return cls(lexicon)

    def words(self, text: str) -> list[str]:
        """VADER's tokens: white-space split, one run of edge punctuation removed."""
        return [w for w in map(_TOKENS.__getitem__, text.split()) if w is not None]

    def polarity_scores(self, text: str) -> dict[str, float]:
        """``{"neg", "neu", "pos", "compound"}`` exactly as nltk's analyser returns them."""
        return self.score_words(self.words(text), text)

    def score_words(self, words: list[str], text: str) -> dict[str, float]:
        """Scores of *text* from its :meth:`words`.

        Only words in the lexicon can score, so only they are visited; the rest count
        as neutral, exactly as in nltk (adding a zero leaves a float sum unchanged).
        """
        count = len(words)
        if not count:
            return _score_valence([], 0, text)
        values = list(map(self._values.__getitem__, words))
        hits = [i for i, value in enumerate(values) if value is not None]
        if not hits:
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        lowers = list(map(str.lower, words))
        upper = sum(map(str.isupper, words))
        is_cap_diff = 0 < count - upper < count
        boosters = _BOOSTERS
        first_index: dict[str, int] = {}
        scored: dict[int, float] = {}
        for idx in hits:
            item = words[idx]
            i = first_index.setdefault(item, idx)
            if i != idx:
                # nltk scores a repeated token in the context of its first occurrence.
                scored[idx] = scored[i]
                continue
            lower = lowers[i]
            if lower in boosters or (lower == "kind" and i < count - 1 and lowers[i + 1] == "of"):
                scored[idx] = 0
                continue
            base = values[i]
            assert base is not None
            scored[idx] = self._valence(base, item, i, words, lowers, is_cap_diff)
        if "but" in lowers:
            bi = lowers.index("but")
            for sidx, value in scored.items():
                if sidx < bi:
                    scored[sidx] = value * 0.5
                elif sidx > bi:
                    scored[sidx] = value * 1.5
        nonzero = [value for value in scored.values() if value != 0]
        return _score_valence(nonzero, count - len(nonzero), text)

    def _valence(
        self,
        valence: float,
        item: str,
        i: int,
        words: list[str],
        lowers: list[str],
        is_cap_diff: bool,
    ) -> float:
        lexicon = self.lexicon
        if item.isupper() and is_cap_diff:
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        for start_i in range(3):
            if i > start_i and lowers[i - (start_i + 1)] not in lexicon:
                s = _scalar(words[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = _never_check(valence, words, start_i, i)
                if start_i == 2:
                    valence = _idioms_check(valence, words, i)
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * _N_SCALAR
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * _N_SCALAR
        return valence


def _never_check(valence: float, words: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated(words[i - 1]):
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if words[i - 2] == "never" and words[i - 1] in _SO_THIS:
            valence = valence * 1.5
        elif _negated(words[i - 2]):
            valence = valence * _N_SCALAR
    elif (words[i - 3] == "never" and words[i - 2] in _SO_THIS) or words[i - 1] in _SO_THIS:
        valence = valence * 1.25
    elif _negated(words[i - 3]):
        valence = valence * _N_SCALAR
    return valence


def _idioms_check(valence: float, words: list[str], i: int) -> float:
    onezero = f"{words[i - 1]} {words[i]}"
    twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    twoone = f"{words[i - 2]} {words[i - 1]}"
    threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    threetwo = f"{words[i - 3]} {words[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _IDIOMS:
            valence = _IDIOMS[seq]
            break
    if len(words) - 1 > i:
        zeroone = f"{words[i]} {words[i + 1]}"
        if zeroone in _IDIOMS:
            valence = _IDIOMS[zeroone]
    if len(words) - 1 > i + 1:
        zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in _IDIOMS:
            valence = _IDIOMS[zeroonetwo]
    if threetwo in _BOOSTERS or twoone in _BOOSTERS:
        valence = valence + _B_DECR
    return valence


def _score_valence(sentiments: list[float], neu_count: int, text: str) -> dict[str, float]:
    """nltk's ``score_valence`` from the non-zero valences (in order) and the zeros' count."""
    if not sentiments and not neu_count:
        return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    sum_s = float(sum(sentiments))
    ep_count = min(text.count("!"), 4)
    amplifier: float = ep_count * 0.292
    qm_count = text.count("?")
    if qm_count > 1:
        amplifier += qm_count * 0.18 if qm_count <= 3 else 0.96
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    pos_sum = 0.0
    neg_sum = 0.0
    for score in sentiments:
        if score > 0:
            pos_sum += float(score) + 1
        if score < 0:
            neg_sum += float(score) - 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }


@functools.cache
def vader_scorer() -> VaderScorer:
    """The process-wide :class:`VaderScorer`, loaded on first use."""
    return VaderScorer.from_nltk_resource()


def polarity_scores(text: str) -> dict[str, float]:
    """VADER scores of *text*, equal to nltk's ``polarity_scores``."""
    return vader_scorer().polarity_scores(text)


def _to_sentiment(scores: Mapping[str, float]) -> Sentiment:
    neutral = scores["neu"]
    if scores["pos"] == 0 and scores["neg"] == 0 and neutral == 0:
        neutral = 1.0  # nothing scorable: neutral, not "no proportions at all"
    # built without re-validation, as in _trusted (VADER keeps every value in range)
    record = object.__new__(Sentiment)
    setattr_ = object.__setattr__
    setattr_(record, "compound", scores["compound"])
    setattr_(record, "positive", scores["pos"])
    setattr_(record, "neutral", neutral)
    setattr_(record, "negative", scores["neg"])
    return record


_NEUTRAL = Sentiment(compound=0.0, positive=0.0, neutral=1.0, negative=0.0)


def sentiment(text: str) -> Sentiment:
    """VADER sentiment of *text* (compound in [-1, 1], and the three proportions).

    A text with nothing to score (empty, or only one-character tokens) is neutral.
    """
    if not text.strip():
        return _NEUTRAL
    return _to_sentiment(vader_scorer().polarity_scores(text))


# ------------------------------------------------------------------ sentences and words

_WORD = re.compile(r"\w+(?:['\u2019.\-]\w+)*|[^\w\s]")
_BOUNDARY = re.compile(r"[.?!\u2026]+[\"'\u2019\u201d)\]]*(?=\s|\Z)|(?P<gap>\n[^\S\n]*\n\s*)")
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


def _sentence_bounds(text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:stop]``, trimmed of white space."""
    begin = start
    for match in _BOUNDARY.finditer(text, start, stop):
        end = match.end()
        if match.lastgroup is None:  # terminal punctuation
            after = _NEXT_VISIBLE.match(text, end, stop)
            if after is not None and after.group(1).islower():
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
            yield first, first + len(stripped.rstrip())
        begin = next_begin
    segment = text[begin:stop]
    stripped = segment.lstrip()
    if stripped:
        first = stop - len(stripped)
        yield first, first + len(stripped.rstrip())


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

    @property
    def chunks(self) -> tuple[Span, ...]:
        """The chunks the text is analysed in (one span for a text within the bound)."""
        result: tuple[Span, ...] = self._get(
            "chunks", lambda: chunk_spans(self.text, self.chunk_chars)
        )
        return result

    @property
    def sentences(self) -> tuple[Span, ...]:
        """Spans of the message's sentences."""

        def compute() -> tuple[Span, ...]:
            text = self.text
            return tuple(
                _trusted(Span, start=s, end=e)
                for chunk in self.chunks
                for s, e in _sentence_bounds(text, chunk.start, chunk.end)
            )

        result: tuple[Span, ...] = self._get("sentences", compute)
        return result

    @property
    def word_bounds(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` of each word and punctuation mark (cheaper than :attr:`words`)."""
        result: tuple[tuple[int, int], ...] = self._get("word_bounds", self._word_bounds)
        return result

    def token_bounds(self, indexes: Iterable[int]) -> dict[int, tuple[int, int]]:
        """``(start, end)`` of the tokens at *indexes* (cheaper than :attr:`word_bounds`
        when a check needs the offsets of a few tokens only)."""
        wanted = sorted(set(indexes))
        if "word_bounds" in self._cache or len(wanted) > 16:
            bounds = self.word_bounds
            return {i: bounds[i] for i in wanted}
        found: dict[int, tuple[int, int]] = {}
        matches = _WORD.finditer(self.text)
        position = -1
        for index in wanted:
            match = next(itertools.islice(matches, index - position - 1, None))
            found[index] = match.span()
            position = index
        return found

    def _word_bounds(self) -> tuple[tuple[int, int], ...]:
        return tuple([m.span() for m in _WORD.finditer(self.text)])

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

        def compute() -> str | None:
            lowered = self.text.lower()
            return lowered if len(lowered) == len(self.text) else None

        result: str | None = self._get("lowered", compute)
        return result

    @property
    def tokens(self) -> tuple[str, ...]:
        """The text of each of :attr:`words`, in lower case (curly apostrophes made straight)."""

        def compute() -> tuple[str, ...]:
            return tuple(map(str.lower, _WORD.findall(self.text.replace("\u2019", "'"))))

        result: tuple[str, ...] = self._get("tokens", compute)
        return result

    @property
    def vocabulary(self) -> frozenset[str]:
        """The set of :attr:`tokens`."""
        result: frozenset[str] = self._get("vocabulary", lambda: frozenset(self.tokens))
        return result

    def positions(self, token: str) -> list[int]:
        """Indexes into :attr:`tokens` where *token* (lower case) occurs, in order."""
        index: dict[str, list[int]] | None = self._cache.get("positions")
        if index is None:
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

        def compute() -> Sentiment:
            chunks = self.chunks
            if len(chunks) == 1:
                return sentiment(self.text)
            return _weighted([(c.end - c.start, sentiment(self.slice(c))) for c in chunks])

        result: Sentiment = self._get("sentiment", compute)
        return result

    @property
    def sentence_scores(self) -> tuple[SentenceScore, ...]:
        """Each sentence's span and sentiment."""
        result: tuple[SentenceScore, ...] = self._get("sentence_scores", self._score_sentences)
        return result

    def _score_sentences(self) -> tuple[SentenceScore, ...]:
        text = self.text
        sentences = self.sentences
        if len(self.chunks) == 1 and sentences:
            scores = self._score_sentences_shared(text, sentences)
            if scores is not None:
                return scores
        return tuple(
            _trusted(SentenceScore, span=span, sentiment=sentiment(self.slice(span)))
            for span in sentences
        )

    def _score_sentences_shared(
        self, text: str, sentences: tuple[Span, ...]
    ) -> tuple[SentenceScore, ...] | None:
        """Sentence scores (and the message's) from one tokenisation of the whole text.

        Sentences end at white space and only white space lies between them, so each
        sentence's VADER tokens are a run of the text's.
        """
        scorer = vader_scorer()
        raw = text.split()
        tokens = list(map(_TOKENS.__getitem__, raw))
        scores = []
        at = 0
        for span in sentences:
            part = text[span.start : span.end]
            size = len(part.split())
            words = [w for w in tokens[at : at + size] if w is not None]
            at += size
            value = _to_sentiment(scorer.score_words(words, part))
            scores.append(_trusted(SentenceScore, span=span, sentiment=value))
        if at != len(raw):
            return None  # not a partition of the text's tokens: score each sentence alone
        if "sentiment" not in self._cache:
            words = [w for w in tokens if w is not None]
            self._cache["sentiment"] = _to_sentiment(scorer.score_words(words, text))
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
            overall = self.sentiment.compound
            sentences = self.sentence_scores
            if len(sentences) < 2:
                return overall
            return min(overall, *(s.sentiment.compound for s in sentences))

        result: float = self._get("mood", compute)
        return result

    def slice(self, span: Span) -> str:
        """The text of *span*."""
        return self.text[span.start : span.end]


#: Texts longer than this are analysed afresh each time rather than kept in the cache.
_CACHED_TEXT_LIMIT = 20_000


@functools.lru_cache(maxsize=4096)
def _cached_message(text: str) -> Message:
    return Message(text)


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
    return _cached_message(text)
