"""Text analysis, fully offline: sentences, words and sentiment with nltk.

nltk is imported on first use, never at ``import perception``.  The VADER lexicon is read
from the installed ``vadersentiment`` package through nltk's resource loader (its folder
is added to ``nltk.data.path``); nothing is ever downloaded.

:class:`Message` wraps a text and computes each analysis once, on demand, so that every
check looking at the same message shares the work.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perception.outcome import SentenceScore, Sentiment, Span

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "Message",
    "lexicon_path",
    "sentence_spans",
    "sentiment",
    "word_spans",
]

_LEXICON_NAME = "vader_lexicon.txt"


def lexicon_path() -> Path:
    """Path of the VADER lexicon file shipped by the ``vadersentiment`` package."""
    import vaderSentiment  # noqa: PLC0415  # deferred: only needed for sentiment

    return Path(vaderSentiment.__file__).with_name(_LEXICON_NAME)


@functools.cache
def _analyzer() -> Any:
    import nltk  # noqa: PLC0415  # deferred: nltk is slow to import
    from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: PLC0415

    folder = str(lexicon_path().parent)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file=_LEXICON_NAME)


@functools.cache
def _sentence_tokenizer() -> Any:
    from nltk.tokenize.punkt import PunktSentenceTokenizer  # noqa: PLC0415

    return PunktSentenceTokenizer()


@functools.cache
def _word_tokenizer() -> Any:
    from nltk.tokenize import TreebankWordTokenizer  # noqa: PLC0415

    return TreebankWordTokenizer()


def sentiment(text: str) -> Sentiment:
    """VADER sentiment of *text* (compound in [-1, 1], and the three proportions)."""
    if not text.strip():
        return Sentiment(compound=0.0, positive=0.0, neutral=1.0, negative=0.0)
    scores = _analyzer().polarity_scores(text)
    return Sentiment(
        compound=float(scores["compound"]),
        positive=float(scores["pos"]),
        neutral=float(scores["neu"]),
        negative=float(scores["neg"]),
    )


def sentence_spans(text: str) -> tuple[Span, ...]:
    """Spans of the sentences of *text* (nltk's untrained Punkt tokenizer)."""
    if not text.strip():
        return ()
    return tuple(Span(start=s, end=e) for s, e in _sentence_tokenizer().span_tokenize(text))


def word_spans(text: str) -> tuple[Span, ...]:
    """Spans of the words and punctuation of *text* (nltk's Treebank tokenizer)."""
    if not text.strip():
        return ()
    try:
        spans = _word_tokenizer().span_tokenize(text)
        return tuple(Span(start=s, end=e) for s, e in spans)
    except ValueError:
        # The Treebank tokenizer rewrites quotes and cannot always align its tokens
        # with the original text; fall back to whitespace-separated words.
        return _whitespace_spans(text)


def _whitespace_spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    start = None
    for index, char in enumerate(text):
        if char.isspace():
            if start is not None:
                spans.append(Span(start=start, end=index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        spans.append(Span(start=start, end=len(text)))
    return tuple(spans)


class Message:
    """A message under analysis; each analysis is computed once, when first asked for.

    Checks receive a ``Message``; use its properties rather than re-tokenising the text.
    """

    __slots__ = ("_cache", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            msg = f"message text must be a string, not {type(text).__name__}"
            raise TypeError(msg)
        self.text = text
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
    def sentences(self) -> tuple[Span, ...]:
        """Spans of the message's sentences."""
        result: tuple[Span, ...] = self._get("sentences", lambda: sentence_spans(self.text))
        return result

    @property
    def words(self) -> tuple[Span, ...]:
        """Spans of the message's words and punctuation."""
        result: tuple[Span, ...] = self._get("words", lambda: word_spans(self.text))
        return result

    @property
    def sentiment(self) -> Sentiment:
        """Sentiment of the whole message."""
        result: Sentiment = self._get("sentiment", lambda: sentiment(self.text))
        return result

    @property
    def sentence_scores(self) -> tuple[SentenceScore, ...]:
        """Each sentence's span and sentiment."""

        def compute() -> tuple[SentenceScore, ...]:
            return tuple(
                SentenceScore(span=span, sentiment=sentiment(self.text[span.start : span.end]))
                for span in self.sentences
            )

        result: tuple[SentenceScore, ...] = self._get("sentence_scores", compute)
        return result

    def slice(self, span: Span) -> str:
        """The text of *span*."""
        return self.text[span.start : span.end]
