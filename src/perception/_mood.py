"""Inbound messages read as a support team reads them (private; see :mod:`perception.text`).

VADER scores words of general English.  A customer's message to a support team says
more, and less, than its words' valence: "still waiting", "charged twice" and "no
reply" carry no valence in VADER and are the heart of a complaint; "No problem at all,
and no complaints" is praise that VADER reads as negative; "Great, another outage." is
sarcasm it reads as positive; "Could you please help me reset my password?" is a neutral
request it reads as positive; "No, that is all, thank you" is a polite closing.

:func:`customer_mood` scores each sentence with VADER, then adjusts it with cues written
for this project (``perception/data/customer_cues.csv``: service failures, reassurances,
reliable sarcasm markers) and with a few rules (sarcastic interjections, neutral
requests, polite closings); the message's label comes from the adjusted sentences.  Each
cue is kept with its span, so that whatever reads the mood can name the words that show
it.  A message in a language other than English is reported as unsupported, never scored.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import TYPE_CHECKING

import attrs

from perception._language import Language, language
from perception._mood_model import MoodModel, load_model, predict
from perception._vader import vader_scorer
from perception.outcome import Span

if TYPE_CHECKING:
    from perception.text import Message

__all__ = ["Cue", "CustomerMood", "customer_mood_of"]

_WORD = re.compile(r"\w+(?:['\u2019.\-]\w+)*|[^\w\s]")
#: The sign of each label that has one (a neutral label has none).
_SIGN = {"negative": -1, "positive": 1}


@attrs.frozen
class Cue:
    """Words that show how the customer feels.

    Attributes:
        kind: ``failure`` (a service failure: "still waiting", "charged twice"),
            ``reassurance`` ("no problem"), ``sarcasm``, ``negative`` or ``positive``
            (a word of the VADER lexicon), ``request`` (a neutral request),
            ``closing`` (a polite closing) or ``learned`` (a word or pair of words the
            trained model weighs towards the label).
        text: the words as written.
        span: where they are in the message.
        valence: their weight, on VADER's scale (-4 to 4; 0 for requests and closings);
            for ``learned``, the log-odds the words add to the label, signed as it.
    """

    kind: str
    text: str
    span: Span
    valence: float


@attrs.frozen
class CustomerMood:
    """How an inbound message reads to a support team.

    Attributes:
        label: ``negative``, ``neutral``, ``positive``, or ``unsupported`` when the
            message is in a language the checks do not read.
        score: from -1 (very unhappy) to 1 (very happy); 0 when unsupported.
        language: the language the message was read as.
        cues: the words that drove the label, most telling first.
    """

    label: str
    score: float
    language: Language
    cues: tuple[Cue, ...] = ()

    @property
    def supported(self) -> bool:
        """Whether the message is in a language the checks read."""
        return self.label != "unsupported"

    @property
    def unhappy(self) -> bool:
        """Whether the customer reads as unhappy (the label is negative)."""
        return self.label == "negative"

    @property
    def complaint(self) -> bool:
        """Whether the message names a service failure or is sarcastic about one."""
        return self.unhappy and any(c.kind in {"failure", "sarcasm"} for c in self.cues)

    @property
    def distressed(self) -> bool:
        """Whether the message is strongly negative (score at or below -0.6)."""
        return self.unhappy and self.score <= -0.6

    def words(self, limit: int = 5) -> tuple[str, ...]:
        """The words that show the mood (those of the cues that agree with the label)."""
        sign = _SIGN.get(self.label, 0)
        agreeing = [c.text for c in self.cues if c.valence * sign > 0]
        return tuple(dict.fromkeys(agreeing))[:limit]


# ------------------------------------------------------------------------------- cues


@attrs.frozen
class _Phrase:
    tokens: tuple[str, ...]
    kind: str
    valence: float


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.lower().replace("\u2019", "'") for t in _WORD.findall(text))


@functools.cache
def _phrases() -> dict[str, tuple[_Phrase, ...]]:
    """The cue phrases by their first token."""
    folder = resources.files("perception").joinpath("data")
    raw = folder.joinpath("customer_cues.csv").read_text(encoding="utf-8")
    by_first: dict[str, list[_Phrase]] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        tokens = _tokens(row["phrase"])
        phrase = _Phrase(tokens, row["kind"], float(row["valence"]))
        by_first.setdefault(tokens[0], []).append(phrase)
    return {k: tuple(sorted(v, key=lambda p: -len(p.tokens))) for k, v in by_first.items()}


#: Positive interjections that open a sarcastic sentence ("Great, another outage.").
_INTERJECTIONS = _wordset(
    "great wonderful fantastic perfect brilliant awesome lovely nice excellent "
    "amazing terrific superb marvellous marvelous splendid cool wow"
)
#: Words that say a failure was put right ("Great, the outage is fixed"): no sarcasm then.
_RESOLVED = _wordset("fixed resolved solved sorted restored working back thanks thank appreciate")
#: Words that say a failure has been put right: the failure named beside them is over.
_REPAIRED = _wordset("fixed fixing resolved resolving solved solving sorted restored repaired")
#: Politeness words that VADER scores as positive; in a request they are only polite.
_POLITE = _wordset("please help thanks thank kindly appreciate appreciated welcome")
#: Words that open a request or a question asking for something.
_REQUEST_OPENERS = _wordset(
    "please can could would will may how what when where which who why is are do does did i we"
)
_REQUEST_SECOND = _wordset("you need want would like help")
#: The openers of a request in its polite form ("could you ...").
_POLITE_OPENERS = _wordset("can could would")
#: Words that make a polite request a complaint ("could you explain why ...", "... still
#: not ...").
_COMPLAINING = _wordset("why not never no nobody nothing still")
#: Greetings that may come before a request ("Hi Dana, could you ...").
_GREETINGS = _wordset("hi hello hey dear morning afternoon evening good")
#: Words of a polite closing ("No, that is all, thank you.", "Have a nice day!").
_CLOSING_WORDS = frozenset(
    """
    no nope that's that is it's it all will be thanks thank you so much very many again
    for your help everything have a nice good great lovely day evening weekend cheers bye
    ok okay regards kind best wishes nothing else
    """.split()  # noqa: SIM905  # a word list reads better as text
)


def _sentence_of(starts: Sequence[int], offset: int) -> int:
    return max(0, bisect.bisect_right(starts, offset) - 1)


@attrs.define
class _Sentence:
    """One sentence's evidence while reading a message."""

    span: Span
    compound: float
    tokens: list[str] = attrs.Factory(list)
    cues: list[Cue] = attrs.Factory(list)
    blanks: list[tuple[int, int]] = attrs.Factory(list)

    def has(self, kind: str) -> bool:
        return any(c.kind == kind for c in self.cues)


