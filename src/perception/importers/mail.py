"""E-mail: ``.eml`` files and ``mbox`` mailboxes into accounts, with the standard library.

Each message becomes an interaction.  Its direction comes from the sender's domain: one
of the team's own domains is outbound, any other inbound.  The customer is the other
side's domain (the sender of an inbound message, the first recipient outside the team of
an outbound one), and each account is one such domain, with the people seen on that side
as its stakeholders.  Replies are threaded by ``In-Reply-To`` and, when the message it
names is not in the mail read, by the latest earlier message named in ``References``.
Each message keeps only what its sender wrote: the quoted earlier messages (``>``
lines, "On ... wrote:" attributions, Outlook and forwarded-message header blocks, HTML
blockquotes and the mail clients' thread containers) and the signature are left out, as
:func:`perception.mail.author_text` reads them, so that each message counts for what it
adds.
"""

from __future__ import annotations

import hashlib
import mailbox
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import attrs

from perception.errors import Problem, ValidationError
from perception.importers._common import Notice, invalid, notifier
from perception.mail import (
    _TOO_DEEP,
    _addresses,
    _content,
    _message,
    _UnreadableHeaderError,
    author_text,
    html_text,
)
from perception.model import Account, Channel, Customer, Direction, Interaction, Stakeholder

__all__ = ["import_email"]


@attrs.frozen
class _Mail:
    """What an importer needs of one message."""

    id: str
    at: datetime
    sender: tuple[str, str]  # (display name, address)
    recipients: tuple[tuple[str, str], ...]
    subject: str
    text: str
    in_reply_to: str | None
    references: tuple[str, ...]
    source: str


def _message_ids(value: str | None) -> tuple[str, ...]:
    """The ids in a ``Message-ID``, ``In-Reply-To`` or ``References`` header, without
    their angle brackets."""
    if not value:
        return ()
    parts = (part.strip("<>") for part in str(value).replace(",", " ").split())
    return tuple(part for part in parts if part)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().casefold()


