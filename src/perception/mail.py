"""E-mail as e-mail: the author's own text, apart from quoted replies, signatures and HTML.

A reply usually carries more than its author wrote: the thread it answers (lines quoted
with ``>``, an attribution such as ``On Tue, 3 Mar 2026, Dana <dana@example.com> wrote:``,
or an Outlook header block ``From: ... Sent: ... To: ... Subject: ...`` above the earlier
message), a signature (after ``--``, after a closing such as ``Best regards,``, a phone
footer such as ``Sent from my iPhone``, a legal disclaimer) and, for HTML mail, markup.
:func:`author_text` tells these apart, line by line and in linear time, and returns the
spans of the author's own text in the original text, so that findings can point into it
while their offsets still index what the user sees.  :func:`html_text` reads an HTML body
as text (block elements as line breaks, ``<blockquote>`` and the quote containers of the
common mail clients as quoted text).  :func:`read_email` reads an RFC 5322 message
(``.eml``) with the standard :mod:`email` package.

Nothing here uses a regular expression that can backtrack without bound: lines are
classified with string operations and short anchored patterns on bounded slices.
"""

from __future__ import annotations

import collections
import email
import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, MIMEPart
from email.policy import EmailPolicy
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import attrs

from perception._silence import silenced
from perception._validation import trusted
from perception.errors import PerceptionError
from perception.model import Direction, Interaction
from perception.outcome import Span

__all__ = [
    "MAX_CONTENT_HEADER_LENGTH",
    "MAX_HEADER_LENGTH",
    "AuthorText",
    "Draft",
    "Email",
    "MailError",
    "Quoted",
    "author_text",
    "html_text",
    "read_email",
    "strip_markers",
    "thread_interactions",
]


class MailError(PerceptionError, ValueError):
    """An e-mail that cannot be read (the message names the source and the problem)."""


@attrs.frozen(kw_only=True)
class Quoted:
    """One earlier message of the thread, as quoted in a reply.

    Attributes:
        author: who wrote it, as the attribution or the ``From:`` line names them
            (``Dana Smith <dana@example.com>``), or ``""`` when nothing names them.
        text: its own text (quote markers removed, without its signature).
    """

    author: str
    text: str

    @property
    def address(self) -> str:
        """The e-mail address in :attr:`author`, in lower case, or ``""``."""
        found = _addresses([self.author]) if "@" in self.author else []
        return found[0][1].lower() if found and "@" in found[0][1] else ""


@attrs.frozen(kw_only=True)
class AuthorText:
    """A message split into the author's own text and everything else.

    Attributes:
        text: the text the spans index (for HTML mail, the text read from the HTML).
        own: spans of the author's own text, in order.
        quoted: spans of quoted text: earlier messages, their attributions and headers.
        signature: the span of the author's signature (after the closing), if any.
        thread: the earlier messages, most recent first.
    """

    text: str
    own: tuple[Span, ...]
    quoted: tuple[Span, ...] = ()
    signature: Span | None = None
    thread: tuple[Quoted, ...] = ()

    @property
    def whole(self) -> bool:
        """True when the whole text is the author's own (nothing quoted, no signature)."""
        return not self.quoted and self.signature is None

    def own_text(self) -> str:
        """The author's own text, its parts joined by blank lines."""
        return "\n\n".join(self.text[s.start : s.end] for s in self.own)

    def masked(self) -> str:
        """The text with everything but the author's own text blanked out, ending with it.

        Characters outside :attr:`own` become spaces (line breaks are kept) and the text
        ends where the author's own text ends, so offsets into the result are offsets
        into :attr:`text`.
        """
        if self.whole:
            return self.text
        if not self.own:
            return ""
        parts: list[str] = []
        at = 0
        for span in self.own:
            parts.append(_blank(self.text[at : span.start]))
            parts.append(self.text[span.start : span.end])
            at = span.end
        return "".join(parts)


_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text) if text else ""


# ------------------------------------------------------------------ line classification

