"""The ``acknowledgement`` check: a reply to an unhappy customer should acknowledge it.

The check applies when the message answers an inbound message that reads as unhappy
(:attr:`~perception.text.Message.customer_mood`: VADER adjusted for service failures,
sarcasm, reassurances and polite closings).  When the customer was not unhappy it does
not apply, and the report lists it as not applicable (not needed, rather than passed);
when the customer wrote in a language the checks do not read, an informational finding
says so instead of a guess.

The reply's first sentences (a greeting line not counting) are searched for evidence of
acknowledgement (:func:`acknowledgement`): an apology for the customer's situation (not
for the writer's own English: "sorry for my grammar"), understanding or validation ("I
know how frustrating this is", "you're right", "I have been there"), thanks for their
patience or for telling us, and a restatement of the problem in the customer's own
words.  The finding names the customer's words that show they are unhappy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import attrs

from perception.builtin._match import GREETING, Pattern, finding, span
from perception.builtin.checks.language import reads
from perception.context import CheckContext
from perception.hookspecs import Check, hookimpl
from perception.model import Direction, Interaction
from perception.options import at_least, between, option
from perception.outcome import Finding, Severity, Span
from perception.text import CustomerMood, Message
from perception.text import message as shared_message

__all__ = [
    "Acknowledgement",
    "AcknowledgementCheck",
    "acknowledgement",
    "perception_register_checks",
]


def _greeting_only(message: Message, sentence: Span) -> bool:
    return (
        sentence.end - sentence.start <= 60 and GREETING.match(message.slice(sentence)) is not None
    )


#: An apology: for the customer's situation unless it is one of _SELF_APOLOGY.
_APOLOGY = Pattern(r"\b(?:sorry|apologi[sz]e|apologies|apology|regret(?:s|ful)?)\b")
#: Apologies for the writer's own writing or for asking, which acknowledge nothing.
_SELF_APOLOGY = Pattern(
    r"\b(?:sorry|apologi[sz]e|apologies)\s+(?:for\s+|about\s+)?(?:my\s+(?:bad\s+|poor\s+|broken\s+)?"
    r"(?:english|grammar|spelling|typos?|writing|wording|language|mistakes)|"
    r"(?:any|the)\s+(?:typos|spelling\s+mistakes|grammar\s+mistakes)|"
    r"to\s+(?:bother|disturb|trouble)|if\s+this\s+is\s+a\s+(?:silly|stupid|dumb)|"
    r"for\s+asking|,?\s*but\b)"
)
#: Understanding, validation and ownership, each a way of acknowledging.
_VALIDATES = Pattern(
    r"\b(?:(?:i|we)\s+(?:completely\s+|fully\s+|totally\s+|really\s+|do\s+)?"
    r"(?:understand|hear\s+you|get\s+it|appreciate\s+(?:how|that|why|the|your))|"
    r"(?:i|we)\s+(?:can|could)\s+(?:only\s+)?(?:see|imagine|understand)\s+(?:how|why|that|what)|"
    r"(?:i|we)\s+know\s+(?:how|what|that|this|it)|"
    r"(?:i(?:'ve|\s+have)|we(?:'ve|\s+have))\s+been\s+(?:there|through)|"
    r"in\s+your\s+(?:shoes|position|place)|i\s+would\s+(?:feel|be)\s+(?:the\s+same|frustrated|upset)|"
    r"(?:that|this|it)\s+(?:must|sounds|has\s+been|is|was)\s+(?:\w+\s+){0,2}?"
    r"(?:frustrating|annoying|difficult|disappointing|stressful|hard|upsetting|inconvenient|"
    r"awful|tough|maddening|worrying|scary|painful|exhausting|unfair)|"
    r"understandabl[ey]|no\s+wonder|you(?:'re|\u2019re|\s+are)\s+(?:right|absolutely\s+right)|"
    r"you\s+have\s+every\s+right|(?:my|our)\s+(?:fault|mistake|bad|error)|"
    r"we\s+(?:let\s+you\s+down|dropped\s+the\s+ball|got\s+(?:this|it)\s+wrong)|"
    r"not\s+(?:good\s+enough|acceptable|the\s+(?:experience|service))|unacceptable|"
    r"thank(?:s|\s+you)\s+(?:so\s+much\s+|very\s+much\s+)?for\s+(?:your\s+patience|"
    r"(?:your\s+|the\s+)?(?:feedback|honesty)|raising|flagging|letting|bringing|reporting|"
    r"telling|pointing|bearing\s+with|waiting|sticking\s+with))"
)
#: Reflection of feelings, restatement and reassurance, the ways counsellors and support
#: staff show they heard the person ("it sounds like you feel overwhelmed", "so you were
#: charged twice", "you are not alone", "you did the right thing").
_REFLECTS = Pattern(
    r"\b(?:(?:it|that|this)\s+(?:sounds|seems|looks)\s+(?:like|as\s+if|as\s+though)|"
    r"you\s+(?:must|may|might)\s+(?:feel|be\s+feeling|be\s+(?:very\s+|so\s+|really\s+)?"
    r"(?:frustrated|upset|worried|anxious|stressed|overwhelmed|tired|disappointed|angry|"
    r"sad|scared|confused|exhausted))|"
    r"you(?:'re|\u2019re|\s+are)\s+(?:feeling|going\s+through|dealing\s+with|not\s+alone|"
    r"doing\s+(?:great|well|the\s+right|your\s+best|a\s+good))|"
    r"you\s+(?:feel|felt|seem|sound)\s|"
    r"so\s+you(?:'re|\u2019re|\s+are|\s+were|\s+have|'ve|\s+feel|\s+want|\s+need)\b|"
    r"if\s+i\s+understand\s+(?:you|correctly)|what\s+i(?:'m|\s+am)\s+hearing|"
    r"you\s+(?:mentioned|said|told\s+me)\s+(?:that|you)|"
    r"you\s+(?:did|made)\s+the\s+right|you\s+(?:can|will)\s+(?:do\s+(?:it|this)|get\s+through)|"
    r"(?:proud|happy|glad)\s+(?:of|for)\s+you|good\s+for\s+you|you\s+deserve|"
    r"(?:it(?:'s|\s+is)|that(?:'s|\s+is))\s+(?:okay|ok|normal|natural|completely\s+normal|"
    r"understandable|fine)\s+to\s+(?:feel|be)|makes\s+(?:total\s+|complete\s+)?sense|"
    r"(?:that(?:'s|\s+is)|what\s+a)\s+(?:a\s+)?(?:great|good|wonderful|brilliant)\s+"
    r"(?:idea|plan|step|start|question))"
)
#: Validation that names how hard the situation is, reassurance and normalisation ("it is
#: a hard place to be in", "I'm sure you will get through it", "many people feel this
#: way", "I can relate").
_REASSURES = Pattern(
    r"\b(?:(?:is|are|was|be|been|it's|that's)\s+(?:a\s+|such\s+a\s+)?(?:very\s+|really\s+|so\s+|"
    r"truly\s+|incredibly\s+)?(?:hard|tough|difficult|rough|painful|stressful|scary|"
    r"overwhelming|heartbreaking|not\s+easy)\b|isn't\s+easy|is\s+never\s+easy|"
    r"i(?:'m|\s+am)\s+(?:sure|confident|certain)\s+(?:that\s+)?(?:you|it|things|everything|"
    r"this|they)\b|i\s+know\s+you\s+(?:can|will|are|have|'ll)|i\s+believe\s+(?:in\s+)?you|"
    r"hang\s+in\s+there|you(?:'ve|\s+have)?\s+got\s+this|"
    r"(?:great|good|glad|nice|happy|wonderful)\s+to\s+hear|"
    r"i\s+feel\s+(?:so\s+|really\s+)?(?:bad|sad|sorry|for)\s+(?:for\s+)?you|"
    r"(?:same|similar)\s+(?:boat|situation|position|experience)|"
    r"been\s+in\s+(?:that|your|a\s+similar|the\s+same)\s+(?:spot|situation|position|place|shoes)|"
    r"(?:went|gone|go)\s+through\s+(?:the\s+same|something\s+similar|that\s+too)|"
    r"i\s+can\s+(?:totally\s+|really\s+)?relate|"
    r"(?:many|lots\s+of|a\s+lot\s+of|most)\s+(?:people|of\s+us|others)\s+(?:feel|go\s+through|"
    r"struggle|have\s+been)|you(?:'re|\s+are)\s+(?:not|definitely\s+not)\s+the\s+only|"
    r"happens\s+to\s+(?:everyone|all\s+of\s+us|the\s+best))"
)
#: Emotional reactions to what happened to the person ("that sucks", "oh no", "my heart
#: goes out to you", "I'm so glad you ...").
_REACTS = Pattern(
    r"\b(?:(?:that|this|it)\s+(?:really\s+|totally\s+|just\s+)?sucks|oh\s+no\b|"
    r"(?:that|this|it)(?:'s|\u2019s|\s+is|\s+sounds|\s+was)\s+(?:so\s+|really\s+|truly\s+|"
    r"just\s+)?(?:awful|terrible|horrible|heartbreaking|sad|unfair|crappy|horrific|devastating|"
    r"dreadful)|(?:sending|big|virtual)\s+(?:you\s+)?(?:hugs|love|a\s+hug)|\*hugs?\*|"
    r"my\s+heart\s+(?:goes\s+out|breaks|aches)|i\s+can(?:'t|not|\u2019t)\s+imagine|"
    r"i(?:'m|\s+am)\s+(?:so\s+|really\s+|very\s+)?(?:glad|happy|relieved)\s+(?:that\s+)?you|"
    r"sorry\s+(?:that\s+)?you(?:'re|\s+are|\s+were|\s+have\s+been)\s+(?:going|dealing|feeling)|"
    r"sorry\s+for\s+your\s+loss)"
)
_CONTENT = re.compile(r"\b[a-z][a-z'\-]{3,}")
#: Words too common to show that a reply restates the customer's problem.
_COMMON = frozenset(
    """
    about after again also been before being could does doing done down each even ever
    every from have having here into just know last like made make many more most much
    must need only other over please really same should since some still such than
    thank thanks that their them then there these they this those through time today
    very want well were what when where which while will with would your yours you're
    we're it's that's there's i'm i've we've don't can't won't isn't hello dear
    """.split()  # noqa: SIM905  # a word list reads better as text
)


@attrs.frozen
class Acknowledgement:
    """What acknowledges the customer's situation in a reply.

    Attributes:
        score: 0 (nothing) to 1 (an apology or validation, and more).
        cues: ``(kind, words)`` pairs: ``apology``, ``validation``, ``reflection``,
            ``reassurance``, ``reaction`` or ``restatement``.
    """

    score: float
    cues: tuple[tuple[str, str], ...] = ()

    @property
    def acknowledges(self) -> bool:
        """Whether the reply acknowledges the situation (score at least 0.5)."""
        return self.score >= 0.5


def _apologies(message: Message, end: int) -> list[str]:
    """The apologies in ``message.text[:end]`` that are for the customer's situation."""
    found = []
    for match in _APOLOGY.finditer(message, 0, end):
        if not _SELF_APOLOGY.search(message, match.start(), min(end, match.end() + 60)):
            found.append(match.group())
    return found


