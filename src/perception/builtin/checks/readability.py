"""The ``readability`` check: long sentences and hard-to-read messages.

A sentence longer than ``max_sentence_words`` words is a finding; so is a message of at
least ``min_words`` words whose Flesch (1948) reading ease is below ``min_reading_ease``.
The suggestion names up to three plainer words from ``perception/data/plain_words.csv``
(plainlanguage.gov); with ``plain_words`` on, each such word is a finding of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

import attrs

from perception._vader import WordCache
from perception.builtin._match import PhraseIndex, finding, phrase_index, replacement, span
from perception.builtin.checks.language import reads
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.options import at_least, between, option
from perception.outcome import Finding, Severity
from perception.text import Message

__all__ = [
    "ReadabilityCheck",
    "flesch_reading_ease",
    "perception_register_checks",
    "syllables",
]

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_ALPHA_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
#: The same for ASCII text (the same classes on ASCII characters, a third faster).
_ALPHA_WORD_ASCII = re.compile(r"[a-zA-Z][\w'-]*", re.ASCII)


def _count_syllables(word: str) -> int:
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


#: The syllables of each word seen lately (two generations of at most 32,768 words of up
#: to 40 characters, which every English word is).
_SYLLABLES = WordCache(_count_syllables, 32_768)


def syllables(word: str) -> int:
    """Estimated syllables of an English *word* (vowel groups, silent final ``e``)."""
    return _SYLLABLES[word]


def _total_syllables(words: list[str]) -> int:
    """The syllables of *words*: :func:`syllables` summed, at C speed."""
    return sum(map(_SYLLABLES.__getitem__, words))


def _counts(sentence: str) -> tuple[int, int]:
    """The words of *sentence* (runs of letters, digits, apostrophes and hyphens that start
    with a letter) and their syllables."""
    words = (_ALPHA_WORD_ASCII if sentence.isascii() else _ALPHA_WORD).findall(sentence)
    return len(words), _total_syllables(words)


#: Sentences longer than this are counted afresh rather than kept.
_CACHED_SENTENCE_CHARS = 300
_cached_counts = functools.lru_cache(maxsize=8192)(_counts)


def _sentence_counts(sentence: str) -> tuple[int, int]:
    """:func:`_counts` of *sentence*, kept for the sentences of up to 300 characters that
    messages repeat (greetings, closings, a team's stock phrases); bounded by count and
    by size."""
    if len(sentence) > _CACHED_SENTENCE_CHARS:
        return _counts(sentence)
    return _cached_counts(sentence)


def flesch_reading_ease(words: int, sentences: int, syllable_count: int) -> float:
    """Flesch (1948) reading ease: 206.835 - 1.015 words/sentence - 84.6 syllables/word."""
    if words <= 0 or sentences <= 0:
        return 100.0
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllable_count / words)


def _plain_words() -> PhraseIndex:
    return phrase_index("plain_words.csv", "term", "plain")


def _most_words(message: Message) -> int:
    """At most how many words (:func:`_counts`) *message* holds, all its sentences together.

    *n* words take at least ``2n - 1`` characters (a word starts with a letter and runs
    over every letter, digit, apostrophe and hyphen after it, so two words have another
    character between them).  And each word starts with the first letter of such a run,
    which lies in one of the message's tokens (runs of word characters, joined by apostrophes,
    hyphens and periods); a token holds the start of one run, or of one more for each period it
    joins over ("e.g"): at most as many words as tokens and periods.  (A text of several
    chunks is left to the first bound: a chunk may end inside a run of letters.)
    """
    text = message.text
    most = (len(text) + 1) // 2
    if len(message.chunks) > 1:
        return most
    return min(most, len(message.tokens) + text.count("."))


def _too_short(message: Message, opts: ReadabilityCheck.Options) -> bool:
    """Whether *message* is too short to hold a sentence of more than
    ``max_sentence_words`` words or the ``min_words`` words that reading ease is scored
    from (see :func:`_most_words`)."""
    longest = _most_words(message)
    return longest <= opts.max_sentence_words and longest < opts.min_words


class ReadabilityCheck:
    """Sentences that are too long and messages that are hard to read."""

    name = "readability"
    description = "Sentences that are too long, and messages with a low Flesch reading ease."

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.readability]``."""

        max_sentence_words: int = option(30, "longest sentence, in words", validator=at_least(1))
        min_reading_ease: float = option(
            50.0,
            "lowest Flesch reading ease for a message (50 reads like a quality newspaper; "
            "60-70 is plain English)",
            validator=between(-1000, 207),
        )
        min_words: int = option(
            40,
            "shorter messages are not scored for reading ease (the formula is unstable on "
            "a few words)",
            validator=at_least(0),
        )
        plain_words: bool = option(False, "flag every word with a plainer alternative")

    def applies(self, message: Message, ctx: CheckContext[ReadabilityCheck.Options]) -> bool:
        """Whether the message is in a language the check reads (see ``language``)."""
        return reads(message)

    def check(
        self, message: Message, ctx: CheckContext[ReadabilityCheck.Options]
    ) -> Iterator[Finding]:
        """A finding per long sentence; one for the message when its reading ease is low."""
        if not message.text.strip():
            return
        opts = ctx.options
        if not opts.plain_words and _too_short(message, opts):
            return
        long_sentences, totals = self._measure(message, opts.max_sentence_words)
        yield from long_sentences
        if opts.plain_words:
            for where, phrase in _plain_words().find(message):
                yield finding(
                    check=self.name,
                    severity=Severity.INFO,
                    span=where,
                    message=f"'{message.slice(where)}' has a simpler alternative.",
                    suggestion=f"Consider: {phrase.suggestion}.",
                    fix=(replacement(message, where, phrase.suggestion), False),
                )
        words, syllable_count, sentences = totals
        if words < opts.min_words:
            return
        ease = flesch_reading_ease(words, sentences, syllable_count)
        if ease < opts.min_reading_ease:
            yield self._hard_to_read(message, ease, opts.min_reading_ease, words / sentences)

    def _measure(
        self, message: Message, max_words: int
    ) -> tuple[list[Finding], tuple[int, int, int]]:
        """Findings for the long sentences, and the words, syllables and sentences."""
        findings: list[Finding] = []
        total_words = total_syllables = sentences = 0
        text = message.text
        for where in message.sentences:
            count, syllable_count = _sentence_counts(text[where.start : where.end])
            if not count:
                continue
            sentences += 1
            total_words += count
            total_syllables += syllable_count
            if count > max_words:
                findings.append(
                    finding(
                        check=self.name,
                        severity=Severity.INFO,
                        span=where,
                        message=f"This sentence has {count} words (more than {max_words}).",
                        suggestion="Split it into shorter sentences, one idea each.",
                    )
                )
        return findings, (total_words, total_syllables, sentences)

    def _hard_to_read(
        self, message: Message, ease: float, minimum: float, per_sentence: float
    ) -> Finding:
        plain = list(_plain_words().find(message))  # only for the suggestion
        swaps = "; ".join(
            f"'{message.slice(s)}' -> '{p.suggestion}'"
            for s, p in list({p.text: (s, p) for s, p in plain}.values())[:3]
        )
        suggestion = "Use shorter sentences and everyday words"
        suggestion += f", for example {swaps}." if swaps else "."
        return finding(
            check=self.name,
            severity=Severity.INFO,
            span=span(start=0, end=len(message.text)),
            message=f"The message is hard to read (Flesch reading ease {ease:.0f}, "
            f"below {minimum:.0f}; {per_sentence:.0f} words a sentence).",
            suggestion=suggestion,
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``readability`` check."""
    register(ReadabilityCheck())