#: Verbs that end an attribution line ("..., Dana <dana@example.com> wrote:").
_WROTE = re.compile(
    r"(?:wrote|writes|schrieb|a\s?écrit|escribió|escreveu|ha\s?scritto|schreef|skrev|"
    r"kirjoitti|napisał|napsal|írta)\Z",
    re.IGNORECASE,
)
#: The same verbs anywhere in a line ("Am ... schrieb Dana <dana@example.com>:").
_WROTE_INSIDE = re.compile(
    r"\b(?:wrote|schrieb|a\s?écrit|escribió|escreveu|ha\s?scritto|schreef|skrev|kirjoitti|"
    r"napisał|napsal|írta)\b",
    re.IGNORECASE,
)
#: Words that open an attribution ("On", "Le", "Am" ...).
_OPENERS = frozenset(["on", "le", "am", "el", "il", "em", "op", "den", "w", "dne"])
#: Header names by role: ``from`` opens a header block; the others may follow it.
_FROM_HEADERS = frozenset(
    ["from", "von", "de", "da", "van", "från", "fra", "od", "от", "发件人", "差出人", "寄件者"]
)
_OTHER_HEADERS = frozenset(
    """
    sent date to cc bcc subject reply-to gesendet datum an betreff envoyé à objet enviado
    fecha para asunto inviato data a oggetto verzonden aan onderwerp skickat till ämne
    sendt til emne emne wysłano do temat 发送时间 收件人 主题 日付 宛先 件名
    """.split()  # noqa: SIM905  # header names read better as text
)
#: Lines that separate a forwarded or quoted message ("-----Original Message-----").
_SEPARATORS = frozenset(
    [
        "original message",
        "forwarded message",
        "begin forwarded message:",
        "message d'origine",
        "message transféré",
        "ursprüngliche nachricht",
        "weitergeleitete nachricht",
        "mensaje original",
        "mensaje reenviado",
        "messaggio originale",
        "messaggio inoltrato",
        "mensagem original",
        "mensagem encaminhada",
        "oorspronkelijk bericht",
        "doorgestuurd bericht",
        "ursprungligt meddelande",
        "vidarebefordrat meddelande",
    ]
)
#: Closings after which, at the end of a message, come the name and the signature.
_CLOSINGS = frozenset(
    [
        "best",
        "best regards",
        "best wishes",
        "kind regards",
        "kindest regards",
        "warm regards",
        "warmest regards",
        "warm wishes",
        "regards",
        "many thanks",
        "thanks",
        "thanks again",
        "thanks so much",
        "thanks a lot",
        "thank you",
        "thank you again",
        "thank you so much",
        "thanks in advance",
        "cheers",
        "sincerely",
        "sincerely yours",
        "yours sincerely",
        "yours truly",
        "yours faithfully",
        "faithfully",
        "respectfully",
        "all the best",
        "talk soon",
        "speak soon",
        "take care",
        "with thanks",
        "with best regards",
        "with kind regards",
        "br",
        "mit freundlichen grüßen",
        "viele grüße",
        "beste grüße",
        "liebe grüße",
        "grüße",
        "cordialement",
        "bien cordialement",
        "bien à vous",
        "saludos",
        "saludos cordiales",
        "un saludo",
        "atentamente",
        "cordiali saluti",
        "distinti saluti",
        "saluti",
        "atenciosamente",
        "abraços",
        "met vriendelijke groet",
        "groeten",
        "med vänliga hälsningar",
        "hälsningar",
        "vänliga hälsningar",
    ]
)
#: Lines that start an application's footer ("Sent from my iPhone").
_FOOTERS = (
    "sent from my ",
    "sent from mail for ",
    "sent from outlook",
    "sent from yahoo mail",
    "sent from the all new aol",
    "sent via ",
    "get outlook for ",
    "envoyé de mon ",
    "von meinem ",
    "enviado desde mi ",
    "inviato da ",
    "verzonden vanaf mijn ",
    "skickat från min ",
)
#: Lines that start a legal disclaimer.
_DISCLAIMERS = (
    "confidentiality notice",
    "confidentiality:",
    "disclaimer:",
    "this e-mail and any attachments",
    "this email and any attachments",
    "this e-mail is confidential",
    "this email is confidential",
    "this message and any attachments",
    "this message is confidential",
    "the information contained in this",
    "the information in this e-mail",
    "the information in this email",
    "this e-mail message is intended",
    "this email message is intended",
    "caution: this email originated",
    "caution: this e-mail originated",
    "please consider the environment before printing",
)
#: (Each starts with a look-ahead naming the characters a match starts with, so that the
#: engine skips to them instead of trying the pattern at every position.)
_PHONE = re.compile(r"(?=[+\d])(?:\+|\b)\d[\d ().\-]{6,18}\d\b")
_CONTACT_WORDS = re.compile(r"(?=[hw@|])(?:https?://|www\.|@\w|\|)", re.IGNORECASE)
#: A quoted message's signature is looked for in its last lines only.
_SIGNATURE_WINDOW = 12
#: Nested quotes are read this many levels deep; deeper ones stay part of the level above.
_MAX_DEPTH = 8


def _depth(line: str) -> tuple[int, int]:
    """How many ``>`` quote the line, and where its text starts after them."""
    depth = 0
    i = 0
    size = len(line)
    while i < size and line[i] in " \t>" and i < 40:
        if line[i] == ">":
            depth += 1
        i += 1
    if depth == 0:
        return 0, 0
    return depth, i


def _unquote(line: str) -> str:
    """*line* with one level of quoting (its first ``>`` and a space after it) removed."""
    rest = line[line.find(">") + 1 :]
    return rest[1:] if rest.startswith(" ") else rest


def _header_name(line: str) -> str:
    """The header name of a line such as ``From: ...`` or ``*Sent:* ...``, or ``""``."""
    head = line[:30]
    colon = head.find(":")
    if colon <= 0:
        return ""
    name = head[:colon].strip(" *\t\u00a0").lower()
    return name if len(name) <= 12 else ""


def _is_header(line: str) -> bool:
    name = _header_name(line)
    return bool(name) and (name in _OTHER_HEADERS or name in _FROM_HEADERS)


#: Headers that prose may also start a line with ("To: add a user, click Invite").
_WEAK_HEADERS = frozenset(
    ["to", "cc", "bcc", "an", "à", "para", "a", "aan", "till", "til", "do", "收件人", "宛先"]
)


def _header_block(lines: Sequence[str], i: int) -> int:
    """The number of lines of the header block starting at line *i*, or 0.

    A block starts with a ``From:`` line (in one of a few languages) and has at least
    one more header (``Sent:``, ``To:``, ``Subject:`` ...) within its next six lines.
    """
    if _header_name(lines[i]) not in _FROM_HEADERS:
        return 0
    others = 0
    strong = "@" in lines[i]
    end = i + 1
    for j in range(i + 1, min(len(lines), i + 8)):
        line = lines[j]
        if _is_header(line):
            others += 1
            strong = strong or _header_name(line) not in _WEAK_HEADERS
            end = j + 1
        elif line.strip() and others == 0 and j > i + 1:
            return 0
        elif line.strip() and others:
            break
    return end - i if others and strong else 0