def _restated(message: Message, end: int, inbound: str) -> list[str]:
    """Content words of the customer's message that the reply's opening statements (not
    its questions) repeat."""
    theirs = {w for w in _CONTENT.findall(inbound.lower()[:5000]) if w not in _COMMON}
    text = message.text
    repeated: dict[str, None] = {}
    for sentence in message.sentences:
        if sentence.start >= end:
            break
        part = text[sentence.start : min(end, sentence.end)]
        if part.rstrip().endswith("?"):
            continue
        # words written in lower case only: names ("Hi Dana,") restate nothing
        repeated.update((w, None) for w in _CONTENT.findall(part) if w in theirs)
    return list(repeated)


def acknowledgement(message: Message, inbound: str = "", *, end: int = -1) -> Acknowledgement:
    """The evidence in ``message.text[:end]`` that the reply acknowledges the situation.

    An apology for the situation or a statement of understanding or validation scores
    1; repeating two or more content words of the customer's message (restating the
    problem) scores 0.5, one word 0.25.

    :param message: the reply.
    :param inbound: the customer's message it answers (for restatement).
    :param end: where to stop looking (default: the whole reply).
    """
    end = len(message.text) if end < 0 else end
    cues: list[tuple[str, str]] = [("apology", a) for a in _apologies(message, end)]
    cues += [("validation", m.group()) for m in _VALIDATES.finditer(message, 0, end)]
    cues += [("reflection", m.group()) for m in _REFLECTS.finditer(message, 0, end)]
    cues += [("reassurance", m.group()) for m in _REASSURES.finditer(message, 0, end)]
    cues += [("reaction", m.group()) for m in _REACTS.finditer(message, 0, end)]
    restated = _restated(message, end, inbound) if inbound else []
    score = 1.0 if cues else 0.0
    if restated:
        cues.append(("restatement", " ".join(restated[:4])))
        score = min(1.0, score + (0.5 if len(restated) >= 2 else 0.25))
    return Acknowledgement(score=score, cues=tuple(cues))


