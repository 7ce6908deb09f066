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

Every field read is checked for its type (and its text for what no output can write); the
problems of every ticket, user and organization are reported together, each naming the
file, the record and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from perception._validation import (
    SHOWN,
    kind_and_value,
    shown,
    surrogate_message,
    unpaired_surrogate,
)
from perception.errors import Problem, ValidationError
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

#: One item of the input: where it is (``file tickets[3]``, ``file:7``) and what it holds.
_Item = tuple[str, Mapping[str, Any]]


@attrs.define
class _Fields:
    """Reads the fields of one ticket, user or organization (at *source*), each checked
    for its type; every problem is kept (with its field path) and a bad field reads as
    absent, so that all of a record's problems are found at once."""

    source: str
    problems: list[Problem] = attrs.Factory(list)

    def problem(self, path: str, message: str) -> None:
        self.keep([Problem(path=path, message=message, source=self.source)])

    def keep(self, problems: Iterable[Problem]) -> None:
        """Keep *problems*, each once (a field read twice is reported once)."""
        self.problems.extend(p for p in problems if p not in self.problems)

    def text(self, data: Mapping[str, Any], key: str, path: str = "") -> str:
        """A string field (``""`` when absent or null)."""
        value = data.get(key)
        if value is None:
            return ""
        where = path or key
        if not isinstance(value, str):
            self.problem(where, f"must be a string, not {kind_and_value(value)}")
            return ""
        char = unpaired_surrogate(value)
        if char is not None:
            self.problem(where, surrogate_message(char))
            return ""
        return value

    def ident(self, data: Mapping[str, Any], key: str, path: str = "") -> str:
        """An id field: a number or a string (``""`` when absent or null)."""
        value = data.get(key)
        if isinstance(value, str):
            return plain_id(self.text(data, key, path))
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(path or key, f"must be a number or a string, not {kind_and_value(value)}")
            return ""
        return plain_id(value)

    def table(self, data: Mapping[str, Any], key: str, path: str = "") -> Mapping[str, Any]:
        """An object field (empty when absent or null)."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problem(path or key, f"must be an object, not {kind_and_value(value)}")
            return {}
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str = "") -> Sequence[Any]:
        """A list field (empty when absent or null)."""
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(path or key, f"must be a list, not {kind_and_value(value)}")
            return ()
        return value

    def time(self, value: Any, path: str, *, required: bool = False) -> datetime | None:
        """A time: ISO 8601 text or Unix seconds."""
        if value is None:
            if required:
                self.problem(path, "required field is missing")
            return None
        try:
            return parse_time(value, self.source, path)
        except ValidationError as exc:
            self.keep(exc.problems)
            return None

    def built(self, build: Any, prefix: str = "", **values: Any) -> Any:
        """``build(**values)`` (a record), or ``None`` with its problems kept."""
        try:
            return build(**values)
        except ValidationError as exc:
            self.keep(p.prefixed(prefix).located(self.source) for p in exc.problems)
            return None


def _read(path: Path) -> Iterator[tuple[str, Any]]:
    """``(source, object)`` for the JSON object of *path*, or each line of a JSONL file; a
    line that cannot be read gives its error in the place of the object."""
    if not path.is_file():
        raise invalid(str(path), "", "no such file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise invalid(str(path), "", f"cannot read: {exc.strerror or exc}") from None
    text = decode_text(raw, str(path))
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                source = f"{path}:{number}"
                try:
                    yield source, loads_json(line, str(path), line=number)
                except ValidationError as exc:
                    yield source, exc
        return
    yield str(path), loads_json(text, str(path))


@attrs.define
class _Input:
    """What the files hold: tickets, and users and organizations by id."""

    tickets: list[_Item] = attrs.Factory(list)
    users: dict[str, Mapping[str, Any]] = attrs.Factory(dict)
    organizations: dict[str, Mapping[str, Any]] = attrs.Factory(dict)
    #: Where each user and organization was read, for the problems of their records.
    where: dict[tuple[str, str], str] = attrs.Factory(dict)
    problems: list[Problem] = attrs.Factory(list)


def _collect(paths: Iterable[str | Path]) -> _Input:
    found = _Input()
    for path in map(Path, paths):
        for source, data in _read(path):
            if isinstance(data, ValidationError):
                found.problems.extend(data.problems)
                continue
            if not isinstance(data, Mapping):
                message = f"must be a JSON object, not {kind_and_value(data)}"
                found.problems.append(Problem(path="", message=message, source=source))
                continue
            _collect_one(source, data, found)
    return found


def _collect_one(source: str, data: Mapping[str, Any], found: _Input) -> None:
    """The tickets, users and organizations of one JSON object (a file or a line)."""
    fields = _Fields(source)
    if "tickets" in data or "ticket" in data:
        listed = fields.items(data, "tickets") if "tickets" in data else [data["ticket"]]
        path = "tickets" if "tickets" in data else "ticket"
        for index, ticket in enumerate(listed):
            where = f"{source} {path}[{index}]" if path == "tickets" else f"{source} ticket"
            found.tickets.append((where, ticket))
    elif "subject" in data and "status" in data:  # one ticket a line
        found.tickets.append((source, data))
    for key in ("users", "organizations"):
        for index, item in enumerate(fields.items(data, key)):
            _keep(f"{source} {key}[{index}]", key, item, found)
    if "name" in data and "role" in data and "id" in data:  # one user a line
        _keep(source, "users", data, found)
    elif "name" in data and "domain_names" in data and "id" in data:
        _keep(source, "organizations", data, found)
    found.problems.extend(fields.problems)


def _keep(source: str, kind: str, item: Any, found: _Input) -> None:
    """Keep the user or organization *item* by its id, once its fields are checked."""
    fields = _Fields(source)
    if not isinstance(item, Mapping):
        fields.problem("", f"must be an object, not {kind_and_value(item)}")
    else:
        ident = fields.ident(item, "id")
        fields.text(item, "name")
        if kind == "users":
            for key in ("email", "role"):
                fields.text(item, key)
            fields.text(fields.table(item, "user_fields"), "job_title", "user_fields.job_title")
        else:
            fields.ident(item, "external_id")
        if ident and not fields.problems:
            into = found.users if kind == "users" else found.organizations
            into[ident] = item
            found.where[kind, ident] = source
    found.problems.extend(fields.problems)


def import_zendesk(paths: Iterable[str | Path], *, notice: Notice | None = None) -> list[Account]:
    """Accounts from Zendesk Support tickets with their comments (see the module's text
    for the shape of the files).

    :param paths: JSON files of tickets (with sideloaded ``users`` and ``organizations``)
        or JSON Lines files of tickets, users or organizations.
    :param notice: told what is left out: internal notes, deleted tickets, tickets of no
        organization and no requester.
    :return: one account per organization, with a case per ticket and an interaction per
        public comment, sorted by account id.
    :raises ~perception.errors.ValidationError: every problem of every ticket, user and
        organization that cannot be read (a field of the wrong type, a time out of range,
        an id given twice), each naming the file, the record and the field.
    """
    tell = notifier(notice)
    found = _collect(paths)
    accounts: dict[str, dict[str, Any]] = {}
    problems = found.problems
    private = 0
    for source, ticket in found.tickets:
        fields = _Fields(source)
        if not isinstance(ticket, Mapping):
            fields.problem("", f"must be a JSON object, not {kind_and_value(ticket)}")
            problems += fields.problems
            continue
        status = (fields.text(ticket, "status") or "open").casefold()
        if status == "deleted":
            tell(f"{source}: ticket {_named(fields.ident(ticket, 'id'))} is deleted; left out")
            problems += fields.problems
            continue
        key, customer = _customer(ticket, fields, found)
        if key is None:
            if fields.problems:  # read the rest of the ticket for its other problems
                _ticket(ticket, status, fields, found, _parts(customer))
            else:
                tell(
                    f"{source}: ticket {_named(fields.ident(ticket, 'id'))} has no organization "
                    "and no requester e-mail; left out"
                )
            problems += fields.problems
            continue
        parts = accounts.setdefault(key, _parts(customer))
        private += _ticket(ticket, status, fields, found, parts)
        problems += fields.problems
    if private:
        tell(f"{private} private comments (internal notes) left out")
    built = []
    for _, parts in sorted(accounts.items()):
        try:
            built.append(_account(parts))
        except ValidationError as exc:  # found above as a rule; here should anything remain
            problems.extend(_located(p, parts) for p in exc.problems)
    if problems:
        raise ValidationError(problems, summary="invalid Zendesk export")
    return built


def _customer(
    ticket: Mapping[str, Any], fields: _Fields, found: _Input
) -> tuple[str | None, tuple[str, str, str]]:
    """The account a ticket belongs to: its key, and the customer's id, name and where
    it was read."""
    org_id = fields.ident(ticket, "organization_id")
    if org_id:
        org = found.organizations.get(org_id, {})
        ident = plain_id(org.get("external_id") or "") or f"zendesk-org-{org_id}"
        name = str(org.get("name") or "").strip() or ident
        return ident, (ident, name, found.where.get(("organizations", org_id), fields.source))
    if fields.problems:
        return None, ("", "", "")
    requester = found.users.get(fields.ident(ticket, "requester_id"), {})
    address = str(requester.get("email") or "")
    domain = address.rpartition("@")[2].strip().casefold()
    if "@" not in address or not domain:
        return None, ("", "", "")
    return domain, (domain, domain, fields.source)


def _named(ident: str) -> str:
    """An id as a notice names it: as it is, or cut when it is long."""
    return ident if len(ident) <= SHOWN else shown(ident)


def _parts(customer: tuple[str, str, str]) -> dict[str, Any]:
    """What an account is built from, gathered ticket by ticket."""
    return {
        "customer": customer,  # id, name, where it was read
        "people": {},  # stakeholders by user id
        "cases": [],
        "interactions": [],
        "feedback": [],
        "seen": {},  # ("case" or "interaction", id): where it was read
        "sources": {},  # ("cases" etc., index): (source, field path in the ticket)
    }


def _is_customer(user: Mapping[str, Any] | None, author: str, requester: str) -> bool:
    if user is not None and "role" in user:
        return str(user["role"]) == "end-user"
    return author == requester


def _ticket(
    ticket: Mapping[str, Any],
    status: str,
    fields: _Fields,
    found: _Input,
    parts: dict[str, Any],
) -> int:
    """Add the case, its comments and its rating to *parts*; return the private comments.

    Nothing of a ticket with a problem is added: its problems are in *fields*.
    """
    case_id = fields.ident(ticket, "id")
    if not case_id and not any(p.path == "id" for p in fields.problems):
        fields.problem("id", "required field is missing")
    requester = fields.ident(ticket, "requester_id")
    opened = fields.time(ticket.get("created_at"), "created_at", required=True)
    if status not in _STATUSES:
        fields.problem("status", f"must be one of {sorted(_STATUSES)}, not {shown(status)}")
    closed = None
    if status in ("solved", "closed") and ticket.get("updated_at"):
        closed = fields.time(ticket["updated_at"], "updated_at")
    assignee_id = fields.ident(ticket, "assignee_id")
    tags = [
        fields.text({"tag": tag}, "tag", f"tags[{index}]")
        for index, tag in enumerate(fields.items(ticket, "tags"))
    ]
    via = fields.table(ticket, "via")
    channel = _CHANNELS.get(fields.text(via, "channel", "via.channel"), Channel.TICKET)
    comments = fields.items(ticket, "comments")
    description = fields.text(ticket, "description")
    if ticket.get("comments") is None and description:  # no comments: the first one
        comments = [
            {
                "id": "description",
                "author_id": ticket.get("requester_id"),
                "body": description,
                "public": True,
                "created_at": ticket.get("created_at"),
            }
        ]
    assignee = found.users.get(assignee_id, {})
    subject = fields.text(ticket, "subject")
    values = {
        "priority": fields.text(ticket, "priority") or "normal",
        "assignee": str(assignee.get("name") or assignee_id),
    }
    # The comments and the rating are read whatever the ticket's own problems, for theirs.
    ticket_id = case_id or "?"
    interactions, private = _comments(
        comments, (ticket_id, subject, requester, channel), fields, found
    )
    feedback = _rating(ticket, ticket_id, requester, fields)
    if fields.problems or opened is None:
        return 0
    case = fields.built(
        Case,
        id=case_id,
        opened_at=opened,
        subject=subject,
        status=status,
        closed_at=closed,
        requester=requester,
        tags=tuple(tags),
        **values,
    )
    _unique(case_id, interactions, fields, parts)
    if case is None or fields.problems:
        return 0
    _add(parts, fields.source, case, interactions, feedback)
    people = [requester] if requester else []
    people += [i.author for _, i in interactions if i.direction is Direction.INBOUND and i.author]
    for person in people:
        _person(parts, person, found, fields)
    return private


def _comments(
    comments: Sequence[Any],
    ticket: tuple[str, str, str, Channel],
    fields: _Fields,
    found: _Input,
) -> tuple[list[tuple[str, Interaction]], int]:
    """The public comments of a *ticket* (its id, subject, requester and channel) as
    interactions, with where each is in the ticket, and how many private ones were left
    out."""
    case_id, subject, requester, channel = ticket
    result: list[tuple[str, Interaction]] = []
    private = 0
    previous = None
    for index, comment in enumerate(comments):
        where = f"comments[{index}]"
        if not isinstance(comment, Mapping):
            fields.problem(where, f"must be an object, not {kind_and_value(comment)}")
            continue
        public = comment.get("public")
        if public is not None and not isinstance(public, bool):
            fields.problem(
                f"{where}.public", f"must be true or false, not {kind_and_value(public)}"
            )
            continue
        if public is False:
            private += 1
            continue
        author = fields.ident(comment, "author_id", f"{where}.author_id")
        user = found.users.get(author)
        inbound = _is_customer(user, author, requester)
        bodies = [fields.text(comment, key, f"{where}.{key}") for key in ("plain_body", "body")]
        markup = fields.text(comment, "html_body", f"{where}.html_body")
        text = next((body for body in bodies if body), "") or (html_text(markup) if markup else "")
        comment_id = fields.ident(comment, "id", f"{where}.id") or str(index)
        at = fields.time(comment.get("created_at"), f"{where}.created_at", required=True)
        if at is None:
            continue
        interaction = fields.built(
            Interaction,
            prefix=where,
            id=f"{case_id}-{comment_id}",
            at=at,
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            channel=channel if index == 0 else Channel.TICKET,
            author=author if inbound else str((user or {}).get("name") or author),
            subject=subject if previous is None else "",
            text=text,
            in_reply_to=previous,
            case=case_id,
        )
        if interaction is not None:
            result.append((where, interaction))
            previous = interaction.id
    return result, private


def _rating(
    ticket: Mapping[str, Any], case_id: str, requester: str, fields: _Fields
) -> Feedback | None:
    """A ``good`` or ``bad`` satisfaction rating as feedback; ``None`` for any other."""
    rating = fields.table(ticket, "satisfaction_rating")
    score = fields.text(rating, "score", "satisfaction_rating.score")
    comment = fields.text(rating, "comment", "satisfaction_rating.comment")
    if score not in ("good", "bad"):
        return None
    when = (
        ("satisfaction_rating.updated_at", rating.get("updated_at")),
        ("satisfaction_rating.created_at", rating.get("created_at")),
        ("updated_at", ticket.get("updated_at")),
    )
    path, value = next(((p, v) for p, v in when if v), when[0])
    at = fields.time(value, path, required=True)
    if at is None:
        return None
    feedback: Feedback | None = fields.built(
        Feedback,
        prefix="satisfaction_rating",
        id=f"{case_id}-rating",
        at=at,
        kind=FeedbackKind.PRAISE if score == "good" else FeedbackKind.COMPLAINT,
        author=requester,
        text=comment,
    )
    return feedback


def _unique(
    case_id: str,
    interactions: Sequence[tuple[str, Interaction]],
    fields: _Fields,
    parts: Mapping[str, Any],
) -> None:
    """A problem for a ticket or a comment whose id the account already has."""
    seen: dict[tuple[str, str], str] = parts["seen"]
    first = seen.get(("case", case_id))
    if first is not None:
        fields.problem("id", f"duplicate ticket id {shown(case_id)} (first at {first})")
    here: dict[str, str] = {}
    for where, interaction in interactions:
        first = seen.get(("interaction", interaction.id)) or here.get(interaction.id)
        if first is not None:
            comment_id = interaction.id[len(case_id) + 1 :]
            message = f"duplicate comment id {shown(comment_id)} (first at {first})"
            fields.problem(f"{where}.id", message)
        here.setdefault(interaction.id, f"{fields.source} {where}")


def _add(
    parts: dict[str, Any],
    source: str,
    case: Case,
    interactions: Sequence[tuple[str, Interaction]],
    feedback: Feedback | None,
) -> None:
    """Add a ticket's records to its account, with where each was read."""
    parts["seen"][("case", case.id)] = source
    parts["cases"].append(case)
    parts["sources"][("cases", len(parts["cases"]) - 1)] = (source, "")
    for where, interaction in interactions:
        parts["seen"][("interaction", interaction.id)] = f"{source} {where}"
        parts["interactions"].append(interaction)
        parts["sources"][("interactions", len(parts["interactions"]) - 1)] = (source, where)
    if feedback is not None:
        parts["feedback"].append(feedback)
        key = ("feedback", len(parts["feedback"]) - 1)
        parts["sources"][key] = (source, "satisfaction_rating")