def _separator(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return False
    core = stripped.strip("-_=* ").lower()
    if core == "begin forwarded message:":
        return True
    return core.rstrip(":") in _SEPARATORS and stripped[0] in "-_=*"


def _rule(line: str) -> bool:
    """Whether the line is a horizontal rule (``____``, ``----``) as Outlook puts above headers."""
    stripped = line.strip()
    return len(stripped) >= 10 and not stripped.strip("_-").strip()


def _wrote(line: str) -> bool:
    """Whether *line* ends an attribution: ``... wrote:``, or ``Am ... schrieb Dana:``."""
    stripped = line.rstrip()
    if not stripped.endswith(":") or len(stripped) > 400:
        return False
    if _WROTE.search(stripped[-24:-1].rstrip()) is not None:
        return True
    return _opens(stripped) and _WROTE_INSIDE.search(stripped) is not None


def _opens(line: str) -> bool:
    words = line.split(maxsplit=1)
    return bool(words) and words[0].lower().rstrip(",") in _OPENERS


def _attribution(lines: Sequence[str], i: int) -> int:
    """The number of lines (1 or 2) of the attribution starting at line *i*, or 0."""
    line = lines[i]
    if _wrote(line):
        size = 1
    elif i + 1 < len(lines) and _opens(line) and _wrote(lines[i + 1]):
        size = 2  # a long attribution wrapped over two lines
    else:
        return 0
    joined = " ".join(lines[i : i + size])
    if _opens(joined) or "@" in joined or any(c.isdigit() for c in joined):
        return size
    following = next((s for s in lines[i + size : i + size + 3] if s.strip()), "")
    return size if _depth(following)[0] else 0


def _attribution_author(line: str) -> str:
    """The person an attribution line names: after the date, before ``wrote:``."""
    text = line.rstrip()[:-1].rstrip()
    tail = text[-24:]
    verb = _WROTE.search(tail)
    if verb is not None:
        text = text[: len(text) - len(tail) + verb.start()].rstrip()
    else:  # the name after the verb: "Op ... schreef Daan <daan@example.com>:"
        inside = _WROTE_INSIDE.search(text)
        text = text[inside.end() :].strip() if inside is not None else text
    if "<" in text and ">" in text:
        start = text.rfind(",", 0, text.find("<"))
        text = text[start + 1 :]
    else:
        text = text.rsplit(",", 1)[-1]
    words = text.split()
    after = max((n + 1 for n, w in enumerate(words) if _TIME_WORD.match(w)), default=0)
    return " ".join(words[after:])


#: A time of day or a zone in an attribution ("9:12", "AM", "GMT+1").
_TIME_WORD = re.compile(r"\d{1,2}[:.h]\d{2}|(?:am|pm|a\.m\.|p\.m\.|gmt|utc|cet|cest)\b", re.I)


def _block_author(lines: Sequence[str]) -> str:
    for line in lines:
        if _header_name(line) in _FROM_HEADERS:
            return line.split(":", 1)[1].strip(" *\t")
    return ""


# ----------------------------------------------------------------------------- splitting


@attrs.define
class _Layout:
    """Each line's role: ``own``, ``quoted`` or ``blank``; and the first quoted message."""

    roles: list[str]
    author: str = ""
    quote_lines: list[str] = attrs.Factory(list)


def _layout(lines: Sequence[str]) -> _Layout:
    layout = _Layout(["own"] * len(lines))
    roles = layout.roles
    rest_quoted = False
    i = 0
    count = len(lines)
    while i < count:
        line = lines[i]
        if rest_quoted:
            roles[i] = "quoted"
            layout.quote_lines.append(line)
            i += 1
            continue
        head = line.lstrip(" \t")
        if head.startswith(">"):
            roles[i] = "quoted"
            layout.quote_lines.append(_unquote(line))
            i += 1
            continue
        if not head.strip():
            roles[i] = "blank"
            i += 1
            continue
        if ":" not in line and head[0] not in "-_=*\u2014" and not _opens(head):
            i += 1  # no attribution, header, separator or rule starts here
            continue
        size, rest_quoted, author = _boundary(lines, i)
        if size:
            layout.author = layout.author or author
            for j in range(i, i + size):
                roles[j] = "quoted"
            i += size
            continue
        i += 1
    return layout


def _boundary(lines: Sequence[str], i: int) -> tuple[int, bool, str]:
    """At line *i*: the size of a boundary before an earlier message (0 when none),
    whether everything after it is quoted, and the author it names."""
    line = lines[i]
    size = _attribution(lines, i)
    if size:
        following = next((s for s in lines[i + size : i + size + 3] if s.strip()), "")
        author = _attribution_author(" ".join(s.strip() for s in lines[i : i + size]))
        return size, not _depth(following)[0], author
    if _separator(line) or _rule(line):
        after = i + 1
        while after < len(lines) and not lines[after].strip() and after < i + 3:
            after += 1
        block = _header_block(lines, after) if after < len(lines) else 0
        if _separator(line) or block:
            return after - i + block, True, _block_author(lines[after : after + block])
        return 0, False, ""
    block = _header_block(lines, i)
    if block:
        return block, True, _block_author(lines[i : i + block])
    return 0, False, ""


def _closing(line: str) -> bool:
    core = line.strip().rstrip(",.!;:-").strip().lower()
    if core in _CLOSINGS:
        return True
    head, _, name = core.partition(",")
    return head.strip() in _CLOSINGS and 0 < len(name.split()) <= 3


def _signature_start(lines: Sequence[str], indexes: Sequence[int]) -> int | None:
    """The index (into *lines*) where the signature of a run of own lines starts, if any.

    *indexes* are the run's non-blank lines, in order.  The signature starts after the
    last closing line (``Best regards,``) that only a few short lines follow, or at a
    ``--`` line, an application footer or a disclaimer, whichever comes first.
    """
    cut = len(indexes)
    for n, i in enumerate(indexes):
        stripped = lines[i].strip()
        lowered = stripped.lower()
        if stripped in {"--", "—", "__"} or lowered.startswith(_FOOTERS):
            cut = n
            break
        if n and lowered.startswith(_DISCLAIMERS):
            cut = n
            break
    before = indexes[:cut]
    tail = before[-_SIGNATURE_WINDOW:]
    for n in range(len(tail) - 1, -1, -1):
        i = tail[n]
        after = tail[n + 1 :]
        if _closing(lines[i]) and i != indexes[0]:
            if len(after) <= 8 and all(len(lines[j].strip()) <= 100 for j in after):
                return after[0] if after else (indexes[cut] if cut < len(indexes) else None)
            break
    if cut < len(indexes):
        return indexes[cut]
    return _contact_block(lines, indexes)


def _contact_block(lines: Sequence[str], indexes: Sequence[int]) -> int | None:
    """The start of a name-and-contact block ending the run, after a blank line."""
    tail = indexes[-6:]
    start = None
    for n in range(len(tail) - 1, 0, -1):
        if tail[n] - tail[n - 1] > 1:  # a blank line before tail[n]
            start = n
            break
    if start is None:
        return None
    block = [lines[j].strip() for j in tail[start:]]
    if not any(_PHONE.search(s) or _CONTACT_WORDS.search(s) for s in block):
        return None
    if any(len(s) > 80 or (s.endswith((".", "?", "!")) and " " in s[:-1]) for s in block):
        return None
    first = block[0].split()
    if not 1 <= len(first) <= 5 or not first[0][:1].isupper():
        return None
    return tail[start]


def _runs(roles: Sequence[str]) -> list[list[int]]:
    """The runs of own lines (blank lines inside a run allowed), as their non-blank lines."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, role in enumerate(roles):
        if role == "own":
            current.append(i)
        elif role == "quoted" and current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


#: A line that starts with a rule or separator character ("-----", "____", "===="): the
#: first line, or one after a line break (searched for as such, the engine skips to the
#: line breaks instead of trying every position as ``^`` with ``re.MULTILINE`` would).
_RULE_FIRST = re.compile(r"[ \t]{0,8}[-_=*\u2014]")
_RULE_AFTER = re.compile(r"\n[ \t]{0,8}[-_=*\u2014]")


def _rule_start(text: str) -> bool:
    """Whether a line of *text* (cut at line feeds) starts with a rule character."""
    return _RULE_FIRST.match(text) is not None or _RULE_AFTER.search(text) is not None


def _line_offsets(text: str) -> tuple[list[str], list[int]]:
    ends = text.splitlines(keepends=True)
    starts = list(itertools.accumulate(map(len, ends[:-1]), initial=0)) if ends else []
    return text.splitlines(), starts  # each line without its one line break


def author_text(
    text: str,
    *,
    quoted: Iterable[Span] = (),
    signature: Span | None = None,
    _level: int = 0,
) -> AuthorText:
    """Split *text* (a plain-text message) into the author's own text and the rest.

    Quoted lines (``>``), attributions (``On ... wrote:`` in a few languages), Outlook
    and forwarded-message header blocks and everything under them, and the signature
    (after ``--``, a closing such as ``Best regards,``, an application footer, a legal
    disclaimer, or a final name-and-contact block) are set apart.  A reply written
    between quoted lines keeps each of its parts.

    :param quoted: spans already known to be quoted (from the HTML, see :func:`html_text`).
    :param signature: a span already known to be the signature.
    :return: the spans of the author's own text in *text*, with the earlier messages.
    """
    known = tuple(quoted)
    if "\n" not in text and not known and signature is None:
        return _whole(text)
    lines, starts = _line_offsets(text)
    if ">" in text or ":" in text or known or _rule_start(text):
        layout = _layout(lines)
    else:  # nothing can quote or start an earlier message: only a signature to look for
        layout = _Layout(["own" if line.strip() else "blank" for line in lines])
    roles = layout.roles
    _apply_known(roles, starts, lines, known)
    signature_lines: list[tuple[int, int]] = []
    for run in _runs(roles):
        begin = _signature_start(lines, run)
        if begin is not None:
            last = run[-1]
            signature_lines.append((begin, last))
            for j in run:
                if j >= begin:
                    roles[j] = "signature"
    quoted_spans = _spans(lines, starts, roles, "quoted") + known
    found_signature = signature
    if found_signature is None and signature_lines:
        first, last = signature_lines[-1]
        found_signature = trusted(
            Span, start=starts[first], end=starts[last] + len(lines[last].rstrip())
        )
    thread = _thread(layout, _level)
    if not quoted_spans and found_signature is None:
        return _whole(text)
    own = _spans(lines, starts, roles, "own")
    if signature is not None:
        own = _without(text, own, signature)
    return AuthorText(
        text=text,
        own=own,
        quoted=tuple(sorted(quoted_spans, key=lambda s: s.start)),
        signature=found_signature,
        thread=thread,
    )


def _whole(text: str) -> AuthorText:
    stripped = text.strip()
    if not stripped:
        return AuthorText(text=text, own=())
    start = len(text) - len(text.lstrip())
    return AuthorText(text=text, own=(trusted(Span, start=start, end=start + len(stripped)),))


def _apply_known(
    roles: list[str], starts: Sequence[int], lines: Sequence[str], known: Sequence[Span]
) -> None:
    """Mark the lines inside the known quoted spans as quoted.

    One sweep over the lines, in order, with the spans sorted by start: a line lies
    inside a span when one of the spans that start at or before it ends at or after it,
    that is when the furthest end of those spans does.
    """
    if not known:
        return
    ordered = sorted(known, key=lambda s: s.start)
    furthest = -1
    n = 0
    for i, start in enumerate(starts):
        while n < len(ordered) and ordered[n].start <= start:
            furthest = max(furthest, ordered[n].end)
            n += 1
        if start + len(lines[i]) <= furthest and lines[i].strip():
            roles[i] = "quoted"


def _spans(
    lines: Sequence[str], starts: Sequence[int], roles: Sequence[str], role: str
) -> tuple[Span, ...]:
    """Spans of the runs of lines with *role* (blank lines inside a run joined)."""
    if role not in roles:
        return ()
    spans: list[Span] = []
    begin = end = -1
    for i, line in enumerate(lines):
        if roles[i] == role:
            stripped = line.strip()
            if begin < 0:
                begin = starts[i] + (len(line) - len(line.lstrip()))
            end = starts[i] + len(line.rstrip()) if stripped else end
        elif roles[i] != "blank" and begin >= 0:
            spans.append(trusted(Span, start=begin, end=end))
            begin = -1
    if begin >= 0:
        spans.append(trusted(Span, start=begin, end=end))
    return tuple(s for s in spans if s.end > s.start)


def _without(text: str, spans: Sequence[Span], cut: Span) -> tuple[Span, ...]:
    """*spans* without the part inside *cut*, trimmed of white space."""
    kept: list[Span] = []
    for span in spans:
        if span.end <= cut.start or span.start >= cut.end:
            kept.append(span)
            continue
        if span.start < cut.start:
            kept.append(trusted(Span, start=span.start, end=cut.start))
        if span.end > cut.end:
            kept.append(trusted(Span, start=cut.end, end=span.end))
    trimmed = []
    for span in kept:
        part = text[span.start : span.end]
        start = span.start + len(part) - len(part.lstrip())
        end = span.start + len(part.rstrip())
        if end > start:
            trimmed.append(trusted(Span, start=start, end=end))
    return tuple(trimmed)


def _thread(layout: _Layout, level: int) -> tuple[Quoted, ...]:
    """The earlier messages: the first quoted message, then those it quotes."""
    if not layout.quote_lines or level >= _MAX_DEPTH:
        return ()
    inner = author_text("\n".join(layout.quote_lines), _level=level + 1)
    own = inner.own_text().strip()
    first = (Quoted(author=layout.author, text=own),) if own else ()
    return first + inner.thread


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def thread_interactions(thread: Iterable[Quoted], at: datetime) -> tuple[Interaction, ...]:
    """The quoted messages as inbound interactions ``quoted-1``, ``quoted-2`` ... at *at*."""
    return tuple(
        Interaction(
            id=f"quoted-{n}", at=at, direction=Direction.INBOUND, author=q.author, text=q.text
        )
        for n, q in enumerate(thread, 1)
    )


@attrs.frozen(kw_only=True)
class Draft:
    """A draft as the checks see it.

    Attributes:
        text: the text as written (what spans index).
        checked: the text the checks read: :meth:`AuthorText.masked`, or *text*.
        thread: the quoted messages as interactions (:func:`thread_interactions`).
        markers: checks silenced by markers outside the author's own text (in the
            signature), ``*`` for a bare marker.
    """

    text: str
    checked: str
    thread: tuple[Interaction, ...] = ()
    markers: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str | AuthorText, *, author_only: bool, at: datetime | None = None) -> Draft:
        """The draft of *text*; with *author_only* false, the whole text is checked.

        *at* dates the quoted messages (default: now, read only when there are any).
        """
        if isinstance(text, str) and (not author_only or "\n" not in text):
            return cls(text=text, checked=text)  # one line is all the author's (author_text)
        split = text if isinstance(text, AuthorText) else author_text(text)
        if split.whole:
            return cls(text=split.text, checked=split.text)
        thread: tuple[Interaction, ...] = ()
        if split.thread:
            thread = thread_interactions(split.thread, at if at is not None else _utc_now())
        return cls(
            text=split.text,
            checked=split.masked(),
            thread=thread,
            markers=silenced(split.text, ["*"]),
        )


# ---------------------------------------------------------------------------------- HTML

_SKIPPED_TAGS = frozenset(["style", "script", "head", "title", "template", "xml"])
_BLOCK_TAGS = frozenset(
    """
    p div br li tr h1 h2 h3 h4 h5 h6 blockquote table ul ol hr pre section article header
    footer address dl dt dd
    """.split()  # noqa: SIM905
)
_VOID_TAGS = frozenset(
    ["br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"]
)
#: Classes and ids that mail clients put on the container of the quoted thread.
_QUOTE_MARKERS = (
    "gmail_quote",
    "yahoo_quoted",
    "divrplyfwdmsg",
    "appendonsend",
    "mail-editor-reference-message-container",
    "moz-cite-prefix",
    "outlookmessageheader",
    "zmail_extra",
    "protonmail_quote",
)
_SIGNATURE_MARKERS = ("gmail_signature", "moz-signature", "signature")
_SPACES = re.compile(r"\s+")


class _HtmlReader(HTMLParser):
    """HTML to text, with the spans of quoted text and of the signature."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.newlines = 0
        self.skip = 0
        self.pre = 0
        self.quote_depth = 0
        self.quote_start = -1
        self.quoted: list[tuple[int, int]] = []
        self.rest_quoted_from = -1
        self.signature_start = -1
        self.signature_end = -1
        self.signature_stack = 0
        self.stack: list[str] = []
        self.comments: list[str] = []

    def _emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.size += len(text)
            stripped = text.rstrip("\n")
            trailing = len(text) - len(stripped)
            self.newlines = self.newlines + trailing if not stripped else trailing

    def _newline(self, count: int = 1) -> None:
        """End the current line, with a blank line after it when *count* is 2."""
        if self.size and self.newlines < count:
            self._emit("\n" * (count - self.newlines))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip += 1
            return
        marks = " ".join(v or "" for k, v in attrs if k in {"class", "id"}).lower()
        if tag in _BLOCK_TAGS:
            self._newline(2 if tag in {"p", "blockquote", "table", "ul", "ol"} else 1)
        if tag == "br":
            self._emit("\n")
        if tag == "pre":
            self.pre += 1
        if marks and self.rest_quoted_from < 0 and any(m in marks for m in _QUOTE_MARKERS):
            self.rest_quoted_from = self.size
        if tag == "blockquote":
            if self.quote_depth == 0:
                self.quote_start = self.size
            self.quote_depth += 1
        if tag not in _VOID_TAGS:
            self.stack.append(tag)
            if self.signature_stack:
                self.signature_stack += 1
            elif marks and self.signature_start < 0 and any(m in marks for m in _SIGNATURE_MARKERS):
                self.signature_start = self.size
                self.signature_stack = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK_TAGS:
            self._newline(2 if tag in {"p", "blockquote", "table", "ul", "ol"} else 1)
        if tag == "blockquote" and self.quote_depth:
            self.quote_depth -= 1
            if self.quote_depth == 0:
                self.quoted.append((self.quote_start, self.size))
        if tag in _VOID_TAGS or tag not in self.stack[-20:]:
            return
        while self.stack:
            top = self.stack.pop()
            if self.signature_stack:
                self.signature_stack -= 1
                if self.signature_stack == 0:
                    self.signature_end = self.size
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            data = _SPACES.sub(" ", data)
            if not self.parts or self.newlines or self.parts[-1].endswith(" "):
                data = data.lstrip(" ")
        self._emit(data)

    def handle_comment(self, data: str) -> None:
        if "perception" in data.lower():
            self.comments.append(data)