class AcknowledgementCheck:
    """A reply to an unhappy customer should acknowledge their situation or apologise."""

    name = "acknowledgement"
    description = (
        "A reply to an unhappy customer that neither acknowledges their situation nor "
        "apologises early on (not applicable when the customer was not unhappy)."
    )

    @attrs.frozen(kw_only=True)
    class Options:
        """What a user may set in ``[options.acknowledgement]``."""

        threshold: float = option(
            -0.05,
            "the customer's mood score at or below which an acknowledgement is expected "
            "(VADER's usual negative cut-off; -1 to 1)",
            validator=between(-1, 1),
        )
        error_threshold: float = option(
            -0.6,
            "at or below this, a missing acknowledgement is an error (-1 to 1)",
            validator=between(-1, 1),
        )
        within_sentences: int = option(
            3,
            "how many sentences after the greeting may hold the acknowledgement",
            validator=at_least(1),
        )

    def _inbound(self, ctx: CheckContext[AcknowledgementCheck.Options]) -> Interaction | None:
        inbound = ctx.reply_to
        if inbound is None or inbound.direction is not Direction.INBOUND or not inbound.text:
            return None
        return inbound

    def _mood(self, inbound: Interaction) -> CustomerMood:
        return shared_message(inbound.text).customer_mood

    def applies(self, message: Message, ctx: CheckContext[AcknowledgementCheck.Options]) -> bool:
        """Whether the reply answers a customer who reads as unhappy (or whose language
        the checks do not read)."""
        inbound = self._inbound(ctx)
        if inbound is None or not message.text.strip() or not reads(message):
            return False
        mood = self._mood(inbound)
        return not mood.supported or mood.score <= ctx.options.threshold

    def check(
        self, message: Message, ctx: CheckContext[AcknowledgementCheck.Options]
    ) -> Iterator[Finding]:
        """A finding when the customer is unhappy and the reply does not acknowledge it."""
        inbound = self._inbound(ctx)
        if inbound is None or not self.applies(message, ctx):
            return
        mood = self._mood(inbound)
        opts = ctx.options
        sentences = message.sentences
        skip = 1 if sentences and _greeting_only(message, sentences[0]) else 0
        where = sentences[skip] if len(sentences) > skip else span(start=0, end=0)
        if not mood.supported:
            yield finding(
                check=self.name,
                severity=Severity.INFO,
                span=where,
                message=f"The customer's message reads as {mood.language.name}, which the "
                "checks do not read, so whether it needs an acknowledgement was not judged.",
                suggestion="Read it yourself: if they are unhappy, acknowledge it first.",
            )
            return
        window = sentences[: skip + opts.within_sentences]
        end = window[-1].end if window else len(message.text)
        if acknowledgement(message, inbound.text, end=end).acknowledges:
            return
        words = mood.words()
        detail = f"mood {mood.score:+.2f}"
        if words:
            detail += "; their words: " + ", ".join(repr(w) for w in words)
        yield finding(
            check=self.name,
            severity=Severity.ERROR if mood.score <= opts.error_threshold else Severity.WARNING,
            span=where,
            message=f"The customer reads as unhappy ({detail}) and the reply does not "
            f"acknowledge it in its first {opts.within_sentences} sentences.",
            suggestion="Open by naming what happened and how it affected them, and "
            "apologise where we are at fault: 'I'm sorry the export failed again; I know "
            "your team relies on it.'",
            terms=words,
        )


@hookimpl
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register the ``acknowledgement`` check."""
    register(AcknowledgementCheck())
