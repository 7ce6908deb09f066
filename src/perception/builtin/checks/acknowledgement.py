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
know how frustrating this is", "you're right", "that can be so discouraging"), reflection
of feelings ("it sounds like you ...", "you must be exhausted"), reassurance and
affirmation ("you did the right thing", "it's not your fault", "you are not alone", "I
have been there"), emotional reactions ("oh no, that sucks"), thanks for their patience
or for telling us, and restatement: "so you were charged twice?", or the problem in the
customer's own words in a sentence that speaks to them; a statement of any of these kinds
asked back with a question mark ("it sounds like you were charged twice?") checks a
restatement.  Phrases in a clause that asks or sets a condition are no evidence ("how do
you feel about it?", "if it is hard to find, ...", "tell me how you feel"), and neither
is the writer's own hard time ("I used to have a hard time with it too").  The finding
names the customer's words that show they are unhappy.
"""

from __future__ import annotations

import functools
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


#: An apostrophe, straight, curly or left out, as people type in chat ("that's", "thats").
_A = "['\u2019]?"
_YOU_ARE = rf"(?:you{_A}re|you\s+are|ur)"
_IT_IS = rf"(?:that{_A}s|that\s+is|it{_A}s|it\s+is|this\s+is)"
_I_AM = rf"(?:i{_A}m|i\s+am)"
#: How a person may feel ("you must be exhausted", "you're clearly upset").
_FEELINGS = (
    r"(?:frustrated|upset|worried|anxious|stressed|overwhelmed|tired|disappointed|angry|sad|"
    r"scared|confused|exhausted|lonely|hurt|heartbroken|devastated|afraid|nervous|hopeless|"
    r"helpless|lost|depressed|annoyed|fed\s+up|stuck|isolated|ashamed|embarrassed|guilty|"
    r"insecure|betrayed|drained|discouraged|unhappy|miserable|furious|concerned|struggling|"
    r"hurting|grieving|terrified|uneasy|torn|trapped|rejected|ignored|unappreciated|"
    r"undervalued|shocked|frightened|burn(?:ed|t)\s+out)\b"
)
#: How hard a situation is ("that must be exhausting", "it can be so isolating").
_HARD = (
    r"(?:frustrating|annoying|difficult|disappointing|stressful|hard|upsetting|inconvenient|"
    r"awful|tough|maddening|worrying|scary|painful|exhausting|unfair|overwhelming|confusing|"
    r"lonely|isolating|draining|discouraging|heartbreaking|devastating|terrifying|frightening|"
    r"nerve[\s\-]?w?r[ae]cking|lousy|challenging|rough|sad|horrible|terrible|traumati[sz]ing|"
    r"distressing|"
    r"depressing|hurtful|infuriating|aggravating|demorali[sz]ing|unsettling|not\s+easy|"
    r"no\s+fun|tricky|a\s+lot\s+to\s+(?:handle|deal\s+with|take\s+in|process|carry|cope\s+with))\b"
    # "it is hard to say when": a hedge about the answer, not the customer's situation
    r"(?!\s+to\s+(?:say|tell|know|predict|give|estimate|determine|answer|guess))"
)
#: Up to three words that are not a negation ("that must be so very hard", not "it is not hard").
_FILLER = r"(?:(?!not\b|never\b|n't\b)\w+\s+){0,3}?"
#: An apology: for the customer's situation unless it is one of _SELF_APOLOGY.
_APOLOGY = r"\b(?:sorry|apologi[sz]e|apologies|apology|regret(?:s|ful)?)\b"
#: Apologies for the writer's own writing or for asking, which acknowledge nothing.
_SELF_APOLOGY = Pattern(
    r"\b(?:sorry|apologi[sz]e|apologies)(?:\s+(?:for\s+|about\s+)?(?:my\s+(?:bad\s+|poor\s+|"
    r"broken\s+)?(?:english|grammar|spelling|typos?|writing|wording|language|mistakes)|"
    r"(?:any|the)\s+(?:typos|spelling\s+mistakes|grammar\s+mistakes)|"
    r"to\s+(?:bother|disturb|trouble|interrupt)|if\s+this\s+is\s+a\s+(?:silly|stupid|dumb)|"
    r"for\s+asking)|,?\s*(?:but\b|(?:could|can|would)\s+you\s+(?:repeat|rephrase|clarify|say)|"
    r"what\s+(?:do|did)\s+you\s+mean))"
)
#: Understanding, validation and ownership, each a way of acknowledging.
_VALIDATES = (
    r"\b(?:(?:i|we)\s+(?:can\s+|could\s+)?(?:completely\s+|fully\s+|totally\s+|really\s+|truly\s+|"
    r"definitely\s+|certainly\s+|absolutely\s+|actually\s+|honestly\s+|do\s+)?"
    r"(?:understand|hear\s+you|"
    r"get\s+(?:it|that|you|how|why)|appreciate\s+(?:how|that|why|the|your|you)|"
    r"sympathi[sz]e|empathi[sz]e)|i\s+see\s+(?:how|why|where|what\s+you|your\s+point)|"
    r"(?:i|we)\s+(?:can|could)\s+(?:only\s+|just\s+|totally\s+|really\s+|definitely\s+)?"
    r"(?:(?:see|imagine|understand|feel|sense)\s+(?:how|why|that|what|where|your|you)|"
    r"(?:feel|hear|sense)\s+the\s+(?:\w+\s+)?(?:frustration|pain|hurt|sadness|stress|worry|"
    r"anger|disappointment|weight|weights|fear|exhaustion)|"
    rf"tell\s+(?:how|that|this|it|from|just|by|{_YOU_ARE}|you\s+(?:have|really|must|feel|love|"
    r"miss|care))|tell(?=\s*[.!]|\s*$))|"
    r"(?:i|we)\s+know\s+(?:how|what|that|this|it|the\s+feeling)|"
    # "Totally understand your worries", without a subject; not "make sure you fully
    # understand the pricing"
    r"(?<!you\s)(?:totally|completely|fully|absolutely)\s+understand\s+(?:your|how|why|that\b|"
    r"the\s+(?:frustration|concern|worry|feeling))|"
    # "I can imagine." said on its own; not "we could imagine adding this in a release"
    r"i\s+can\s+(?:only\s+|just\s+|totally\s+|really\s+|easily\s+|certainly\s+)?"
    r"imagine(?=\s*[.!,]|\s*$)|"
    rf"(?:i{_A}ve|i\s+have|we{_A}ve|we\s+have)\s+(?:also\s+)?been\s+(?:there|through)|"
    r"in\s+your\s+(?:shoes|position|place)|"
    rf"(?:i{_A}d|i\s+would)\s+(?:also\s+)?(?:feel|be)\s+(?:\w+\s+){{0,2}}?(?:the\s+same|too|"
    rf"as\s+well|{_FEELINGS})|"
    r"(?:anyone|anybody|someone|most\s+people)\s+would\s+(?:feel|be)|"
    r"would\s+make\s+(?:anyone|anybody|someone|most\s+people)|"
    r"(?:frustrate|upset|annoy|worry|stress|anger|bother|scare|hurt|exhaust|drain)s?\s+"
    r"(?:anyone|anybody|most\s+people|me\s+too|me\s+as\s+well)|"
    rf"(?:that|this|it|which)(?:{_A}s|\s+(?:must|sounds?|seems|has\s+been|is|was|feels|being))\s+"
    rf"{_FILLER}{_HARD}|(?:sounds?|can\s+be|could\s+be|would\s+be|must\s+be|has\s+to\s+be|"
    rf"might\s+be|can\s+get|can\s+feel)\s+{_FILLER}{_HARD}|"
    r"(?:such\s+an?|what\s+an?|an?)\s+(?:\w+\s+)?(?:hard|tough|difficult|painful|horrible|"
    r"terrible|awful|stressful|scary|lonely|frustrating|rough|sad|heartbreaking|challenging|"
    r"traumatic|upsetting|confusing|overwhelming)\s+(?:feeling|situation|time|thing|place|"
    r"experience|position|spot|period|year|week|day|road|loss|ordeal|wait|delay|process)|"
    r"(?:every\s+reason\s+to\s+be|not\s+(?:the\s+(?:news|answer|outcome)|what)\s+you\s+"
    r"(?:were\s+)?(?:hoping|wanted|expected|needed))|"
    rf"understandabl[ey]|no\s+wonder|{_YOU_ARE}\s+(?:absolutely\s+|totally\s+|completely\s+|"
    r"so\s+|quite\s+)?right\b|you\s+have\s+(?:every\s+right|a\s+(?:good\s+|fair\s+|valid\s+)?point)|"
    r"(?:fair|valid|legitimate|understandable|reasonable)\s+(?:point|reason|concern|worry|fear|"
    rf"reaction|feeling)|{_IT_IS}\s+(?:a\s+)?fair\b|"
    r"(?:your|the|those|these)\s+(?:feelings?|frustration|disappointment|concerns?|anger|"
    r"worry|worries|fears?|reaction|emotions?)\s+(?:is|are)\s+(?:\w+\s+)?(?:valid|understandable|"
    r"justified|legitimate|normal|natural|fair|warranted|reasonable|grounded|real)|"
    r"(?:my|our)\s+(?:fault|mistake|bad|error)|that(?:'s|\u2019s|\s+is)\s+on\s+(?:us|me)|"
    r"we\s+(?:let\s+you\s+down|dropped\s+the\s+ball|got\s+(?:this|it)\s+wrong|should\s+have)|"
    r"you\s+(?:should(?:n't|n\u2019t|\s+not)|never)\s+(?:have\s+)?(?:had\s+to|have\s+to)|"
    r"not\s+(?:good\s+enough|acceptable|okay|ok|fair|right(?!\s+(?:now|away))|"
    r"the\s+(?:experience|service))|unacceptable|"
    r"thank(?:s|\s+you)\s+(?:so\s+much\s+|very\s+much\s+)?for\s+(?:your\s+patience|"
    r"(?:your\s+|the\s+)?(?:feedback|honesty)|raising|flagging|letting|bringing|reporting|"
    r"telling|pointing|bearing\s+with|waiting|sticking\s+with|opening\s+up))"
)
#: Reflection of feelings and restatement, the ways counsellors and support staff show
#: they heard the person ("it sounds like you feel overwhelmed", "you must be exhausted").
_REFLECTS = (
    # "it sounds like a bug in the export" diagnoses; it does not reflect the person
    r"\b(?:(?:it|that|this)\s+(?:sounds|seems|looks)\s+(?:to\s+me\s+)?(?:like|as\s+if|as\s+though)"
    r"(?!\s+(?:a|an|the|some)\s+(?:\w+\s+){0,2}?(?:bug|glitch|error|defect|fault|typo|"
    r"misconfiguration|outage|timeout|caching|cache|sync(?:ing)?|network|server|browser|"
    r"firewall|permissions?|setting|settings|configuration|known\s+(?:issue|problem|bug))\b)|"
    r"(?:sounds|seems)\s+(?:like\s+|that\s+|as\s+if\s+)?(?:you|your)\b|"
    r"i\s+(?:can\s+)?(?:sense|gather)\s+(?:that|you|your|how)|"
    r"i\s+get\s+the\s+(?:sense|feeling|impression)|"
    rf"you\s+(?:must|may|might)\s+(?:feel|be\s+feeling|have\s+(?:felt|been)|be)\s+"
    rf"(?:\w+\s+){{0,2}}?{_FEELINGS}|"
    r"you\s+must\s+(?:have\s+been\s+through|be\s+going\s+through|(?:really\s+)?(?:miss|love|care))|"
    r"you\s+(?:must|may|might)\s+(?:feel|be\s+feeling)\s+(?:like|as\s+though|as\s+if|that)\b|"
    rf"what\s+(?:{_YOU_ARE}|you{_A}ve\s+been|you\s+have\s+been)\s+"
    r"(?:going\s+through|dealing\s+with|facing|feeling)|"
    rf"{_YOU_ARE}\s+(?:\w+\s+)?(?:feeling|going\s+through|dealing\s+with|{_FEELINGS})|"
    rf"(?:you{_A}ve|you\s+have)\s+(?:been\s+)?(?:feeling|going\s+through|dealing\s+with|"
    r"struggling|had\s+a\s+(?:hard|tough|rough|difficult))|"
    rf"(?:making|made)\s+you\s+(?:feel\s+)?(?:so\s+|very\s+|really\s+)?{_FEELINGS}|"
    r"you\s+(?:probably\s+|likely\s+|clearly\s+|really\s+)?(?:feel|felt|seem|sound)\s)"
)
#: Restating what the person said, as a statement or as a question that checks it ("so
#: you were charged twice?", "you mean the invoice?", "..., is that right?").
_RESTATES = (
    r"\b(?:if\s+i\s+understand\s+(?:you|correctly)|what\s+i(?:'m|\s+am)\s+hearing|"
    r"in\s+other\s+words|you\s+(?:mentioned|said|told\s+me)\s+(?:that|you)|you\s+mean\b(?!\s*\?)|"
    r"i\s+hear\s+you\s+(?:say|saying)|"
    # "is that right?", not "the issue is that right now ..."
    r"(?:is|was)\s+(?:that|this)\s+(?:right|correct)\b(?!\s+(?:now|away|here|there|after|before|"
    r"when|on|at|in|for|to)\b)|am\s+i\s+(?:right|correct)|"
    r"from\s+what\s+you\s+(?:said|say|told\s+me|describe|described|wrote|mentioned)|"
    r"(?:am\s+i|do\s+i)\s+understand(?:ing)?\s+(?:you\s+|this\s+|that\s+|it\s+)?"
    r"(?:correctly|right)|"
    r"i(?:'m|\s+am)\s+taking\s+it\s+that|"
    r"did\s+i\s+(?:get|understand)\s+(?:that|you|it)\s+(?:right|correctly))"
)
#: "So you ..." opening a clause: a restatement (not "so you can see").
_SO_YOU = r"\bso,?\s+(?:you|your|u|ur|basically|in\s+short|what\s+you)\b"
#: The words that may come before "so you" at the start of a clause ("Oh I see, so you").
_INTERJECTIONS = frozenset(
    ["oh", "ok", "okay", "right", "yes", "yeah", "ah", "hmm", "alright", "and", "well", "i", "see"]
)
_WORD = re.compile(r"\w+")
#: Where clauses end: a cue in a clause that asks or sets a condition acknowledges nothing.
_BREAKS = ".!?;:,\n"
#: The opening of a clause that asks or sets a condition ("do you feel ...", "how do you
#: ...", "if it is hard, ...").
_ASKING_HEAD = re.compile(
    r"\W*(?:(?:and|but|so|or|then|well|also|ok|okay|oh)\s+)?"
    r"(?:(?:do|does|did|is|are|was|were|have|has|had|can|could|would|will|should|shall|may|"
    r"might|am|ca|wo)(?:n['\u2019]?t(?=\s+(?:you|we|they|i|it|he|she|that|this|there)\b))?|"
    r"how\s+(?:do|does|did|are|is|was|were|can|could|would|"
    r"will|should|long|much|many|often|about|come)|what(?!\s+an?\b)"
    # "What you're going through sounds exhausting" tells, it does not ask
    rf"(?!\s+(?:{_YOU_ARE}|you{_A}ve\s+been|you\s+have\s+been)\s+(?:going|dealing|facing|"
    r"feeling)\b)|which|who|whose|whom|why|"
    r"when|whenever|where|whether|if)\b",
    re.IGNORECASE,
)
#: Words after which "you feel ..." is not about how the person feels ("how you feel", "it
#: will make you feel better", "I hope you feel at home", "if you feel like it").
_NOT_A_STATEMENT = frozenset(
    """
    make makes made making help helps helped let lets how what if when whenever where hope
    until till unless whether why do does did
    """.split()  # noqa: SIM905  # a word list reads better as text
)
#: A word that names a hard time, and the writer's own words about their life.
_HARD_WORD = re.compile(r"\b" + _HARD, re.IGNORECASE)
#: The writer as the subject ("I know ...", "we understand ...").
_WRITER = re.compile(r"(?:i|we)\b", re.IGNORECASE)
_KNOWING = re.compile(r"(?:i|we)\s+(?:know|understand|can|could|hear|see|get)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(
    r"\b(?:my|myself|i['\u2019]?(?:ve|m)|i(?!['\u2019]))\b"
    r"(?!\s+(?:\w+\s+)?(?:know|knew|understand|see|think|"
    r"can|could|imagine|agree|feel|felt|believe|hope|guess|get|hear|would|reali[sz]e|"
    r"recogni[sz]e|appreciate|admit|acknowledge|suspect|sure|aware))",
    re.IGNORECASE,
)
#: "do" before a verb that stresses it after a subject ("that does sound hard").
_EMPHATIC = frozenset(["do", "does", "did"])
_SUBJECTS = frozenset(["i", "we", "that", "it", "this", "you", "they", "which"])
#: Affirmation and reassurance: what the person did well, that things can get better,
#: that they are not alone and not to blame ("you did the right thing", "it's completely
#: understandable to feel that way", "you are not alone", "it's not your fault").
_REASSURES = (
    r"\b(?:you\s+(?:did|made|are\s+doing|(?:have|'ve)\s+done|tried)\s+"
    r"(?:very\s+well|the\s+right|great|"
    r"well|so\s+well|your\s+best|a\s+(?:great|good|fantastic|wonderful)\s+job|everything|"
    r"all\s+you\s+could|nothing\s+wrong|amazing)|"
    rf"{_YOU_ARE}\s+(?:doing\s+(?:great|well|the\s+right|your\s+best|a\s+good|so\s+well|amazing)|"
    r"(?:not|never|definitely\s+not)\s+(?:alone|the\s+only|a\s+failure|to\s+blame|weak|crazy|"
    r"overreacting)|(?:so\s+|very\s+|really\s+|clearly\s+|such\s+an?\s+|an?\s+)?(?:strong|brave|"
    r"courageous|resilient|smart|intelligent|capable|caring|thoughtful|wise|mature|talented|"
    r"hard[\s\-]?working|good\s+person|great\s+person|kind\s+person)|an?\s+(?:very\s+|"
    r"really\s+|truly\s+)?(?:good|great|wonderful|amazing|lovely|kind|caring|strong|stronger|"
    r"special|loving)\s+(?:person|man|woman|mother|mom|father|dad|parent|friend|son|daughter|"
    r"partner|human|soul))|you(?:'ll|\s+will)\s+do\s+(?:great|fine|amazing)\b|"
    r"you\s+(?:can|will|(?:'ll))\s+(?:always\s+|definitely\s+|surely\s+|still\s+)?"
    r"(?:do\s+(?:it|this)|get\s+through|make\s+it|overcome|"
    r"figure\s+(?:it|this)\s+out|handle\s+(?:it|this))|"
    r"(?:proud|happy|glad)\s+(?:of|for)\s+your?\b|(?<!\bis\s)(?<!\bbe\s)(?<!\bare\s)good\s+for\s+you\b|you\s+deserve|"
    rf"{_IT_IS}\s+(?:\w+\s+)?(?:okay|ok|normal|natural|common|understandable|fine|alright|valid|"
    r"human)\s+(?:to\s+(?:feel|be|have|worry|struggle|cry|grieve|take|not|want|need|miss)|"
    r"for\s+(?:anyone|anybody|someone|people|you)|that\s+you|if\s+you)|"
    r"makes\s+(?:total\s+|complete\s+|perfect\s+)?sense|"
    rf"(?:{_IT_IS}|what\s+an?|sounds\s+like)\s+(?:a\s+|an\s+)?(?:really\s+|very\s+)?(?:great|good|"
    r"wonderful|brilliant|excellent|smart|fantastic|positive|healthy|wise)\s+(?:idea|plan|step|"
    r"start|question|choice|decision|approach|goal|attitude|move)|"
    r"(?:great|good|nice)\s+job|well\s+done|way\s+to\s+go|keep\s+(?:it|that)\s+up|"
    rf"(?:it|that|this)(?:{_A}s|\s+is|\s+was)\s+(?:so\s+|very\s+|really\s+)?(?:brave|admirable|"
    r"courageous|commendable|impressive|inspiring|amazing|wonderful|great|awesome|smart|wise|"
    r"good|nice|fantastic)\s+(?:of\s+you|(?:that\s+|to\s+see\s+(?:that\s+)?)?(?:you|your)\b)|"
    r"i\s+(?:really\s+|truly\s+|so\s+)?admire|admire\s+(?:your|you|how\s+you)|"
    r"(?:shows?|showed|showing|takes?|took)\s+(?:a\s+lot\s+of\s+|great\s+|real\s+|so\s+much\s+|"
    r"such\s+|some\s+)?(?:strength|courage|guts)|"
    rf"{_YOU_ARE}\s+(?:\w+\s+)?(?:on|in|heading\s+in)\s+the\s+right\s+(?:track|path|direction)|"
    r"only\s+human|"
    rf"(?:is|are|was|were|be|been|it{_A}s|that{_A}s)\s+(?:a\s+|such\s+a\s+)?(?:very\s+|really\s+|"
    rf"so\s+|truly\s+|incredibly\s+|extremely\s+)?{_HARD}|"
    r"isn't\s+easy|never\s+easy|"
    # "I'm sure you will ...": about the person and what is ahead of them; not "I'm sure
    # the invoice is correct" or "I'm sure it's fine", which dismiss in a support reply.
    rf"{_I_AM}\s+(?:so\s+|very\s+|quite\s+)?(?:sure|confident|certain)\s+(?:that\s+)?"
    r"(?:you|things|everything|they)\b|"
    r"i\s+know\s+you\s+(?:can|will|are|have|'ll)|i\s+(?:truly\s+|really\s+|do\s+)?believe\s+"
    r"(?:in\s+you|(?:that\s+)?you)\b|(?:have|has)\s+faith\s+in\s+you|"
    r"hang\s+in\s+there|you(?:'ve|\s+have)?\s+got\s+this|"
    r"i\s+feel\s+(?:so\s+|really\s+)?(?:bad|sad|sorry|terrible|awful|for)\s+(?:for\s+)?"
    r"(?:you|about\s+(?:that|this|it|what))|"
    r"(?:same|similar)\s+(?:boat|situation|position|experience)|"
    r"been\s+in\s+(?:that|your|a\s+similar|the\s+same)\s+(?:spot|situation|position|place|shoes)|"
    r"(?:went|gone|go)\s+through\s+(?:the\s+same|something\s+similar|that\s+too)|"
    r"i\s+can\s+(?:totally\s+|really\s+)?relate|"
    r"(?:everyone|everybody|we\s+all|all\s+of\s+us|(?:a\s+lot|lots|plenty)\s+of\s+(?:people|us)|"
    r"(?:so\s+)?many\s+(?:people|of\s+us|others)|most\s+(?:people|of\s+us))\s+(?:\w+\s+)?"
    r"(?:feels?|go(?:es)?\s+through|(?:is|are)\s+going\s+through|struggles?|(?:has|have)\s+been\s+"
    r"(?:there|through)|experiences?|deals?\s+with|faces?|makes?\s+mistakes|"
    r"(?:has|have)\s+(?:had\s+)?(?:this|that|the\s+same|similar)|progress(?:es)?\s+at|"
    r"(?:is|are)\s+(?:having|facing|experiencing|feeling|struggling|dealing\s+with|"
    r"in\s+the\s+same))|"
    r"affect(?:s|ing|ed)?\s+(?:a\s+lot\s+of|so\s+many|many|lots\s+of)\s+people|"
    rf"(?:people|others|everyone|everybody|we\s+all|we{_A}re\s+all|we\s+are\s+all)\s+"
    r"(?:are\s+|is\s+)?(?:also\s+)?going\s+through|"
    r"(?:is|are)\s+(?:very\s+|so\s+|really\s+|quite\s+|"
    r"pretty\s+|a\s+)?common\b|"
    r"(?:don't|do\s+not|try\s+not\s+to)\s+be\s+(?:so\s+|too\s+)?hard\s+on\s+yourself|"
    r"(?:don't|do\s+not)\s+(?:get|feel)\s+(?:so\s+|too\s+)?(?:discouraged|down\s+on\s+yourself)|"
    r"(?:all|both)\s+in\s+(?:this|it)\s+(?:\w+\s+)?(?:together|boat)|"
    rf"{_YOU_ARE}\s+(?:not|definitely\s+not)\s+the\s+only|"
    r"happens\s+to\s+(?:everyone|all\s+of\s+us|the\s+best)|"
    rf"(?:not|isn{_A}t)\s+your\s+fault|(?:don{_A}t|do\s+not)\s+(?:blame\s+yourself|"
    r"beat\s+yourself\s+up)|"
    r"(?:nothing|no\s+need|no\s+reason)\s+to\s+(?:be|feel)\s+(?:ashamed|embarrassed|guilty|bad)|"
    rf"(?:don{_A}t|do\s+not)\s+(?:need\s+to\s+|have\s+to\s+)?(?:feel|be)\s+(?:so\s+)?(?:ashamed|"
    r"embarrassed|guilty|bad\s+about)|"
    r"(?:things|it|this|everything)\s+(?:will|is\s+going\s+to|can|does)\s+(?:only\s+|surely\s+|"
    r"definitely\s+|slowly\s+)?(?:get|be)\s+"
    r"(?:better|okay|ok|fine|alright|easier)|(?:things|it|this)\s+will\s+(?:improve|pass)|"
    r"you(?:'ll|\s+will)\s+(?:be\s+(?:ok|okay|fine|alright)|find\s+(?:something|someone|a\s+way|"
    r"your\s+way|the\s+right)|get\s+through)|everything\s+will\s+(?:be|work)|"
    rf"{_I_AM}\s+(?:always\s+)?here\s+(?:for\s+you|to\s+listen|if\s+you)|here\s+for\s+you|"
    r"(?:stay|be)\s+strong|(?:don't|do\s+not)\s+(?:give\s+up|lose\s+hope)|keep\s+your\s+head\s+up|"
    r"take\s+heart|there(?:'s|\s+is)\s+(?:always\s+)?hope|"
    rf"(?:that{_A}s|that\s+is|what)\s+the\s+spirit|"
    r"\b(?:admirable|commendable|courageous)\b|confident\s+(?:that\s+)?you|"
    rf"(?:is|was|(?:that|it|this){_A}s)\s+(?:not|nothing)\s+(?:weird|strange|wrong|silly|stupid|crazy|abnormal)|"
    r"should(?:n't|n\u2019t|\s+not)?\s+(?:feel|be)\s+(?:so\s+)?(?:ashamed|guilty|embarrassed|"
    rf"bad\s+about)|(?:you{_A}ve|you\s+have)\s+(?:already\s+)?taken\s+(?:the|a)\s+(?:first|big|"
    r"great|important|right|brave)\s+step|been\s+down\s+(?:that|this|the\s+same)\s+road)"
)
#: Emotional reactions to what happened to the person ("that sucks", "oh no", "my heart
#: goes out to you", "I'm so glad you ...").
_REACTS = (
    r"\b(?:(?:that|this|it)\s+(?:really\s+|totally\s+|just\s+|majorly\s+)?sucks|oh\s+no\b|"
    rf"(?:that|this|it)(?:{_A}s|\s+is|\s+sounds|\s+was)\s+(?:so\s+|really\s+|truly\s+|"
    r"just\s+)?(?:awful|terrible|horrible|heartbreaking|sad|unfair|crappy|horrific|devastating|"
    r"dreadful|a\s+shame|a\s+bummer|too\s+bad|cruel|harsh|messed\s+up)|(?:what|such)\s+a\s+shame|"
    r"how\s+(?:awful|sad|terrible|horrible|frustrating|painful|scary|stressful|upsetting)|"
    r"(?:sending|big|virtual)\s+(?:you\s+)?(?:hugs|love|a\s+hug)|(?<=[*(])hugs?(?=[*)])|"
    r"my\s+heart\s+(?:goes\s+out|breaks|aches)|i\s+can(?:'t|not|\u2019t)\s+imagine|"
    rf"{_I_AM}\s+(?:so\s+|really\s+|very\s+)?(?:glad|happy|relieved)\s+(?:that\s+)?you|"
    r"sorry\s+(?:that\s+)?you(?:'re|\s+are|\s+were|\s+have\s+been)\s+(?:going|dealing|feeling)|"
    r"i\s+(?:really\s+|truly\s+|do\s+)?hope\s+(?:you|things|it|everything)\s+(?:feel|feels|get|gets|"
    r"will\s+(?:feel|get|be))\s+(?:a\s+(?:little\s+|bit\s+)?|much\s+|so\s+much\s+)?better|"
    r"i\s+feel\s+you\b|sorry\s+for\s+your\s+loss|(?:wow|whoa|yikes|ouch|ugh|oh\s+(?:my|dear|man|gosh|wow))\b)"
)
#: Every kind of evidence in one pattern, each kind a named group: the text is scanned
#: once, and only where a word starts (a bare word boundary also tries every word's end).
_EVIDENCE = Pattern(
    r"\b(?=\w)(?:"
    + "|".join(
        f"(?P<{kind}>{body.removeprefix(chr(92) + 'b')})"
        for kind, body in (
            ("apology", _APOLOGY),
            ("restatement", _RESTATES),
            ("so_you", _SO_YOU),
            ("validation", _VALIDATES),
            ("reflection", _REFLECTS),
            ("reassurance", _REASSURES),
            ("reaction", _REACTS),
        )
    )
    + ")"
)
#: A statement about the person's situation speaks to them ("your invoice", "you were").
_ADDRESSED = re.compile(r"\b(?:you|your|yours|you're|you\u2019re|youre|ur|u)\b", re.IGNORECASE)
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
    think good better best great people thing things something anything going maybe right
    sure yeah okay morning afternoon evening talk talking feel feeling hope help helpful
    sounds seems lot little kind
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


def _clause(text: str, start: int, stop: int, end: int) -> tuple[int, int]:
    """Where the clause around ``text[start:stop]`` begins, and where it ends (at most 200
    characters either way, and not past ``end``)."""
    low = max(0, start - 200)
    head = max(text.rfind(c, low, start) for c in _BREAKS) + 1 or low
    high = min(end, stop + 200)
    ends = [i for i in (text.find(c, stop, high) for c in _BREAKS) if i >= 0]
    return head, min(ends, default=high)


def _asked(text: str, head: int, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]``, in the clause from ``head``, is in a clause that asks,
    sets a condition, or follows a word that makes "you feel" something else than a
    statement of feeling."""
    if _ASKING_HEAD.match(text, head, stop):  # to ``stop``: "don't" looks ahead to "you"
        return True
    if _WRITER.match(text, start):
        return False  # "I know ...", "we understand ...": the writer speaks for themself
    before = text[max(head, start - 16) : start].lower().split()
    if len(before) >= 2 and before[-1] in _EMPHATIC and before[-2] in _SUBJECTS:
        return False  # "that does sound hard", "I do feel for you"
    if len(before) >= 2 and before[-1] == "that":
        before.pop()  # "I hope that you feel better", "it will make sure that you feel ..."
    return bool(before) and before[-1] in _NOT_A_STATEMENT


def _own(text: str, head: int, tail: int, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` names a hard time in the clause ``text[head:tail]``
    about the writer's own life, not the reader's ("I used to have a hard time with it",
    "my exams were stressful")."""
    if _HARD_WORD.search(text, start, stop) is None or _KNOWING.match(text, start) is not None:
        return False
    return _FIRST_PERSON.search(text, head, start) is not None and (
        _ADDRESSED.search(text, head, tail) is None
    )


def _evidence(message: Message, end: int) -> Iterator[tuple[str, str]]:
    """``(kind, words)`` of the evidence in ``message.text[:end]``: apologies not for the
    writer's own writing, restatements asked or not, and the other kinds only where they
    are stated, not asked, and not about the writer's own hard times.  A statement asked
    back with a question mark ("it sounds like you are exhausted?") is a restatement."""
    text = message.text
    for match in _EVIDENCE.finditer(message, 0, end):
        kind = match.lastgroup or ""
        start, stop = match.span()
        if kind == "apology":
            if _SELF_APOLOGY.search(message, start, min(end, stop + 60)):
                continue
        elif kind == "so_you":
            head, _tail = _clause(text, start, stop, end)
            if not all(w in _INTERJECTIONS for w in _WORD.findall(text[head:start].lower())):
                continue
            kind = "restatement"
        elif kind != "restatement":
            head, tail = _clause(text, start, stop, end)
            if _asked(text, head, start, stop) or _own(text, head, tail, start, stop):
                continue
            if tail < len(text) and text[tail] == "?":
                kind = "restatement"  # a statement asked back: "it sounds like you ...?"
        yield kind, match.group()


@functools.lru_cache(maxsize=64)
def _content_words(inbound: str) -> frozenset[str]:
    """The content words of the customer's message (cached: a batch of replies often
    answers one message)."""
    return frozenset(w for w in _CONTENT.findall(inbound.lower()[:5000]) if w not in _COMMON)


def _restated(message: Message, end: int, inbound: str) -> list[str]:
    """Content words of the customer's message that the reply's opening sentences repeat
    when they speak to the customer, as statements or as statements asked back ("your
    manager is not answering you?"), not as questions ("have you asked your manager?")."""
    theirs = _content_words(inbound)
    text = message.text
    repeated: dict[str, None] = {}
    for sentence in message.sentences:
        if sentence.start >= end:
            break
        part = text[sentence.start : min(end, sentence.end)]
        if _ADDRESSED.search(part) is None or (
            # a question restates only in the form of a statement ("You were charged twice?")
            part.rstrip().endswith("?") and _ASKING_HEAD.match(part) is not None
        ):
            continue
        # words written in lower case only: names ("Hi Dana,") restate nothing
        repeated.update((w, None) for w in _CONTENT.findall(part) if w in theirs)
    return list(repeated)


def acknowledgement(message: Message, inbound: str = "", *, end: int = -1) -> Acknowledgement:
    """The evidence in ``message.text[:end]`` that the reply acknowledges the situation.

    An apology for the situation, a statement of understanding or validation, a
    reflection of feelings, reassurance or an emotional reaction scores 1 (phrases in a
    clause that asks or sets a condition do not count: "how do you feel about it?", "if
    it is hard, ..."); so does checking a restatement ("so you were charged twice?").
    Repeating two or more content words of the customer's message in a statement scores
    0.5, one word 0.25.

    :param message: the reply.
    :param inbound: the customer's message it answers (for restatement).
    :param end: where to stop looking (default: the whole reply).
    """
    end = len(message.text) if end < 0 else end
    cues = list(_evidence(message, end))
    restated = _restated(message, end, inbound) if inbound else []
    score = 1.0 if cues else 0.0
    if restated:
        cues.append(("restatement", " ".join(restated[:4])))
        score = min(1.0, score + (0.5 if len(restated) >= 2 else 0.25))
    return Acknowledgement(score=score, cues=tuple(cues))


def _acknowledges(message: Message, inbound: str, end: int) -> bool:
    """``acknowledgement(message, inbound, end=end).acknowledges``, stopping at the first
    piece of evidence (the check needs no more)."""
    if next(_evidence(message, end), None) is not None:
        return True
    return len(_restated(message, end, inbound)) >= 2


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
        if _acknowledges(message, inbound.text, end):
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