def html_text(html: str) -> AuthorText:
    """Read an HTML message body as text, and split it as :func:`author_text` does.

    Block elements become line breaks; ``<style>``, ``<script>`` and ``<head>`` are
    dropped; ``<blockquote>`` and the thread containers of the common mail clients
    (Gmail's ``gmail_quote``, Outlook's ``divRplyFwdMsg``, Thunderbird's
    ``moz-cite-prefix``, Yahoo's ``yahoo_quoted`` ...) are quoted text, and their
    signature containers (``gmail_signature``, ``moz-signature``, ``Signature``) the
    signature.  The spans of the result index the text read from the HTML.
    """
    reader = _html_reader(html)
    text = "".join(reader.parts)
    quoted = [trusted(Span, start=a, end=b) for a, b in reader.quoted if b > a]
    if reader.rest_quoted_from >= 0:
        quoted.append(trusted(Span, start=reader.rest_quoted_from, end=len(text)))
    signature = None
    if reader.signature_start >= 0:
        end = reader.signature_end if reader.signature_end >= 0 else len(text)
        if end > reader.signature_start:
            signature = trusted(Span, start=reader.signature_start, end=end)
    return author_text(text, quoted=quoted, signature=signature)


def _html_reader(html: str) -> _HtmlReader:
    reader = _HtmlReader()
    reader.feed(_unclosed_as_text(html))
    reader.close()
    return reader