def _find_cues(message: Message, sentences: list[_Sentence]) -> None:
    """Put each cue phrase found in *message* into its sentence."""
    tokens = message.tokens
    phrases = _phrases()
    bounds = message.word_bounds
    starts = [s.span.start for s in sentences]
    skip_to = -1
    for i, token in enumerate(tokens):
        sentence = sentences[_sentence_of(starts, bounds[i][0])]
        sentence.tokens.append(token)
        if i <= skip_to or token not in phrases:
            continue
        for phrase in phrases[token]:
            size = len(phrase.tokens)
            if tuple(tokens[i : i + size]) != phrase.tokens:
                continue
            start, end = bounds[i][0], bounds[i + size - 1][1]
            where = Span(start=start, end=end)
            sentence.cues.append(Cue(phrase.kind, message.text[start:end], where, phrase.valence))
            if phrase.kind == "reassurance":
                sentence.blanks.append((start, end))
            skip_to = i + size - 1
            break


def _rescore(message: Message, sentence: _Sentence, drop: Iterable[tuple[int, int]]) -> float:
    """VADER's compound of the sentence with the spans in *drop* left out."""
    text = message.text
    parts = []
    at = sentence.span.start
    for start, end in sorted(drop):
        parts.append(text[at:start])
        at = max(at, end)
    parts.append(text[at : sentence.span.end])
    return vader_scorer().polarity_scores(" ".join(parts))["compound"]


