"""Which language a message is in, as far as the checks need to know (private).

The checks and the sentiment read English.  :func:`language` tells English from the
languages a support team most often receives mail in, by the share of each language's
commonest function words among the message's words, and from text in another script
(Cyrillic, Greek, Arabic, Hebrew, CJK ...) by its letters.  A message with too few
telling words (a greeting, "Thanks!") is taken as English.  The word lists are the
commonest function words of each language, written for this project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import attrs

__all__ = ["SUPPORTED", "Language", "language"]

#: Languages the checks read.
SUPPORTED = frozenset(["en"])

_FUNCTION_WORDS = {
    "en": "the and is are was were you your to of in it that this for with not have has "
    "be we our my i me on at can will would please thanks thank but what when",
    "de": "der die das und ist sind nicht ich wir sie es ein eine mit für auf den dem des "
    "bitte danke zu von im noch schon aber oder wie was wenn habe haben",
    "fr": "le la les et est sont ne pas je nous vous il elle un une des du pour avec sur "
    "merci mais ou que qui dans ce cette au aux votre notre",
    "es": "el la los las y es son no yo nosotros usted un una con para por que gracias "
    "pero del al en su muy está estoy tengo",
    "it": "il lo la gli le e è sono non io noi voi un una con per che grazie ma del della "
    "nel sul questo questa ho abbiamo",
    "pt": "o a os as e é são não eu nós você um uma com para por que obrigado obrigada "
    "mas do da no na em muito está",
    "nl": "de het een en is zijn niet ik wij we jij u met voor op dat dit van bedankt "
    "maar ook nog wel geen heb hebben",
    "sv": "och är inte jag vi du det en ett med för på att som tack men också har inga "
    "den detta av till",
}
#: Words that are also English words ("a", "no", "die") tell nothing.
_AMBIGUOUS = frozenset(
    "a o e i no do as die den an am in is we me u so on be at al it".split()  # noqa: SIM905
)
_WORDS: dict[str, frozenset[str]] = {
    k: frozenset(v.split()) - (_AMBIGUOUS if k != "en" else frozenset())
    for k, v in _FUNCTION_WORDS.items()
}
#: Each telling word, and the languages it belongs to.
_INDEX: dict[str, tuple[str, ...]] = {}
for _code, _vocabulary in _WORDS.items():
    for _word in _vocabulary:
        _INDEX[_word] = (*_INDEX.get(_word, ()), _code)
_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
}
_LETTERS = re.compile(r"[^\W\d_]+")
#: Words looked at (the first ones): enough to tell, and bounded on long texts.
_SAMPLE = 400
#: Letters looked at for the script.
_SCRIPT_SAMPLE = 2000


@attrs.frozen
class Language:
    """The language a text was read as.

    Attributes:
        code: an ISO 639-1 code (``en``, ``de`` ...), or a script name in lower case
            (``cyrillic``, ``cjk`` ...) when only the script is known.
        name: the language or script in English words.
        supported: whether the checks read it.
    """

    code: str
    name: str
    supported: bool


ENGLISH = Language("en", "English", supported=True)


def _script(text: str) -> str | None:
    """The script most letters of *text* are in, when it is not the Latin script."""
    if text.isascii():
        return None
    counts: dict[str, int] = {}
    seen = 0
    for char in text[:_SCRIPT_SAMPLE]:
        if not char.isalpha():
            continue
        seen += 1
        if char.isascii():
            continue
        name = unicodedata.name(char, "")
        script = "cjk" if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) else ""
        script = script or name.split(" ", 1)[0].lower()
        if script != "latin":
            counts[script] = counts.get(script, 0) + 1
    if not counts or not seen:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if count * 2 > seen else None


def language(text: str, words: Sequence[str] | None = None) -> Language:
    """The language of *text*: English unless another language's words clearly dominate.

    :param words: the text's words in lower case, when already known (the first few
        hundred are enough).
    """
    script = _script(text)
    if script is not None:
        return Language(script, script.title() + " script", supported=False)
    if words is None:
        words = _LETTERS.findall(text[: _SAMPLE * 12].lower())
    words = words[:_SAMPLE]
    if len(words) < 3:
        return ENGLISH
    if 4 * sum(map(_WORDS["en"].__contains__, words)) >= len(words):
        return ENGLISH  # a quarter of the words are English function words
    hits = dict.fromkeys(_WORDS, 0)
    seen: dict[str, set[str]] = {code: set() for code in _WORDS}
    for word in words:
        for code in _INDEX.get(word, ()):
            hits[code] += 1
            seen[code].add(word)
    distinct = {code: len(found) for code, found in seen.items()}
    best = max(hits, key=lambda code: hits[code])
    if best == "en" or distinct[best] < 3 or hits[best] <= 2 * hits["en"]:
        return ENGLISH
    if hits[best] * 5 < len(words):
        return ENGLISH  # too few telling words to say
    return Language(best, _NAMES[best], supported=best in SUPPORTED)