#: What closes a comment (``-->``), a marked section (``]]>``) and a conditional section
#: of Microsoft's HTML (``<![endif]>``) for :class:`~html.parser.HTMLParser`, written
#: backwards: searched for in the reversed text, the first match is the last one.
_COMMENT_CLOSE_REVERSED = re.compile(r">\s*--")
_SECTION_CLOSE_REVERSED = re.compile(r">\s*\]\s*\]")
_CONDITION_CLOSE_REVERSED = re.compile(r">\s*\]")
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTIONS = frozenset(["temp", "cdata", "ignore", "include", "rcdata"])
_CONDITIONS = frozenset(["if", "else", "endif"])


def _unclosed_as_text(html: str) -> str:
    """*html* with the ``<`` of each construct that nothing closes written as ``&lt;``.

    :class:`~html.parser.HTMLParser` reads a construct it cannot close (a ``<`` after
    the last ``>``, a comment without a ``-->`` after it, a ``<![`` section without its
    end) as text, but only after searching the rest of the input for its end, once for
    each such construct: quadratic time on text such as ``</</</...`` or
    ``<!--x><!--x>...`` (fixed in newer CPython patch releases, whose parser drops such
    text instead).  Some ``<![`` sections it cannot read at all (``AssertionError``).
    Written as ``&lt;``, each is read as the text it is, at once.  Where each closing
    can be found is computed once, from the end (the last ``>``, ``-->``, ``]]>`` and
    ``]>``), so that this is linear in the length of *html*; a ``<`` that starts
    anything else, or that anything can close, is left as it is.
    """
    last = html.rfind(">")
    tail = html.find("<", last + 1)
    first = html.find("<!", 0, max(last, 0))
    if tail < 0 and first < 0:
        return html
    size = len(html)
    reverse = html[::-1] if first >= 0 else ""

    def last_start(pattern: re.Pattern[str]) -> int:
        found = pattern.search(reverse)
        return size - found.end() if found is not None else -1

    comment_close = last_start(_COMMENT_CLOSE_REVERSED) if first >= 0 else -1
    section_close = last_start(_SECTION_CLOSE_REVERSED) if first >= 0 else -1
    condition_close = last_start(_CONDITION_CLOSE_REVERSED) if first >= 0 else -1
    parts: list[str] = []
    at = 0
    i = first
    while i >= 0:
        if html.startswith("<!--", i):
            closed = comment_close >= i + 4
        elif html.startswith("<![", i):
            name = _SECTION_NAME.match(html, i + 3)
            kind = name.group().strip().lower() if name is not None else ""
            close = section_close if kind in _SECTIONS else -1
            close = condition_close if kind in _CONDITIONS else close
            closed = close >= i + 3
        else:  # a declaration or a bogus comment: closed by the last ">" at the latest
            closed = True
        if not closed:
            parts += (html[at:i], "&lt;")
            at = i + 1
        i = html.find("<!", i + 2, last)
    if tail >= 0:
        parts += (html[at:tail], html[tail:].replace("<", "&lt;"))
    else:
        parts.append(html[at:])
    return "".join(parts)