def _polite_spans(message: Message, sentence: _Sentence) -> list[tuple[int, int]]:
    text = message.text
    return [
        m.span()
        for m in _WORD.finditer(text, sentence.span.start, sentence.span.end)
        if m.group().lower() in _POLITE
    ]


def _is_request(sentence: _Sentence, text: str) -> bool:
    words = [t for t in sentence.tokens if t[0].isalnum()]
    if not words or sentence.has("failure"):
        return False
    question = text[sentence.span.start : sentence.span.end].rstrip().endswith("?")
    return words[0] in _REQUEST_OPENERS and (
        words[0] == "please" or question or (len(words) > 1 and words[1] in _REQUEST_SECOND)
    )


def _plain_request(sentence: _Sentence, compound: float) -> bool:
    """A request in its polite form, "could you ...", "can you ...", "would you ..." or
    "please ...", after at most a greeting and a name ("Hi Dana, could you ..."), with no
    feeling word in it at all ("Could you tell us where the report stands?"): neutral,
    whatever its other words are."""
    if compound != 0 or sentence.has("failure"):
        return False
    if any(t in _COMPLAINING or t.endswith(("n't", "n\u2019t")) for t in sentence.tokens):
        return False  # "Could you explain why my order still has not arrived?"
    words = [t for t in sentence.tokens[:8] if t[0].isalnum()]
    for at in range(min(3, len(words))):
        if at and words[0] not in _GREETINGS:
            return False
        if words[at] == "please" or (
            words[at] in _POLITE_OPENERS and at + 1 < len(words) and words[at + 1] == "you"
        ):
            return True
    return False


def _is_closing(sentence: _Sentence) -> bool:
    if any(c.kind in {"sarcasm", "failure"} for c in sentence.cues):
        return False  # "Thanks for nothing."
    words = [t for t in sentence.tokens if t[0].isalnum()]
    return 0 < len(words) <= 10 and all(w in _CLOSING_WORDS for w in words)


def _sarcastic(sentence: _Sentence, following: _Sentence | None) -> bool:
    """An opening positive interjection ("Great," "Wonderful.") about a failure."""
    words = sentence.tokens
    opening = len(words) > 1 and words[0] in _INTERJECTIONS and words[1] in {",", ".", "!"}
    oh = len(words) > 2 and words[0] == "oh" and words[1] in _INTERJECTIONS
    if not (opening or oh):
        return False
    failure = sentence.has("failure") or (following is not None and following.has("failure"))
    resolved = not _RESOLVED.isdisjoint(words)
    return failure and not resolved


def _adjusted(message: Message, sentence: _Sentence, following: _Sentence | None) -> float:
    """The sentence's compound score, adjusted for the cues and rules it holds."""
    compound = sentence.compound
    text = message.text
    if sentence.blanks:
        compound = _rescore(message, sentence, sentence.blanks)
    if _is_closing(sentence):
        sentence.cues.append(Cue("closing", message.slice(sentence.span), sentence.span, 0.0))
        return min(max(compound, 0.0), 0.3)  # polite: no complaint, little praise
    if (compound > 0 and _is_request(sentence, text)) or _plain_request(sentence, compound):
        if compound > 0:
            compound = min(compound, _rescore(message, sentence, _polite_spans(message, sentence)))
        sentence.cues.append(Cue("request", message.slice(sentence.span), sentence.span, 0.0))
    if _sarcastic(sentence, following) and compound > 0:
        word = sentence.span.start + len(sentence.tokens[0])
        where = Span(start=sentence.span.start, end=word)
        sentence.cues.append(Cue("sarcasm", text[where.start : where.end], where, -2.0))
        compound = -compound
    repaired = not _REPAIRED.isdisjoint(sentence.tokens)
    extra = sum(
        c.valence
        for c in sentence.cues
        if c.kind in {"sarcasm", "reassurance"} or (c.kind == "failure" and not repaired)
    )
    if extra:
        compound = max(-1.0, min(1.0, compound + extra / 4))
    return compound


