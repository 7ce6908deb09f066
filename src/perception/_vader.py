"""VADER sentiment, re-implemented for speed, fully offline (private).

:class:`VaderScorer` is a re-implementation of nltk's
``SentimentIntensityAnalyzer.polarity_scores`` (Hutto & Gilbert 2014) that reads the same
lexicon, applies the same rules in the same order and returns the same numbers (the test
suite compares the two on random text and on the VADER gold sets), but avoids the
per-call work that makes nltk's version slow (nltk builds a dictionary of every word
joined to every punctuation mark for each text).  The lexicon is read from the installed
``vadersentiment`` package's file (:meth:`VaderScorer.from_lexicon_file`), parsed as
nltk parses it, without importing nltk (nltk is used only by :func:`nltk_analyzer` and
:meth:`VaderScorer.from_nltk_resource`, the reference); nothing is downloaded.  The
public names are re-exported by :mod:`perception.text`.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import string
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from perception.outcome import Sentiment

T = TypeVar("T")

__all__ = [
    "CACHED_TOKEN_CHARS",
    "NEUTRAL",
    "TOKENS",
    "Read",
    "VaderScorer",
    "WordCache",
    "kept_words",
    "lexicon_path",
    "nltk_analyzer",
    "polarity_scores",
    "sentiment",
    "to_sentiment",
    "vader_scorer",
]

_LEXICON_NAME = "vader_lexicon.txt"


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
#: The last word of each idiom and of each booster of several words: an idiom or such a
#: booster around a word ends with one of these, so without them there is none to check.
_IDIOM_ENDS = frozenset(key.rsplit(" ", 1)[1] for key in (*_IDIOMS, *_BOOSTERS) if " " in key)


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


#: Tokens longer than this are looked up afresh rather than kept: no lexicon word is
#: this long, and caching long tokens would bound the caches by count, not by size.
CACHED_TOKEN_CHARS = 40


#: How many distinct words (and tokens) each generation of a cache keeps (a cache holds
#: at most two generations).  On the 928,178 whitespace tokens of the public review, tweet
#: and support texts in the shared data (72,829 distinct), read in a row, two generations
#: of 25,000 answer 91.2% of the look-ups, against 92.2% for an unbounded cache and 90.6%
#: for a cache that kept the first 50,000 words it saw; and a cache keeps following the
#: vocabulary of the texts it reads, so that a long-running process is not left with the
#: words of its first hours.
CACHE_WORDS = 25_000


#: What :meth:`WordCache.__missing__` finds in the older generation for a key not there.
_ABSENT: Any = object()


class WordCache(dict[str, T]):
    """The value of each key seen lately, computed by *compute* and kept for the next
    texts.  A hit is a plain dictionary look-up, at C speed.  Keys of up to
    :data:`CACHED_TOKEN_CHARS` characters are kept in two generations of at most *limit*
    keys each: when the current one is full, it becomes the older one (the older one is
    dropped) and a new one starts; a key found in the older generation is copied into the
    current one.  Memory is bounded, and the words still in use stay."""

    __slots__ = ("_compute", "_limit", "_older")

    def __init__(self, compute: Callable[[str], T], limit: int = CACHE_WORDS) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit
        self._older: dict[str, T] = {}

    def __missing__(self, key: str) -> T:
        found = self._older.get(key, _ABSENT)
        value: T = self._compute(key) if found is _ABSENT else found
        if len(key) <= CACHED_TOKEN_CHARS:
            if len(self) >= self._limit:
                self._older = {}  # dropped first: never three generations at once
                self._older = dict(self)
                self.clear()
            self[key] = value
        return value


def kept_words(split: list[str]) -> list[str]:
    """VADER's tokens of a text split at white space: one run of edge punctuation removed
    from each, and those it does not keep dropped."""
    # a kept token is never empty (two characters at least), so filter(None) drops
    # exactly the tokens VADER does not keep, at C speed
    return list(filter(None, map(TOKENS.__getitem__, split)))


#: :func:`_vader_token` of each token seen.
TOKENS: WordCache[str | None] = WordCache(_vader_token)

#: The words that take part in VADER's rules about the words around a word, in lower case:
#: boosters, negations, "never", "so" and "this", "least", "kind" (of), the last word of
#: each idiom and the first word of each booster of several words (an idiom, or such a
#: booster before a word, is matched only where they are).  A word with none of them among
#: the three words before it, itself and the two after it keeps its lexicon valence
#: (changed only by capitals).
_CONTEXT_WORDS = frozenset(
    [
        *_BOOSTERS,
        *_NEGATE,
        *_SO_THIS,
        "never",
        "least",
        "kind",
        *(key.rsplit(" ", 1)[1] for key in _IDIOMS),
        *(key.split(" ", 1)[0] for key in _BOOSTERS if " " in key),
    ]
)


def _in_context_rules(word: str) -> bool:
    """Whether *word* (as written) can change the valence of a word near it, or its own
    (a booster, "kind" of): the lower-case word is one of :data:`_CONTEXT_WORDS` or holds
    "n't"."""
    lower = word.lower()
    return lower in _CONTEXT_WORDS or "n't" in lower


#: :func:`_in_context_rules` of each word seen.
CONTEXT: WordCache[bool] = WordCache(_in_context_rules)
#: "but" in every mix of cases (VADER's "but" rule is case-blind).
_BUTS = frozenset("".join(letters) for letters in itertools.product("bB", "uU", "tT"))


def _capitals(valence: float | None, word: str, is_cap_diff: bool) -> float:
    """The lexicon *valence* of *word* with VADER's capitals rule, for a word that no word
    near it changes (see :data:`CONTEXT`)."""
    assert valence is not None
    if is_cap_diff and word.isupper():
        return valence + _C_INCR if valence > 0 else valence - _C_INCR
    return valence


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


def _but(lowers: list[str]) -> int:
    """The index of the first "but" in *lowers*, -1 when there is none."""
    return lowers.index("but") if "but" in lowers else -1


class Read:
    """What VADER's rules make of the words of a text, before the text's "but" and its
    punctuation are taken into account.

    :param words: the text's VADER words (:meth:`VaderScorer.words`).
    :param scored: the index of each word in the lexicon, in order, and its valence in
        context (zero for a booster).
    :param but: the index of the first "but" (in any case), -1 when there is none.
    :param cap_diff: whether some words but not all are in capitals.
    :param upper: how many words are in capitals.
    """

    __slots__ = ("but", "cap_diff", "scored", "upper", "words")

    def __init__(
        self, words: list[str], scored: dict[int, float], but: int, *, cap_diff: bool, upper: int
    ) -> None:
        self.words = words
        self.scored = scored
        self.but = but
        self.cap_diff = cap_diff
        self.upper = upper

    def figures(self, text: str) -> tuple[float, float, float, float]:
        """nltk's ``polarity_scores`` of *text*, whose words these are, as
        ``(neg, neu, pos, compound)``."""
        scored = self.scored
        if not scored:
            return _NO_WORDS if not self.words else _NO_VALENCE
        values: Iterable[float] = scored.values()
        bi = self.but
        if bi >= 0:
            values = [
                value * 0.5 if at < bi else value * 1.5 if at > bi else value
                for at, value in scored.items()
            ]
        nonzero = [value for value in values if value != 0]
        return _figures(nonzero, len(self.words) - len(nonzero), text)

    def scores(self, text: str) -> dict[str, float]:
        """nltk's ``polarity_scores`` of *text*, whose words these are."""
        neg, neu, pos, compound = self.figures(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def sentiment(self, text: str) -> Sentiment:
        """:func:`to_sentiment` of :meth:`scores`, without the dictionary between them."""
        neg, neu, pos, compound = self.figures(text)
        return _sentiment(compound, pos, neu, neg)


class VaderScorer:
    """VADER sentiment that reproduces nltk's ``polarity_scores`` exactly, faster.

    :param lexicon: word to valence, as read from ``vader_lexicon.txt``.
    """

    __slots__ = ("_values", "lexicon")

    def __init__(self, lexicon: Mapping[str, float]) -> None:
        self.lexicon = dict(lexicon)
        lexicon = self.lexicon
        #: the lexicon valence of each word as written (``None`` when not in the lexicon)
        self._values: WordCache[float | None] = WordCache(lambda word: lexicon.get(word.lower()))

    @classmethod
    def from_lexicon_file(cls, path: str | Path | None = None) -> VaderScorer:
        """Read a VADER lexicon file (by default the ``vadersentiment`` package's,
        :func:`lexicon_path`) as nltk's analyser reads it: one word per line, its mean
        valence in the second tab-separated field.

        The file is read directly, not through nltk's resource loader: importing nltk
        (which imports numpy, scipy and scikit-learn when they are installed) would cost
        every process that checks a message 0.15-1.3 s and 19-180 MiB more (measured by
        ``benchmarks/import_time.py``), for one text file.  The entries are the same (a
        test compares them with nltk's analyser's).
        """
        raw = Path(path if path is not None else lexicon_path()).read_text(encoding="utf-8")
        return cls(_lexicon_entries(raw))

    @classmethod
    def from_nltk_resource(cls) -> VaderScorer:
        """The same lexicon as :meth:`from_lexicon_file`, read through nltk's resource
        loader (kept for callers of earlier versions; it imports nltk)."""
        import nltk  # noqa: PLC0415  # deferred: nltk is slow to import

        _nltk_lexicon_folder()
        return cls(_lexicon_entries(nltk.data.load(_LEXICON_NAME, format="text")))

    def words(self, text: str) -> list[str]:
        """VADER's tokens: white-space split, one run of edge punctuation removed."""
        return kept_words(text.split())

    def polarity_scores(self, text: str) -> dict[str, float]:
        """``{"neg", "neu", "pos", "compound"}`` exactly as nltk's analyser returns them."""
        return self.score_words(self.words(text), text)

    def valences(self, words: list[str]) -> list[float | None]:
        """The lexicon valence of each of *words* (``None`` when not in the lexicon)."""
        return list(map(self._values.__getitem__, words))

    def valence(self, word: str) -> float | None:
        """The lexicon valence of *word* as written (``None`` when not in the lexicon)."""
        return self._values[word]

    def score_words(
        self, words: list[str], text: str, values: list[float | None] | None = None
    ) -> dict[str, float]:
        """Scores of *text* from its :meth:`words` (and their :meth:`valences`, when known).

        Only words in the lexicon can score, so only they are visited; the rest count
        as neutral, exactly as in nltk (adding a zero leaves a float sum unchanged).
        """
        return self.read(words, values).scores(text)

    def read(self, words: list[str], values: list[float | None] | None = None) -> Read:
        """What VADER's rules make of each of *words* in the lexicon (see :class:`Read`)."""
        count = len(words)
        if not count:
            return Read(words, {}, -1, cap_diff=False, upper=0)
        if values is None:
            values = list(map(self._values.__getitem__, words))
        hits = [i for i, value in enumerate(values) if value is not None]
        upper = sum(map(str.isupper, words))  # kept: read_joined adds the parts' up
        if not hits:
            return Read(words, {}, -1, cap_diff=False, upper=upper)
        is_cap_diff = 0 < count - upper < count
        context = list(map(CONTEXT.__getitem__, words))
        if True not in context and _BUTS.isdisjoint(words):
            # no word changes another's valence, and no "but": each keeps its own
            scored = {i: _capitals(values[i], words[i], is_cap_diff) for i in hits}
            return Read(words, scored, -1, cap_diff=is_cap_diff, upper=upper)
        lowers = list(map(str.lower, words))
        first_index: dict[str, int] = {}
        scored = {}
        for idx in hits:
            i = first_index.setdefault(words[idx], idx)
            if i != idx:
                # nltk scores a repeated token in the context of its first occurrence.
                scored[idx] = scored[i]
            else:
                scored[idx] = self._in_context(values[i], i, words, lowers, context, is_cap_diff)
        return Read(words, scored, _but(lowers), cap_diff=is_cap_diff, upper=upper)

    def read_joined(self, parts: list[Read]) -> Read:
        """The :meth:`read` of the words of *parts* one after another, from the parts.

        A word's valence depends on the three words before it and, for idioms, the two
        after it, and on whether the text mixes capitals with other words: a word with
        three words before it and two after it in its part, in a part that mixes
        capitals as the whole does (or has no capitals), is valued as in its part; the
        others are valued again in the whole.
        """
        words: list[str] = []
        for part in parts:
            words += part.words
        upper = sum(part.upper for part in parts)
        if not any(part.scored for part in parts):
            return Read(words, {}, -1, cap_diff=False, upper=upper)
        count = len(words)
        is_cap_diff = 0 < count - upper < count
        lowers = [] if _BUTS.isdisjoint(words) else list(map(str.lower, words))
        first_index: dict[str, int] = {}
        scored: dict[int, float] = {}
        offset = 0
        for part in parts:
            inner = len(part.words) - 2
            same = part.cap_diff == is_cap_diff or not part.upper
            for at, value in part.scored.items():
                idx = offset + at
                i = first_index.setdefault(words[idx], idx)
                if i != idx:
                    scored[idx] = scored[i]  # as in read: the first occurrence's value
                elif same and 2 < at < inner:
                    scored[idx] = value
                else:
                    scored[idx] = self._near(idx, words, is_cap_diff)
            offset += len(part.words)
        return Read(words, scored, _but(lowers), cap_diff=is_cap_diff, upper=upper)

    def _near(self, i: int, words: list[str], is_cap_diff: bool) -> float:
        """The valence of ``words[i]`` (a word in the lexicon) in its context, from the
        words around it alone: the three before it and the two after it are all that
        VADER's rules look at, so only they are lower-cased."""
        start = i - 3 if i > 3 else 0
        near = words[start : i + 3]
        base = self._values[words[i]]
        if True not in map(CONTEXT.__getitem__, near):
            return _capitals(base, words[i], is_cap_diff)
        return self._word_at(base, i - start, near, list(map(str.lower, near)), is_cap_diff)

    def _in_context(
        self,
        base: float | None,
        i: int,
        words: list[str],
        lowers: list[str],
        context: list[bool],
        is_cap_diff: bool,
    ) -> float:
        """The valence of ``words[i]`` (lexicon valence *base*) in its context: as
        :meth:`_word_at` values it, or by the capitals rule alone when none of the three
        words before it, itself and the two after it is in :data:`CONTEXT`."""
        if True in context[i - 3 if i > 3 else 0 : i + 3]:
            return self._word_at(base, i, words, lowers, is_cap_diff)
        return _capitals(base, words[i], is_cap_diff)

    def _word_at(
        self, base: float | None, i: int, words: list[str], lowers: list[str], is_cap_diff: bool
    ) -> float:
        """The valence of ``words[i]`` (lexicon valence *base*, not ``None``) in its context."""
        assert base is not None
        lower = lowers[i]
        if lower in _BOOSTERS or (lower == "kind" and i < len(words) - 1 and lowers[i + 1] == "of"):
            return 0
        return self._valence(base, words[i], i, words, lowers, is_cap_diff)

    def _valence(
        self,
        valence: float,
        item: str,
        i: int,
        words: list[str],
        lowers: list[str],
        is_cap_diff: bool,
    ) -> float:
        """nltk's ``sentiment_valence`` after the lexicon look-up: capitals, the three
        words before (boosters, negations, idioms) and "least".  nltk's loop over the
        three words is written out, and a word that is no booster adds nothing."""
        lexicon = self.lexicon
        if item.isupper() and is_cap_diff:
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        if i > 0 and lowers[i - 1] not in lexicon:
            if lowers[i - 1] in _BOOSTERS:
                valence = valence + _scalar(words[i - 1], valence, is_cap_diff)
            if lowers[i - 1] in _NEGATE or "n't" in lowers[i - 1]:
                valence = valence * _N_SCALAR
        if i > 1 and lowers[i - 2] not in lexicon:
            if lowers[i - 2] in _BOOSTERS:
                valence = valence + _scalar(words[i - 2], valence, is_cap_diff) * 0.95
            if words[i - 2] == "never" and words[i - 1] in _SO_THIS:
                valence = valence * 1.5
            elif lowers[i - 2] in _NEGATE or "n't" in lowers[i - 2]:
                valence = valence * _N_SCALAR
        return _third_before(valence, i, words, lowers, lexicon, is_cap_diff)


def _third_before(
    valence: float,
    i: int,
    words: list[str],
    lowers: list[str],
    lexicon: dict[str, float],
    is_cap_diff: bool,
) -> float:
    """The rest of :meth:`VaderScorer._valence`: the third word before, idioms, "least"."""
    if i > 2 and lowers[i - 3] not in lexicon:
        if lowers[i - 3] in _BOOSTERS:
            valence = valence + _scalar(words[i - 3], valence, is_cap_diff) * 0.9
        if (words[i - 3] == "never" and words[i - 2] in _SO_THIS) or words[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif lowers[i - 3] in _NEGATE or "n't" in lowers[i - 3]:
            valence = valence * _N_SCALAR
        if not _IDIOM_ENDS.isdisjoint(words[i - 2 : i + 3]):
            valence = _idioms_check(valence, words, i)
    if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
        if lowers[i - 2] != "at" and lowers[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
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


#: The figures of a text with no words, and of words none of which has a valence.
_NO_WORDS = (0.0, 0.0, 0.0, 0.0)
_NO_VALENCE = (0.0, 1.0, 0.0, 0.0)


def _figures(
    sentiments: list[float], neu_count: int, text: str
) -> tuple[float, float, float, float]:
    """nltk's ``score_valence`` from the non-zero valences (in order) and the zeros' count,
    as ``(neg, neu, pos, compound)``."""
    if not sentiments and not neu_count:
        return _NO_WORDS
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
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )


def _lexicon_entries(raw: str) -> dict[str, float]:
    """The entries of a VADER lexicon file's text, parsed as nltk's analyser parses it."""
    lexicon: dict[str, float] = {}
    for line in raw.split("\n"):
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon


@functools.cache
def vader_scorer() -> VaderScorer:
    """The process-wide :class:`VaderScorer`, loaded on first use."""
    return VaderScorer.from_lexicon_file()


def polarity_scores(text: str) -> dict[str, float]:
    """VADER scores of *text*, equal to nltk's ``polarity_scores``."""
    return vader_scorer().polarity_scores(text)


def to_sentiment(scores: Mapping[str, float]) -> Sentiment:
    return _sentiment(scores["compound"], scores["pos"], scores["neu"], scores["neg"])


def _sentiment(compound: float, positive: float, neutral: float, negative: float) -> Sentiment:
    if positive == 0 and negative == 0 and neutral == 0:
        neutral = 1.0  # nothing scorable: neutral, not "no proportions at all"
    # built without re-validation, as in _trusted (VADER keeps every value in range)
    record = object.__new__(Sentiment)
    setattr_ = object.__setattr__
    setattr_(record, "compound", compound)
    setattr_(record, "positive", positive)
    setattr_(record, "neutral", neutral)
    setattr_(record, "negative", negative)
    return record


NEUTRAL = Sentiment(compound=0.0, positive=0.0, neutral=1.0, negative=0.0)


def sentiment(text: str) -> Sentiment:
    """VADER sentiment of *text* (compound in [-1, 1], and the three proportions).

    A text with nothing to score (empty, or only one-character tokens) is neutral.
    """
    if not text.strip():
        return NEUTRAL
    return to_sentiment(vader_scorer().polarity_scores(text))