# -------------------------------------------------------------------------------- markers

_MARKER = re.compile(
    r"<!--[ \t]{0,20}perception:[ \t]{0,20}ignore(?:\[[^\]\n]{0,500}\])?[ \t]{0,20}-->\n?"
    r"|^[ \t]{0,20}\[//\]: # \(perception:[ \t]{0,20}ignore[^)\n]{0,500}\)[ \t]*\n?",
    re.IGNORECASE | re.MULTILINE,
)
_MARKER_NAMES = re.compile(r"perception:\s{0,20}ignore(?:\[(?P<names>[^\]\n]{0,500})\])?", re.I)


def strip_markers(text: str) -> tuple[str, tuple[str, ...] | None]:
    """*text* without its comment-form silencing markers, and the checks they name.

    A marker written as an HTML comment (``<!-- perception: ignore[acknowledgement] -->``)
    or a Markdown comment (``[//]: # (perception: ignore[readability])``) is for the
    writer's tools, not for the customer: remove it before sending.  The names are
    ``None`` when no marker was found, ``()`` for a bare marker (every check).
    """
    found = list(_MARKER.finditer(text))
    if not found:
        return text, None
    names: list[str] = []
    bare = False
    for match in found:
        named = _MARKER_NAMES.search(match.group())
        listed = named.group("names") if named is not None else None
        if listed is None:
            bare = True
        else:
            names.extend(n.strip() for n in listed.split(",") if n.strip())
    return _MARKER.sub("", text), (() if bare else tuple(dict.fromkeys(names)))


