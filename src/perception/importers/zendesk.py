"""Zendesk Support: tickets with their comments into accounts with cases.

The input is what the Zendesk Support API returns, saved as JSON: a ticket list (``GET
/api/v2/tickets`` or an incremental ticket export) with the users and organizations
sideloaded (``?include=users,organizations``), each ticket carrying its comments (``GET
/api/v2/tickets/{id}/comments``) in a ``comments`` list.  A file may also hold one
ticket per line (JSON Lines), as the account data export writes them; users and
organizations then come from ``users`` and ``organizations`` files given separately.

Each organization is an account (its id ``zendesk-org-ID``, or its ``external_id`` when
it has one, so that it matches the CRM), each ticket a case, each public comment an
interaction of that case: inbound when its author is an end user, outbound when an agent
or admin wrote it.  Private comments (internal notes) are not seen by the customer and
are left out.  A ticket without an organization belongs to its requester's e-mail domain.
A satisfaction rating of ``good`` becomes praise and ``bad`` a complaint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from perception.errors import ValidationError
from perception.importers._common import Notice, html_text, invalid, notifier, parse_time, plain_id
from perception.io import decode_text, loads_json
from perception.model import (
    Account,
    Case,
    Channel,
    Customer,
    Direction,
    Feedback,
    FeedbackKind,
    Interaction,
    Seniority,
    Stakeholder,
)

__all__ = ["import_zendesk"]

#: Zendesk's ``via.channel`` values and the channel they are here; others are tickets.
_CHANNELS = {
    "email": Channel.EMAIL,
    "chat": Channel.CHAT,
    "native_messaging": Channel.CHAT,
    "voice": Channel.PHONE,
}

#: Zendesk's statuses here; ``hold`` is the same, ``deleted`` tickets are left out.
_STATUSES = {"new", "open", "pending", "hold", "solved", "closed"}


def _read(path: Path) -> Iterator[tuple[str, Any]]:
    """``(source, object)`` for the JSON object of *path*, or each line of a JSONL file."""
    if not path.is_file():
        raise invalid(str(path), "", "no such file")
    text = decode_text(path.read_bytes(), str(path))
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield f"{path}:{number}", loads_json(line, str(path), line=number)
        return
    yield str(path), loads_json(text, str(path))


def _collect(
    paths: Iterable[str | Path],
) -> tuple[list[tuple[str, Mapping[str, Any]]], dict[str, Any], dict[str, Any]]:
    tickets: list[tuple[str, Mapping[str, Any]]] = []
    users: dict[str, Any] = {}
    organizations: dict[str, Any] = {}
    for path in map(Path, paths):
        for source, data in _read(path):
            if not isinstance(data, Mapping):
                raise invalid(source, "", f"must be a JSON object, not {type(data).__name__}")
            if "tickets" in data or "ticket" in data:
                listed = data.get("tickets", [data.get("ticket")])
                if not isinstance(listed, list):
                    raise invalid(source, "tickets", "must be a list")
                tickets += [(f"{source} tickets[{i}]", t) for i, t in enumerate(listed)]
            elif "subject" in data and "status" in data:  # one ticket a line
                tickets.append((source, data))
            for key, into in (("users", users), ("organizations", organizations)):
                for item in data.get(key, []) or []:
                    if isinstance(item, Mapping) and "id" in item:
                        into[plain_id(item["id"])] = item
            if "name" in data and "role" in data and "id" in data:  # one user a line
                users[plain_id(data["id"])] = data
            elif "name" in data and "domain_names" in data and "id" in data:
                organizations[plain_id(data["id"])] = data
    return tickets, users, organizations


def import_zendesk(paths: Iterable[str | Path], *, notice: Notice | None = None) -> list[Account]:
    """Accounts from Zendesk Support tickets with their comments (see the module's text
    for the shape of the files).

    :param paths: JSON files of tickets (with sideloaded ``users`` and ``organizations``)
        or JSON Lines files of tickets, users or organizations.
    :param notice: told what is left out: internal notes, deleted tickets, tickets of no
        organization and no requester.
    :return: one account per organization, with a case per ticket and an interaction per
        public comment, sorted by account id.
    :raises ~perception.errors.ValidationError: naming the file, the ticket and the field
        of the first ticket that cannot be read.
    """
    tell = notifier(notice)
    tickets, users, organizations = _collect(paths)
    accounts: dict[str, dict[str, Any]] = {}
    private = 0
    for source, ticket in tickets:
        if not isinstance(ticket, Mapping):
            raise invalid(source, "", "must be a JSON object")
        status = str(ticket.get("status", "open")).casefold()
        if status == "deleted":
            tell(f"{source}: ticket {plain_id(ticket.get('id'))} is deleted; left out")
            continue
        key, customer = _customer(ticket, users, organizations)
        if key is None:
            tell(
                f"{source}: ticket {plain_id(ticket.get('id'))} has no organization "
                "and no requester e-mail; left out"
            )
            continue
        parts = accounts.setdefault(
            key,
            {"customer": customer, "people": {}, "cases": [], "interactions": [], "feedback": []},
        )
        private += _ticket(ticket, source, users, parts)
    if private:
        tell(f"{private} private comments (internal notes) left out")
    return [_account(parts) for _, parts in sorted(accounts.items())]


def _customer(
    ticket: Mapping[str, Any], users: Mapping[str, Any], organizations: Mapping[str, Any]
) -> tuple[str | None, tuple[str, str]]:
    org_id = ticket.get("organization_id")
    if org_id is not None:
        org = organizations.get(plain_id(org_id), {})
        ident = plain_id(org.get("external_id") or f"zendesk-org-{plain_id(org_id)}")
        return ident, (ident, str(org.get("name") or ident))
    requester = users.get(plain_id(ticket.get("requester_id", "")), {})
    address = str(requester.get("email") or "")
    if "@" not in address:
        return None, ("", "")
    domain = address.rpartition("@")[2].casefold()
    return domain, (domain, domain)


def _is_customer(user: Mapping[str, Any] | None, author: str, requester: str) -> bool:
    if user is not None and "role" in user:
        return str(user["role"]) == "end-user"
    return author == requester


def _ticket(
    ticket: Mapping[str, Any], source: str, users: Mapping[str, Any], parts: dict[str, Any]
) -> int:
    """Add the case, its comments and its rating to *parts*; return the private comments."""
    case_id = plain_id(ticket.get("id", ""))
    if not case_id:
        raise invalid(source, "id", "required field is missing")
    requester = plain_id(ticket.get("requester_id", ""))
    opened = parse_time(ticket.get("created_at"), source, "created_at")
    status = str(ticket.get("status") or "open").casefold()
    if status not in _STATUSES:
        raise invalid(source, "status", f"must be one of {sorted(_STATUSES)}, not {status!r}")
    closed = None
    if status in ("solved", "closed") and ticket.get("updated_at"):
        closed = parse_time(ticket["updated_at"], source, "updated_at")
    assignee = users.get(plain_id(ticket.get("assignee_id", "")), {})
    try:
        case = Case(
            id=case_id,
            opened_at=opened,
            subject=str(ticket.get("subject") or ""),
            status=status,
            priority=str(ticket.get("priority") or "normal"),
            closed_at=closed,
            requester=requester,
            assignee=str(assignee.get("name") or plain_id(ticket.get("assignee_id") or "")),
            tags=tuple(str(t) for t in ticket.get("tags") or ()),
        )
    except ValidationError as exc:
        raise exc.located(source) from None
    parts["cases"].append(case)
    if requester:
        _person(parts, requester, users.get(requester))
    channel = _CHANNELS.get(str((ticket.get("via") or {}).get("channel", "")), Channel.TICKET)
    comments = ticket.get("comments")
    if comments is None and ticket.get("description"):  # no comments fetched: the first one
        comments = [
            {
                "id": "description",
                "author_id": ticket.get("requester_id"),
                "body": ticket["description"],
                "public": True,
                "created_at": ticket.get("created_at"),
            }
        ]
    private = 0
    previous = None
    for index, comment in enumerate(comments or ()):
        where = f"{source} comments[{index}]"
        if not isinstance(comment, Mapping):
            raise invalid(where, "", "must be a JSON object")
        if comment.get("public") is False:
            private += 1
            continue
        author = plain_id(comment.get("author_id", ""))
        user = users.get(author)
        inbound = _is_customer(user, author, requester)
        if inbound and author:
            _person(parts, author, user)
        text = comment.get("plain_body") or comment.get("body") or ""
        if not comment.get("plain_body") and not comment.get("body") and comment.get("html_body"):
            text = html_text(str(comment["html_body"]))
        interaction = Interaction(
            id=f"{case_id}-{plain_id(comment.get('id', index))}",
            at=parse_time(comment.get("created_at"), where, "created_at"),
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            channel=channel if index == 0 else Channel.TICKET,
            author=author if inbound else str((user or {}).get("name") or author),
            subject=case.subject if previous is None else "",
            text=str(text),
            in_reply_to=previous,
            case=case_id,
        )
        parts["interactions"].append(interaction)
        previous = interaction.id
    rating = ticket.get("satisfaction_rating")
    if isinstance(rating, Mapping) and str(rating.get("score")) in ("good", "bad"):
        good = rating["score"] == "good"
        parts["feedback"].append(
            Feedback(
                id=f"{case_id}-rating",
                at=parse_time(
                    rating.get("updated_at")
                    or rating.get("created_at")
                    or ticket.get("updated_at"),
                    source,
                    "satisfaction_rating",
                ),
                kind=FeedbackKind.PRAISE if good else FeedbackKind.COMPLAINT,
                author=requester,
                text=str(rating.get("comment") or ""),
            )
        )
    return private


def _person(parts: dict[str, Any], user_id: str, user: Mapping[str, Any] | None) -> None:
    people: dict[str, Stakeholder] = parts["people"]
    if user_id in people:
        return
    user = user or {}
    people[user_id] = Stakeholder(
        id=user_id,
        name=str(user.get("name") or f"Zendesk user {user_id}"),
        role=str((user.get("user_fields") or {}).get("job_title") or ""),
        seniority=Seniority.USER,
        email=str(user.get("email") or ""),
    )


def _account(parts: Mapping[str, Any]) -> Account:
    ident, name = parts["customer"]
    return Account(
        customer=Customer(id=ident, name=name, stakeholders=list(parts["people"].values())),
        cases=parts["cases"],
        interactions=parts["interactions"],
        feedback=parts["feedback"],
    )