def _lexicon_cues(message: Message, sentence: _Sentence, sign: int) -> list[Cue]:
    """The VADER lexicon words of *sentence* whose valence has the sign *sign*."""
    lexicon = vader_scorer().lexicon
    text = message.text
    found = []
    for match in _WORD.finditer(text, sentence.span.start, sentence.span.end):
        value = lexicon.get(match.group().lower())
        if value is not None and value * sign > 0:
            kind = "negative" if sign < 0 else "positive"
            found.append(
                Cue(kind, match.group(), Span(start=match.start(), end=match.end()), value)
            )
    return found


#: Compound scores at or beyond these read as negative or positive (VADER's usual cut-off).
NEGATIVE_AT = -0.05
POSITIVE_AT = 0.05


def _label(scores: Sequence[float]) -> tuple[str, float]:
    """The message's label and score from its sentences' adjusted scores.

    The score is the mean of the sentences' scores, pulled halfway towards the most
    negative one when it is clearly negative (at or below -0.4: one sharp complaint in a
    polite message is what the customer meant); in a long message the pull shrinks (five
    sentences or fewer: half the way; twenty: an eighth).
    """
    if not scores:
        return "neutral", 0.0
    mean = sum(scores) / len(scores)
    worst = min(scores)
    score = mean
    if worst <= -0.4:
        pull = min(0.5, 2.5 / len(scores))
        score = min(mean, pull * worst + (1 - pull) * mean)
    if score <= NEGATIVE_AT:
        return "negative", score
    if score >= POSITIVE_AT:
        return "positive", score
    return "neutral", score


#: The names of :func:`features`, in order.
FEATURES = (
    "whole",
    "mean",
    "worst",
    "best",
    "negative_share",
    "positive_share",
    "failure",
    "reassurance",
    "sarcasm",
    "request_share",
    "closing_share",
    "exclamations",
    "question",
    "sentences",
)


def _read(message: Message) -> tuple[list[_Sentence], list[float]]:
    sentences = [_Sentence(s.span, s.sentiment.compound) for s in message.sentence_scores]
    if not sentences:
        return [], []
    _find_cues(message, sentences)
    scores = [
        _adjusted(message, s, sentences[n + 1] if n + 1 < len(sentences) else None)
        for n, s in enumerate(sentences)
    ]
    return sentences, scores


def _straight(message: Message) -> Message:
    """*message* with its typographic apostrophes (U+2019) made straight, as VADER's
    negations ("isn't", "don't") are written; the same length, so spans still hold."""
    if "\u2019" not in message.text:
        return message
    from perception.text import message as shared  # noqa: PLC0415  # text imports this module

    return shared(message.text.replace("\u2019", "'"))


def features(message: Message) -> list[float]:
    """The message's evidence as numbers (see :data:`FEATURES`), for a trained model."""
    message = _straight(message)
    sentences, scores = _read(message)
    return _evidence(message, sentences, scores)


def _evidence(
    message: Message, sentences: Sequence[_Sentence], scores: Sequence[float]
) -> list[float]:
    if not sentences:
        return [message.sentiment.compound] + [0.0] * (len(FEATURES) - 1)
    count = len(scores)
    cues = [c for s in sentences for c in s.cues]

    def total(kind: str) -> float:
        return sum(c.valence for c in cues if c.kind == kind)

    def share(kind: str) -> float:
        return sum(1 for s in sentences if s.has(kind)) / count

    text = message.text
    return [
        message.sentiment.compound,
        sum(scores) / count,
        min(scores),
        max(scores),
        sum(1 for v in scores if v <= NEGATIVE_AT) / count,
        sum(1 for v in scores if v >= POSITIVE_AT) / count,
        max(-1.0, total("failure") / 8),
        min(1.0, total("reassurance") / 4),
        1.0 if any(c.kind == "sarcasm" for c in cues) else 0.0,
        share("request"),
        share("closing"),
        min(3, text.count("!")) / 3,
        1.0 if "?" in text else 0.0,
        min(1.0, count / 20),
    ]