# ---------------------------------------------------------------------------------- .eml


@attrs.frozen(kw_only=True)
class Email:
    """An e-mail read from an RFC 5322 message (``.eml``).

    Attributes:
        subject: the ``Subject`` header.
        sender: the ``From`` header, as written.
        recipients: the addresses of ``To`` and ``Cc``.
        date: the ``Date`` header, if present and readable.
        html: whether the text was read from a ``text/html`` part.
        author: the body, split into the author's own text and the rest; its ``text``
            is what the spans of findings index.
        ignore: checks silenced for this message by an ``X-Perception-Ignore`` header or
            a comment-form marker (``()`` silences every check; ``None`` when none).
        notices: what was read only in part, each naming the source (a header longer
            than :data:`MAX_HEADER_LENGTH` or :data:`MAX_CONTENT_HEADER_LENGTH`).
    """

    subject: str
    sender: str
    recipients: tuple[str, ...]
    date: datetime | None
    html: bool
    author: AuthorText
    ignore: tuple[str, ...] | None = None
    notices: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body as text."""
        return self.author.text


def read_email(data: bytes | str, *, source: str = "<message>") -> Email:
    """Read an e-mail message: its headers and its text body, split by author.

    The ``text/plain`` body is preferred; a message with only ``text/html`` is read
    with :func:`html_text`.  Quoted-printable and base64 bodies and the declared
    character set are decoded; bytes the character set cannot decode are replaced.

    A header longer than :data:`MAX_HEADER_LENGTH` characters (unfolded), or a part's
    ``Content-*`` header longer than :data:`MAX_CONTENT_HEADER_LENGTH`, is read up to
    there, with a notice in :attr:`Email.notices`: the standard library's reading of a
    header takes time that grows faster than its length (a 1 MB ``Subject`` took 20
    seconds), and no real header is that long.  The body is always read whole.

    :param data: the message, as bytes or text.
    :param source: the file name used in error messages and notices.
    :raises MailError: when the message has no text body, when a header it reads
        (``From``, ``To``, ``Cc``, ``Subject``, ``X-Perception-Ignore``, or one that
        gives the structure of the message) cannot be read, or when its parts are nested
        too deeply to be read.
    """
    notes: dict[str, str] = {}
    try:
        return _email(data, source, notes)
    except _UnreadableHeaderError as exc:
        raise MailError(f"{source}: {exc}") from None
    except RecursionError:
        raise MailError(f"{source}: not readable: {_TOO_DEEP}") from None


def _email(data: bytes | str, source: str, notes: dict[str, str]) -> Email:
    parsed = _message(data, notes)
    body = parsed.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise MailError(f"{source}: no text/plain or text/html part to read")
    content = _content(body, source)
    html = body.get_content_type() == "text/html"
    split = html_text(content) if html else author_text(content)
    ignore = _header_ignore(parsed, source)
    comment_names = _comment_ignore(content) if html else None
    if comment_names is not None:
        ignore = comment_names if ignore is None or not comment_names else (*ignore, *comment_names)
    return Email(
        subject=_header(parsed, "subject", source),
        sender=_header(parsed, "from", source),
        recipients=tuple(
            address
            for _, address in _addresses(
                [_header(parsed, "to", source), _header(parsed, "cc", source)]
            )
            if address
        ),
        date=_date(parsed),
        html=html,
        author=split,
        ignore=ignore,
        notices=tuple(f"{source}: {note}" for note in notes.values()),
    )


#: The longest header value read in full, in characters after unfolding: 8 KiB, room for
#: a ``To`` of some two hundred addresses (RFC 5322 limits a line to 998 characters; a
#: header folded over several lines is longer).  A longer header is read up to there.
MAX_HEADER_LENGTH = 8192
#: The same for the ``Content-*`` headers of each part (``Content-Type``, read several times
#: for each part as the message is parsed): 2 KiB, room for parameters such as a long file
#: name written in RFC 2231's pieces.
MAX_CONTENT_HEADER_LENGTH = 2048
#: How many headers, once read, each message keeps to be read again (the parser asks for
#: each part's ``Content-Type`` several times in a row).
_KEPT_HEADERS = 16
#: Comments nested deeper than this in a header make it unreadable (the parsers recurse).
_MAX_NESTING = 32
#: Headers read as written (unfolded): the message ids are read by the importer itself.
_RAW_HEADERS = frozenset(["message-id", "in-reply-to", "references"])
_LINE_BREAK = re.compile(r"\r\n?|\n")
_TOO_DEEP = "its MIME parts are nested too deeply"


class _UnreadableHeaderError(Exception):
    """A header the standard library's parser fails on (its name and why)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"header {name!r} cannot be read: {reason}")
        self.name = name
        self.reason = reason


if TYPE_CHECKING:  # generic in the stubs only
    _EmailPolicy = EmailPolicy[EmailMessage]
else:
    _EmailPolicy = EmailPolicy