def _person(parts: dict[str, Any], user_id: str, found: _Input, fields: _Fields) -> None:
    people: dict[str, Stakeholder] = parts["people"]
    if user_id in people:
        return
    user = found.users.get(user_id) or {}
    job = user.get("user_fields") or {}
    reading = _Fields(found.where.get(("users", user_id), fields.source))
    person = reading.built(
        Stakeholder,
        id=user_id,
        name=str(user.get("name") or "").strip() or f"Zendesk user {user_id}",
        role=str(job.get("job_title") or ""),
        seniority=Seniority.USER,
        email=str(user.get("email") or ""),
    )
    fields.keep(reading.problems)
    if person is not None:
        people[user_id] = person


def _account(parts: Mapping[str, Any]) -> Account:
    ident, name, _ = parts["customer"]
    return Account(
        customer=Customer(id=ident, name=name, stakeholders=list(parts["people"].values())),
        cases=parts["cases"],
        interactions=parts["interactions"],
        feedback=parts["feedback"],
    )


#: A problem of an account about one of its records: ``interactions[3].text``.
_RECORD = re.compile(r"(cases|interactions|feedback)\[(\d+)\]\.?(.*)")


def _located(problem: Problem, parts: Mapping[str, Any]) -> Problem:
    """A problem of an account built from *parts*, at the ticket (and the field of it) it
    is about; one about the account as a whole, at where its customer was read."""
    found = _RECORD.fullmatch(problem.path)
    if found is not None:
        where = parts["sources"].get((found.group(1), int(found.group(2))))
        if where is not None:
            source, prefix = where
            path = ".".join(part for part in (prefix, found.group(3)) if part)
            return Problem(path=path, message=problem.message, source=source)
    return problem.located(parts["customer"][2])