#: Cues of a support conversation: where one is found, the rules written for support
#: messages decide the label, not the trained model (its training texts hardly hold them).
SUPPORT_KINDS = frozenset({"failure", "reassurance", "sarcasm", "request", "closing"})


#: A neutral score stays this far inside the neutral band, so that rounding keeps it there.
_NEUTRAL_EDGE = 0.0001


def _in_band(label: str, score: float) -> float:
    """*score* moved, if need be, into the band of *label*: whoever reads the score against
    the usual cut-offs (:data:`NEGATIVE_AT`, :data:`POSITIVE_AT`, as the acknowledgement
    check's ``threshold`` does) reads the same label as the model chose."""
    if label == "negative":
        return min(score, NEGATIVE_AT)
    if label == "positive":
        return max(score, POSITIVE_AT)
    return max(NEGATIVE_AT + _NEUTRAL_EDGE, min(score, POSITIVE_AT - _NEUTRAL_EDGE))


def customer_mood_of(message: Message, model: MoodModel | None = None) -> CustomerMood:
    """How *message*, written by a customer, reads to a support team.

    Where the message holds a cue of a support conversation (:data:`SUPPORT_KINDS`), the
    rules decide; otherwise the trained model (:mod:`perception._mood_model`, or *model*)
    reads the rules' evidence and the message's words, and the cues name the words that
    pushed it most.  The score stays a measure of how strongly the message is felt (the
    rules' adjusted VADER score, not the model's certainty), kept inside the band of the
    label (at or below :data:`NEGATIVE_AT` for a negative label, at or above
    :data:`POSITIVE_AT` for a positive one, strictly between them for a neutral one), as
    the rules' score always is.  A typographic apostrophe (U+2019) reads as a
    straight one, while the cues keep the words as written.
    """
    if model is not None and model.features != FEATURES:
        raise ValueError(
            f"the mood model reads the evidence {list(model.features)}; this version computes "
            f"{list(FEATURES)}"
        )
    straight = _straight(message)
    if straight is not message:
        read = customer_mood_of(straight, model)
        text = message.text
        return attrs.evolve(
            read,
            cues=tuple(attrs.evolve(c, text=text[c.span.start : c.span.end]) for c in read.cues),
        )
    found = language(message.text)
    if not found.supported:
        return CustomerMood(label="unsupported", score=0.0, language=found)
    sentences, scores = _read(message)
    if not sentences:
        return CustomerMood(label="neutral", score=0.0, language=found)
    cues = [c for s in sentences for c in s.cues]
    if not any(c.kind in SUPPORT_KINDS for c in cues):
        reading = predict(
            model or load_model(), _evidence(message, sentences, scores), message.text
        )
        sign = _SIGN.get(reading.label, 0)
        learned = [
            Cue("learned", text, Span(start=start, end=end), sign * weight)
            for text, start, end, weight in reading.words
            if sign
        ]
        if sign:  # the lexicon's words that agree, as the rules would name them
            spans = {(c.span.start, c.span.end) for c in learned}
            for sentence, value in zip(sentences, scores, strict=True):
                if value * sign > 0:
                    learned.extend(
                        c
                        for c in _lexicon_cues(message, sentence, sign)
                        if (c.span.start, c.span.end) not in spans
                    )
        return CustomerMood(
            label=reading.label,
            score=round(_in_band(reading.label, _label(scores)[1]), 4),
            language=found,
            cues=tuple(learned),
        )
    label, score = _label(scores)
    sign = _SIGN.get(label, 0)
    if sign:
        telling = sorted(
            (s for s, v in zip(sentences, scores, strict=True) if v * sign > 0),
            key=lambda s: -abs(s.compound),
        )
        for sentence in telling[:3]:
            cues.extend(_lexicon_cues(message, sentence, sign))
    cues.sort(key=lambda c: -abs(c.valence))
    return CustomerMood(
        label=label, score=round(_in_band(label, score), 4), language=found, cues=tuple(cues)
    )