class _MailPolicy(_EmailPolicy):
    """:data:`email.policy.default`, with each header read safely.

    A header longer than :data:`MAX_HEADER_LENGTH` (a ``Content-*`` header, than
    :data:`MAX_CONTENT_HEADER_LENGTH`) is read up to there, and *notes* says so; the
    last headers read are kept, to be given again rather than read again; the message ids
    (:data:`_RAW_HEADERS`) are read as written; a header whose comments nest deeper than
    :data:`_MAX_NESTING`, or on which the parser fails with an error of its own
    (``'Group' object has no attribute 'local_part'`` for ``:;`` and a NUL), raises
    :class:`_UnreadableHeaderError` naming it.
    """

    notes: dict[str, str]
    kept: collections.OrderedDict[tuple[str, str], Any]

    @classmethod
    def create(cls, notes: dict[str, str]) -> _MailPolicy:
        """A policy that writes its notices into *notes* (one a header)."""
        policy = cls(header_factory=_HEADER_FACTORY)
        object.__setattr__(policy, "notes", notes)  # policies are read-only once made
        object.__setattr__(policy, "kept", collections.OrderedDict())
        return policy

    def header_fetch_parse(self, name: str, value: str) -> Any:  # as the base class's
        """The header *name*, read from its *value* as stored (see the class)."""
        if hasattr(value, "name"):  # already read
            return value
        kept = self.kept.get((name, value))
        if kept is not None:
            self.kept.move_to_end((name, value))
            return kept
        header = self._read(name, value)
        self.kept[name, value] = header
        if len(self.kept) > _KEPT_HEADERS:
            self.kept.popitem(last=False)
        return header

    def _read(self, name: str, value: str) -> Any:  # a header object
        text = _LINE_BREAK.sub("", value)
        key = name.lower()
        if key in _RAW_HEADERS:
            return _plain(text)
        limit = MAX_CONTENT_HEADER_LENGTH if key.startswith("content-") else MAX_HEADER_LENGTH
        if len(text) > limit:
            text = _cut(text, limit)
            self.notes.setdefault(
                key,
                f"header {name!r} is longer than {limit:,} characters: "
                f"read up to character {len(text):,}",
            )
        if "(" in text and _structured(key) and _comment_depth(text) > _MAX_NESTING:
            reason = f"comments in it are nested more than {_MAX_NESTING} deep"
            raise _UnreadableHeaderError(name, reason)
        try:
            return _HEADER_FACTORY(name, text)
        except (RecursionError, MemoryError):  # the parts nested too deeply; memory
            raise
        except Exception as exc:  # noqa: BLE001  # the parser fails in many ways on bad input
            raise _UnreadableHeaderError(name, f"malformed ({exc or type(exc).__name__})") from None


_HEADER_FACTORY = HeaderRegistry()


@functools.lru_cache(maxsize=256)
def _structured(name: str) -> bool:
    """Whether the header *name* (in lower case) is parsed for its structure (addresses,
    parameters, dates), where a ``(`` opens a comment, or read as text."""
    return not issubclass(_HEADER_FACTORY[name], UnstructuredHeader)


def _cut(value: str, limit: int) -> str:
    """*value* cut to *limit* characters, at the last comma or space before it."""
    at = max(value.rfind(",", 0, limit), value.rfind(" ", 0, limit))
    return value[: at if at > limit // 2 else limit]


def _plain(value: str) -> str:
    """*value* with the bytes that are not ASCII (kept as surrogates) read as UTF-8."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def _comment_depth(value: str) -> int:
    """How deep the comments (``(...)``) of a structured header nest, as its parser reads
    them: not inside a quoted string, a backslash escaping the next character."""
    depth = deepest = 0
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and (quoted or depth):
            escaped = True
        elif char == '"' and not depth:
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


def _addresses(values: Iterable[str]) -> list[tuple[str, str]]:
    """:func:`email.utils.getaddresses` of *values*, without the values whose comments nest
    deeper than its parser can recurse."""
    return getaddresses([v for v in values if _comment_depth(v) <= _MAX_NESTING])


def _message(data: bytes | str, notes: dict[str, str]) -> EmailMessage:
    """The message *data*, parsed with :class:`_MailPolicy` (its notices into *notes*).

    :raises _UnreadableHeaderError: a header that gives its structure cannot be read.
    :raises RecursionError: its parts are nested too deeply.
    """
    policy = _MailPolicy.create(notes)
    if isinstance(data, bytes):
        parsed = email.message_from_bytes(data, policy=policy)
    else:
        parsed = email.message_from_string(data, policy=policy)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _content(part: MIMEPart, source: str) -> str:
    """The text of *part*, decoded; its bytes as UTF-8 when its charset is unknown."""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        return raw.decode("utf-8", errors="replace")
    if not isinstance(content, str):  # pragma: no cover - text parts decode to str
        raise MailError(f"{source}: the text part could not be read as text")
    return content


def _header(message: EmailMessage, name: str, source: str) -> str:
    try:
        value = message.get(name)
    except _UnreadableHeaderError as exc:
        raise MailError(f"{source}: {exc}") from None
    return "" if value is None else str(value)


def _date(message: EmailMessage) -> datetime | None:
    try:
        raw = message.get("date")
    except _UnreadableHeaderError:
        return None
    if raw is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


def _header_ignore(message: EmailMessage, source: str) -> tuple[str, ...] | None:
    value = _header(message, "x-perception-ignore", source)
    if not value.strip():
        return None
    if value.strip() in {"*", "all"}:
        return ()
    return tuple(n.strip() for n in value.split(",") if n.strip())


def _comment_ignore(html: str) -> tuple[str, ...] | None:
    if "perception" not in html.lower():
        return None
    reader = _html_reader(html)
    names: list[str] = []
    found = False
    for comment in reader.comments:
        match = _MARKER_NAMES.search(comment)
        if match is None:
            continue
        found = True
        listed = match.group("names")
        if listed is None:
            return ()
        names.extend(n.strip() for n in listed.split(",") if n.strip())
    return tuple(names) if found else None