def _body(message: EmailMessage, source: str) -> str:
    """The text the sender wrote: the plain or HTML body without the quoted thread and the
    signature, as :func:`perception.mail.author_text` and :func:`perception.mail.html_text`
    split it (the same reading ``perception check`` gives an ``.eml`` file)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _content(part, source)
    split = html_text(content) if part.get_content_type() == "text/html" else author_text(content)
    return split.own_text().strip()


def _parse(raw: bytes, source: str, tell: Notice) -> _Mail:
    """The message *raw* of *source*, read as :func:`perception.mail.read_email` reads one
    (each header at most :data:`~perception.mail.MAX_HEADER_LENGTH` characters long, with a
    notice; the message ids as written).

    :raises ~perception.errors.ValidationError: naming *source* and the header, when the
        message has no ``From`` or no readable ``Date``, or a header it needs cannot be read.
    """
    notes: dict[str, str] = {}
    try:
        return _mail(raw, source, notes)
    except _UnreadableHeaderError as exc:
        raise invalid(source, exc.name, f"cannot be read: {exc.reason}") from None
    except RecursionError:
        raise invalid(source, "", f"not readable: {_TOO_DEEP}") from None
    finally:
        for note in notes.values():
            tell(f"{source}: {note}")


def _mail(raw: bytes, source: str, notes: dict[str, str]) -> _Mail:
    message = _message(raw, notes)
    date = message.get("Date")
    try:
        at = parsedate_to_datetime(str(date)) if date else None
    except (TypeError, ValueError, IndexError):
        at = None
    if at is None:
        raise invalid(source, "Date", f"missing or not a date: {date!r}")
    if at.tzinfo is None:  # RFC 5322's "-0000": the zone is unknown, the time is UTC
        at = at.replace(tzinfo=timezone.utc)
    senders = _addresses([str(message.get("From", ""))])
    sender = senders[0] if senders and senders[0][1] else None
    if sender is None:
        raise invalid(source, "From", "missing")
    if not _domain(sender[1]):  # the domain names the account
        raise invalid(source, "From", f"no domain in the address {sender[1]!r}")
    recipients = tuple(
        (name, address)
        for name, address in _addresses(
            [str(v) for field in ("To", "Cc") for v in message.get_all(field, [])]
        )
        if _domain(address)
    )
    subject = " ".join(str(message.get("Subject", "")).split())
    text = _body(message, source)
    ids = _message_ids(message.get("Message-ID"))
    if ids:
        message_id = ids[0]
    else:
        digest = hashlib.sha256(f"{sender[1]}\n{at.isoformat()}\n{subject}".encode())
        message_id = "mail-" + digest.hexdigest()[:16]
    replied = _message_ids(message.get("In-Reply-To"))
    return _Mail(
        id=message_id,
        at=at,
        sender=sender,
        recipients=recipients,
        subject=subject,
        text=text,
        in_reply_to=replied[0] if replied else None,
        references=_message_ids(message.get("References")),
        source=source,
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise invalid(str(path), "", f"cannot read: {exc.strerror or exc}") from None


def _raw_messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """``(source, bytes)`` of each message in *path*: a folder (its ``.eml`` files), an
    ``.eml`` file or an mbox file."""
    if path.is_dir():
        for child in sorted(path.rglob("*.eml")):
            if child.is_file():  # not a folder named "x.eml"
                yield str(child), _read(child)
        return
    if path.suffix.lower() == ".eml":
        yield str(path), _read(path)
        return
    try:
        box = mailbox.mbox(path, create=False)
    except OSError as exc:
        raise invalid(str(path), "", f"cannot read: {exc.strerror or exc}") from None
    try:
        try:
            keys = box.keys()
        except OSError as exc:
            raise invalid(str(path), "", f"cannot read: {exc.strerror or exc}") from None
        for index, key in enumerate(keys, start=1):
            yield f"{path} message {index}", _unescape_from(box.get_bytes(key))
    finally:
        box.close()


def _unescape_from(raw: bytes) -> bytes:
    """An mbox message with its body's ``>From `` lines as written (``From ``): mailboxes
    quote a line that starts with ``From `` when they store a message (mboxrd)."""
    if b">From " not in raw:
        return raw
    lines = raw.split(b"\n")
    return b"\n".join(
        line[1:] if line.startswith(b">") and line.lstrip(b">").startswith(b"From ") else line
        for line in lines
    )


def _nothing_read(path: Path) -> str:
    """Why no message was read from *path*, in words."""
    if path.is_dir():
        return "no message read: the folder holds no .eml file"
    try:
        empty = path.stat().st_size == 0
    except OSError:  # pragma: no cover - it was just read
        empty = False
    if empty:
        return "no message read: the file is empty"
    return (
        "no message read: not an mbox mailbox (each message of one starts with a line "
        "'From <address> <date>'); a file holding one message is read when its name ends "
        "in .eml"
    )


def _read_messages(paths: Iterable[str | Path], tell: Notice) -> Iterator[_Mail]:
    """The messages of *paths* (``.eml`` files, folders of them, mbox files), parsed.

    A path from which no message is read is told, or, when no message is read from any,
    is an error.
    """
    empty: list[Path] = []
    read = 0
    for path in map(Path, paths):
        if not path.exists():
            raise invalid(str(path), "", "no such file or folder")
        count = 0
        for source, raw in _raw_messages(path):
            count += 1
            yield _parse(raw, source, tell)
        read += count
        if not count:
            empty.append(path)
    if empty and not read:
        problems = [Problem(path="", message=_nothing_read(p), source=str(p)) for p in empty]
        summary = "no e-mail message read from " + ", ".join(str(p) for p in empty)
        raise ValidationError(problems, summary=summary)
    for path in empty:
        tell(f"{path}: {_nothing_read(path)}")


def _stakeholder_id(address: str) -> str:
    return address.casefold()


def import_email(
    paths: Iterable[str | Path],
    *,
    team_domains: Sequence[str],
    notice: Notice | None = None,
) -> list[Account]:
    """Accounts from e-mail: ``.eml`` files, folders of them and mbox files.

    :param paths: the files and folders to read.
    :param team_domains: the team's own mail domains (``["example.com"]``): a message from
        one of them is outbound, any other inbound.  Subdomains count as the domain.
    :param notice: told what is left out: duplicates, messages with no customer.
    :return: one account per customer domain, its id and name the domain, its
        stakeholders the people seen on the customer's side, its interactions the
        messages, threaded by ``In-Reply-To`` and ``References``.
    :raises ~perception.errors.ValidationError: naming the file (and the message of an
        mbox) when a message has no ``From`` or no readable ``Date``, or a header it
        needs cannot be read; naming each path when no message at all is read from any
        (a path that gives none while others do is told as a notice).
    """
    tell = notifier(notice)
    ours = tuple(d.strip().casefold().lstrip("@") for d in team_domains if d.strip())
    if not ours:
        raise invalid("import_email", "team_domains", "name at least one of the team's domains")

    def is_ours(address: str) -> bool:
        domain = _domain(address)
        return any(domain == d or domain.endswith("." + d) for d in ours)

    seen: dict[str, _Mail] = {}
    by_domain: dict[str, list[tuple[_Mail, Direction]]] = {}
    people: dict[str, dict[str, str]] = {}
    for mail in _read_messages(paths, tell):
        if mail.id in seen:
            tell(f"{mail.source}: message {mail.id!r} already read from {seen[mail.id].source}")
            continue
        seen[mail.id] = mail
        outbound = is_ours(mail.sender[1])
        theirs = [r for r in mail.recipients if not is_ours(r[1])] if outbound else [mail.sender]
        if not theirs:
            tell(f"{mail.source}: no one outside the team in message {mail.id!r}; left out")
            continue
        domain = _domain(theirs[0][1])
        direction = Direction.OUTBOUND if outbound else Direction.INBOUND
        by_domain.setdefault(domain, []).append((mail, direction))
        known = people.setdefault(domain, {})
        for name, address in theirs if outbound else [mail.sender]:
            if _domain(address) == domain:
                known.setdefault(
                    _stakeholder_id(address), name or address.partition("@")[0] or address
                )
    return [
        _account(domain, messages, people.get(domain, {}))
        for domain, messages in sorted(by_domain.items())
    ]


def _reply_target(mail: _Mail, present: dict[str, datetime]) -> str | None:
    if mail.in_reply_to in present and mail.in_reply_to != mail.id:
        return mail.in_reply_to
    earlier = [r for r in mail.references if r in present and r != mail.id]
    return earlier[-1] if earlier else None


def _account(
    domain: str, messages: list[tuple[_Mail, Direction]], people: dict[str, str]
) -> Account:
    present = {mail.id: mail.at for mail, _ in messages}
    interactions = []
    for mail, direction in sorted(messages, key=lambda m: (m[0].at, m[0].id)):
        sender = mail.sender[1]
        interactions.append(
            Interaction(
                id=mail.id,
                at=mail.at,
                direction=direction,
                channel=Channel.EMAIL,
                author=_stakeholder_id(sender) if direction is Direction.INBOUND else sender,
                subject=mail.subject,
                text=mail.text,
                in_reply_to=_reply_target(mail, present),
            )
        )
    stakeholders = [
        Stakeholder(id=address, name=name, email=address)
        for address, name in sorted(people.items())
    ]
    return Account(
        customer=Customer(id=domain, name=domain, stakeholders=stakeholders),
        interactions=interactions,
    )
