"""Reading and writing accounts and outcomes: JSON, JSONL and CSV.

The account format is documented in ``docs/reference/format.md`` and published as a JSON
Schema (:func:`json_schema`, ``perception schema``).  One account is one JSON object::

    {"customer": {"id": "acme", "name": "Acme Ltd", "stakeholders": [...]},
     "expectations": [...], "deliverables": [...], "interactions": [...],
     "feedback": [...]}

A ``.json`` file holds one account, a list of accounts, or ``{"accounts": [...]}``; a
``.jsonl`` file holds one account per line and is read as a stream, in constant memory.
Interactions may also come from a CSV file (:func:`read_interactions_csv`).

Every problem in the input is reported in one :class:`~perception.errors.ValidationError`
naming the file, the record (line for JSONL and CSV) and the field path.
"""

from __future__ import annotations

import codecs
import collections.abc
import contextlib
import csv
import enum
import io as _stdio  # the standard library's, not this module
import json
import logging
import re
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from perception import model, outcome
from perception._validation import (
    enum_member,
    kind_and_value,
    shown,
    surrogate_message,
    unpaired_surrogate,
)
from perception.errors import Problem, ValidationError
from perception.model import Account, Interaction
from perception.outcome import FollowUpPlan, MessageReport, PerceivedOutcome

__all__ = [
    "CSV_COLUMNS",
    "account_from_line",
    "converter",
    "dump_account",
    "dump_json",
    "iter_accounts",
    "json_schema",
    "jsonl_lines",
    "load_account",
    "load_accounts",
    "merge_interactions",
    "merged_account",
    "read_csv_table",
    "read_interactions_csv",
    "read_interactions_located",
    "to_jsonable",
    "unmerged_problems",
    "validate_accounts",
    "write_jsonl",
]

T = TypeVar("T")

#: Columns of the interactions CSV; ``account``, ``id``, ``at`` and ``direction`` are required.
CSV_COLUMNS = (
    "account",
    "id",
    "at",
    "direction",
    "channel",
    "author",
    "subject",
    "text",
    "in_reply_to",
)
_CSV_REQUIRED = ("account", "id", "at", "direction")


#: A date alone: ``2026-03-01``.
_DATE_ONLY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _parse_datetime(value: Any, _: type) -> datetime | date:
    """An ISO 8601 date-time with an offset, or a date alone (a record whose time is
    unknown; the model reads it as that day in UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        if _DATE_ONLY.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"must be a valid date, not {shown(value)}") from None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            msg = (
                "must be an ISO 8601 date-time such as '2026-03-01T09:30:00Z' or a date "
                f"such as '2026-03-01', not {shown(value)}"
            )
            raise ValueError(msg) from None
    else:
        raise TypeError(f"must be an ISO 8601 date-time string, not {kind_and_value(value)}")
    # A date-time without an offset is refused: a date alone is a whole day, but a time
    # without a zone would be a guess.
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        msg = f"must be timezone-aware (add 'Z' or an offset such as '+02:00'): {shown(value)}"
        raise ValueError(msg)
    return parsed


def _parse_date(value: Any, _: type) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"must be an ISO 8601 date string such as '2026-09-30', not {kind_and_value(value)}"
        )
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        message = f"must be an ISO 8601 date such as '2026-09-30', not {shown(value)}"
        raise ValueError(message) from None


def _structure_attribute(value: Any, _: Any) -> model.AttributeValue:
    if isinstance(value, str):
        return _structure_str(value, str)
    if isinstance(value, (bool, int, float)):
        return value
    raise TypeError(f"must be a string, a number or true/false, not {kind_and_value(value)}")


def _structure_str(value: Any, _: Any) -> str:
    """A string, and only one every output can write: JSON's ``"\\ud800"`` decodes to a
    lone surrogate, which no UTF-8 writer accepts, so it is refused here, where the field
    is known, rather than when the first report is written."""
    if not isinstance(value, str):
        raise TypeError(f"must be a string, not {kind_and_value(value)}")
    if (char := unpaired_surrogate(value)) is not None:
        raise ValueError(surrogate_message(char))
    return value


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    member = enum_member(cls, value)
    if member is None:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ValueError(f"must be one of {allowed} (in any case), not {shown(value)}")
    return member


def _is_enum(obj: object) -> bool:
    return isinstance(obj, type) and issubclass(obj, enum.Enum)


def _strict(kind: type[T], name: str) -> Any:
    def structure(value: Any, _: type) -> T:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)  # type: ignore[return-value]  # int is a valid float
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise TypeError(f"must be {name}, not {kind_and_value(value)}")
        return value

    return structure


_ENUMS: tuple[type[enum.Enum], ...] = (
    *(getattr(model, name) for name in model.__all__ if _is_enum(getattr(model, name))),
    *(getattr(outcome, name) for name in outcome.__all__ if _is_enum(getattr(outcome, name))),
)


def make_converter() -> cattrs.Converter:
    """A converter for perception's records: strict types, ISO date-times, enums by value.

    Unknown fields are errors, and every problem is collected (detailed validation).
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(datetime, _parse_datetime)
    conv.register_unstructure_hook(datetime, lambda d: d.isoformat())
    conv.register_structure_hook(date, _parse_date)
    conv.register_unstructure_hook(date, lambda d: d.isoformat())
    conv.register_structure_hook(model.AttributeValue, _structure_attribute)
    # Each enum gets its own hook: they subclass str, and the strict str hook below
    # would otherwise accept any string for them.
    for enum_type in _ENUMS:
        conv.register_structure_hook(enum_type, _structure_enum)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _strict(bool, "true or false"))
    conv.register_structure_hook(int, _strict(int, "a whole number"))
    conv.register_structure_hook(float, _strict(float, "a number"))
    conv.register_structure_hook_factory(_is_homogeneous_sequence, _sequence_hook(conv))
    # A pair such as a rating scale is a JSON array, not a Python tuple.
    conv.register_unstructure_hook_func(_is_pair, list)
    conv.register_structure_hook_factory(_is_pair, _pair_hook(conv))
    conv.register_structure_hook_factory(_is_mapping, _mapping_hook(conv))
    conv.register_structure_hook_factory(attrs.has, _record_hook(conv))
    return conv


def not_an_object(cls: type, value: Any) -> str:
    """The problem of *value* where a *cls* record (a JSON object) belongs; a record whose
    every field is required names them (``must be an object (amount and currency)``)."""
    fields = attrs.fields(cls)
    names = [f.name for f in fields]
    if len(names) > 1 and all(f.default is attrs.NOTHING for f in fields):
        listed = f" ({', '.join(names[:-1])} and {names[-1]})"
    else:
        listed = ""
    return f"must be an object{listed}, not {kind_and_value(value)}"


def _record_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure a record from an object, refusing anything else with a message of the
    user's terms (cattrs would look up keys in a number and fail in Python's words)."""

    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        build = conv.gen_structure_attrs_fromdict(cls)

        def structure(value: Any, kind: Any) -> Any:
            if not isinstance(value, Mapping):
                raise TypeError(not_an_object(cls, value))
            return build(value, kind)

        return structure

    return factory


def _structured_items(
    conv: cattrs.Converter, kind: Any, pairs: Iterable[tuple[Any, Any]]
) -> list[Any]:
    """Each ``(item, type)`` of *pairs* structured; every bad item's error collected, with
    its index, and raised together as cattrs does for a list of *kind*."""
    items, errors = [], []
    for index, (item, item_type) in enumerate(pairs):
        try:
            items.append(conv.structure(item, item_type))
        except Exception as exc:  # noqa: BLE001  # collected, then raised together
            note = IterableValidationNote(f"@ index {index}", index, item_type)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]  # 3.11 adds it; cattrs reads it on 3.10 too
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"while structuring {kind!r}", errors, kind)
    return items


#: How a pair's items are named in its message: ``a list of two numbers``.
_PLURALS: Mapping[Any, str] = {float: "numbers", int: "whole numbers", str: "strings"}


def _pair_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure a pair (``tuple[X, X]``) from a list of two, refusing a string (which
    would otherwise be taken apart into characters) and anything else of another length."""

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        item_types = typing.get_args(kind)
        noun = _PLURALS.get(item_types[0], "items")

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise TypeError(f"must be a list of two {noun}, not {kind_and_value(value)}")
            return tuple(_structured_items(conv, kind, zip(value, item_types, strict=True)))

        return structure

    return factory


def _is_pair(kind: Any) -> bool:
    """``tuple[X, Y]`` annotations (a fixed-length pair)."""
    args = typing.get_args(kind)
    return typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is not Ellipsis


def _is_mapping(kind: Any) -> bool:
    """``dict[K, V]`` and ``Mapping[K, V]`` annotations."""
    return (
        typing.get_origin(kind) in (dict, collections.abc.Mapping)
        and len(typing.get_args(kind)) == 2
    )


def _mapping_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure a mapping type, refusing anything that is not a table (an object) and
    naming the key of each bad entry."""

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        key_type, value_type = typing.get_args(kind)

        def structure(value: Any, _: Any) -> Any:
            if not isinstance(value, Mapping):
                raise TypeError(f"must be a table, not {kind_and_value(value)}")
            result, errors = {}, []
            for key, item in value.items():
                try:
                    result[conv.structure(key, key_type)] = conv.structure(item, value_type)
                except Exception as exc:  # noqa: BLE001  # collected, then raised together
                    note = IterableValidationNote(f"@ key {key!r}", str(key), value_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]  # as above
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"while structuring {kind!r}", errors, kind)
            return result

        return structure

    return factory


def _is_homogeneous_sequence(kind: Any) -> bool:
    """``tuple[X, ...]``, ``list[X]`` and ``Sequence[X]`` annotations."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return origin in (list, collections.abc.Sequence) and len(args) == 1


def _sequence_hook(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """Structure a list type, refusing a string or a mapping (which would otherwise be
    taken apart into characters or keys) and naming the index of each bad item."""

    def factory(kind: Any) -> Callable[[Any, Any], Any]:
        item_type = typing.get_args(kind)[0]
        build = list if typing.get_origin(kind) is list else tuple

        def structure(value: Any, _: Any) -> Any:
            if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
                raise TypeError(f"must be a list, not {kind_and_value(value)}")
            return build(_structured_items(conv, kind, ((item, item_type) for item in value)))

        return structure

    return factory


#: The converter used by this module.
converter = make_converter()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def problems_from(exc: BaseException, path: str = "") -> list[Problem]:
    """Flatten an exception raised while structuring into problems with field paths."""
    if isinstance(exc, ValidationError):
        return [p.prefixed(path) for p in exc.problems]
    if isinstance(exc, BaseValidationError):
        found: list[Problem] = []
        if isinstance(exc, (ClassValidationError, IterableValidationError)):
            with_notes, without = exc.group_exceptions()
            for sub, note in with_notes:
                if isinstance(note, AttributeValidationNote):
                    found.extend(problems_from(sub, _join(path, note.name)))
                elif isinstance(note, IterableValidationNote):
                    found.extend(
                        problems_from(
                            sub,
                            f"{path}[{shown(note.index)}]"
                            if isinstance(note.index, str)
                            else f"{path}[{note.index}]",
                        )
                    )
            for sub in without:
                found.extend(problems_from(sub, path))
        else:
            for sub in exc.exceptions:
                found.extend(problems_from(sub, path))
        return found
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Problem(path=_join(path, key), message="unknown field")
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, KeyError):
        return [Problem(path=path, message="required field is missing")]
    if isinstance(exc, (ValueError, TypeError, AttributeError)):
        return [Problem(path=path, message=str(exc) or type(exc).__name__)]
    return [Problem(path=path, message=f"{type(exc).__name__}: {exc}")]


def structure(data: Any, cls: type[T], *, path: str = "") -> T:
    """Build a *cls* record from JSON-like *data*, or raise one error with every problem."""
    if attrs.has(cls) and not isinstance(data, Mapping):
        problem = Problem(path=path, message=not_an_object(cls, data))
        raise ValidationError([problem], summary=f"invalid {cls.__name__}")
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # noqa: BLE001  # every structuring failure becomes a problem
        raise ValidationError(problems_from(exc, path), summary=f"invalid {cls.__name__}") from None


def load_account(data: Mapping[str, Any], *, path: str = "") -> Account:
    """One :class:`~perception.model.Account` from a parsed JSON object."""
    return structure(data, Account, path=path)


def _label(data: Any) -> str:
    if isinstance(data, Mapping):
        customer = data.get("customer")
        if isinstance(customer, Mapping) and isinstance(customer.get("id"), str):
            return f" (customer {shown(customer['id'])})"
    return ""


#: Byte-order marks of encodings other than UTF-8, named for the error message.
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _unreadable(source: str, message: str, *, where: str | None = None) -> ValidationError:
    problem = Problem(path="", message=message, source=where or source)
    return ValidationError([problem], summary=f"cannot read {source}")


def decode_text(raw: bytes, source: str, *, line: int | None = None) -> str:
    """*raw* bytes as UTF-8 text (a leading byte-order mark is dropped), or a
    :class:`~perception.errors.ValidationError` naming the file *source*, the line and the
    column of the first byte that is not UTF-8.

    *line* is the line number of *raw* in its file, when *raw* is one line of it.
    """
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            message = (
                f"the text is {name} (byte-order mark {bom.hex(' ').upper()}); save it as UTF-8"
            )
            raise _unreadable(source, message, where=f"{source}:{line or 1}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        number = (line or 1) + raw.count(b"\n", 0, exc.start)
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column}"
        raise _unreadable(source, message, where=f"{source}:{number}") from None


class _DuplicateKeyError(ValueError):
    """A JSON object names one key twice (the decoder would keep the last silently)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # rare: only then find which key
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                msg = f"the key {shown(key)} appears twice in one object"
                raise _DuplicateKeyError(msg)
            seen.add(key)
    return result


def loads_json(text: str, source: str, *, line: int | None = None) -> Any:
    """Parse JSON *text* from the file *source* (*line*: the line it is, for JSONL), or
    raise a :class:`~perception.errors.ValidationError` naming the file and where the JSON
    breaks.

    Besides malformed JSON, the decoder's limits are reported the same way: an integer of
    more digits than the interpreter converts (4,300 by default) and arrays or objects
    nested too deeply for the decoder; so is an object that names a key twice (the
    standard decoder keeps the last value silently).
    """
    at = f"{source}:{line}" if line is not None else source
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as exc:
        raise _unreadable(source, f"not valid input: {exc}", where=at) from None
    except json.JSONDecodeError as exc:
        where = at if line is not None else f"{source}:{exc.lineno}:{exc.colno}"
        raise _unreadable(source, f"not valid JSON: {exc.msg}", where=where) from None
    except RecursionError:
        message = "not readable JSON: arrays or objects nested too deeply"
        raise _unreadable(source, message, where=at) from None
    except ValueError:  # the digit limit of int(): the only ValueError json.loads raises
        limit = sys.get_int_max_str_digits()
        message = f"not readable JSON: a number has more than {limit:,} digits"
        raise _unreadable(source, message, where=at) from None


def jsonl_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` for each non-blank line of a JSONL file, read lazily.

    Each line is decoded as UTF-8 on its own; a line that is not raises a
    :class:`~perception.errors.ValidationError` naming the file and the line.
    """
    for number, line in _jsonl_texts(path):
        if isinstance(line, ValidationError):
            raise line
        yield number, line


def _jsonl_texts(path: str | Path) -> Iterator[tuple[int, str | ValidationError]]:
    """:func:`jsonl_lines`, with the error of a line that is not UTF-8 in the place of
    its text, and the lines after it still read."""
    with Path(path).open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = decode_text(raw, str(path), line=number)
            except ValidationError as exc:
                yield number, exc
                continue
            if line.strip():
                yield number, line


def _parse_line(line: str, source: str) -> Any:
    """The JSON of one JSONL line; *source* is ``file:line``."""
    path, _, number = source.rpartition(":")
    return loads_json(line, path, line=int(number))


def account_from_line(line: str, *, source: str) -> Account:
    """The account on one JSONL line; problems name *source* (``file:line``)."""
    data = _parse_line(line, source)
    try:
        return load_account(data)
    except ValidationError as exc:
        raise exc.located(source + _label(data)) from None


#: One record of a file: ``(source, field path, data)``, or the error of a JSONL line that
#: cannot be read (not UTF-8, not JSON), in its place, so that the lines after it are read.
_Record = tuple[str, str, Any] | ValidationError


def _records(path: Path) -> Iterator[_Record]:
    """Yield ``(source, field path, data)`` for each account record in the file, or the
    error of each JSONL line that cannot be read."""
    if path.suffix.lower() == ".jsonl":
        for number, line in _jsonl_texts(path):
            if isinstance(line, ValidationError):
                yield line
                continue
            source = f"{path}:{number}"
            try:
                data = _parse_line(line, source)
            except ValidationError as exc:
                yield exc
                continue
            yield source + _label(data), "", data
        return
    data = loads_json(decode_text(_read_bytes(path), str(path)), str(path))
    if isinstance(data, Mapping) and "accounts" in data and "customer" not in data:
        extra = sorted(set(data) - {"accounts"})
        if extra:
            problem = Problem(path=extra[0], message="unknown field", source=str(path))
            raise ValidationError([problem], summary=f"invalid {path}")
        data = data["accounts"]
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield f"{path} record {index + 1}{_label(item)}", f"accounts[{index}]", item
    else:
        yield str(path) + _label(data), "", data


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(str(path), f"cannot read: {exc.strerror or exc}") from None


def _open_path(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        problem = Problem(path="", message="no such file", source=str(path))
        raise ValidationError([problem], summary=f"cannot read {path}")
    return path


def iter_accounts(path: str | Path) -> Iterator[Account]:
    """Yield the accounts of a JSON or JSONL file one at a time.

    A JSONL file is streamed: memory stays flat however long the file.  The first
    invalid record raises (with every problem of that record); use
    :func:`load_accounts` to validate a whole file before using any of it.
    """
    for record in _records(_open_path(path)):
        if isinstance(record, ValidationError):
            raise record
        source, field_path, data = record
        try:
            yield load_account(data, path=field_path)
        except ValidationError as exc:
            raise exc.located(source) from None


def load_accounts(path: str | Path) -> list[Account]:
    """Every account of a JSON or JSONL file, all or nothing.

    Each record is validated; if any is invalid, one
    :class:`~perception.errors.ValidationError` lists every problem of every record
    (with file, record and field) and no account is returned.  Duplicate customer ids
    are errors too, and so is each line of a JSONL file that is not JSON (the lines
    after it are still checked).
    """
    accounts: list[Account] = []
    _validated(path, accounts.append)
    return accounts


def validate_accounts(path: str | Path) -> tuple[int, int]:
    """Check every account of a JSON or JSONL file as :func:`load_accounts` does, keeping
    none of them (a JSONL file is read in constant memory but for the ids, kept to find
    duplicates); return ``(accounts, interactions)`` counted.

    :raises ~perception.errors.ValidationError: every problem of every record at once.
    """
    counts = [0, 0]

    def count(account: Account) -> None:
        counts[0] += 1
        counts[1] += len(account.interactions)

    _validated(path, count)
    return counts[0], counts[1]


def _validated(path: str | Path, take: Callable[[Account], None]) -> None:
    """Hand each valid account of *path* to *take*; raise every problem at the end."""
    path = _open_path(path)
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for record in _records(path):
        if isinstance(record, ValidationError):  # a JSONL line that is not JSON: the next
            problems.extend(record.problems)  # lines are still checked
            continue
        source, field_path, data = record
        try:
            account = load_account(data, path=field_path)
        except ValidationError as exc:
            problems.extend(p.located(source) for p in exc.problems)
            continue
        if account.id in seen:
            message = f"duplicate account id {shown(account.id)} (first in {seen[account.id]})"
            problems.append(
                Problem(path=_join(field_path, "customer.id"), message=message, source=source)
            )
        seen.setdefault(account.id, source)
        take(account)
    if problems:
        raise ValidationError(problems, summary=f"invalid accounts in {path}")


def read_interactions_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    notice: Callable[[str], None] | None = None,
) -> dict[str, list[Interaction]]:
    """Interactions from a CSV file (columns :data:`CSV_COLUMNS`), by account id.

    The header names the columns in any order and any case (``At``, ``IN_REPLY_TO``);
    *columns* maps a field to the header it has in this file, when it differs (``{"at":
    "Sent", "text": ["Body", "Message"]}``: the first header found is used).  Columns that
    map to no field are ignored, and *notice* is told which (default: the ``perception.io``
    logger).  Empty cells are treated as absent.  Every problem of every row is reported
    at once, by line.  The file must be UTF-8 (a byte-order mark is allowed); a cell may
    hold up to :data:`MAX_CSV_CELL` characters.
    """
    return read_interactions_located(path, columns=columns, notice=notice)[0]


def read_interactions_located(
    path: str | Path,
    *,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    notice: Callable[[str], None] | None = None,
) -> tuple[dict[str, list[Interaction]], dict[str, list[str]]]:
    """:func:`read_interactions_csv`, and where each interaction was read (``file:line``,
    by account id, in the same order), for errors that arise later, when the interactions
    meet the accounts (:func:`merge_interactions`' *sources*)."""
    result: dict[str, list[Interaction]] = {}
    where: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for source, row in read_csv_table(
        path, fields=CSV_COLUMNS, required=_CSV_REQUIRED, columns=columns, notice=notice
    ):
        account = (row.get("account") or "").strip()
        before = len(result.get(account, ()))
        _read_csv_row(row, source, result, problems)
        if len(result.get(account, ())) > before:
            where.setdefault(account, []).append(source)
    if problems:
        raise ValidationError(problems, summary=f"invalid interactions in {path}")
    return result, where


#: The interaction a problem of a merged account is about: ``interactions[3]...``.
_INTERACTION_INDEX = re.compile(r"interactions\[(\d+)\]")


def merged_account(
    account: Account, extra: Sequence[Interaction], rows: Sequence[str] = ()
) -> Account:
    """*account* with the interactions *extra* added after its own.

    :param rows: where each of *extra* was read (``file:line``, in order), to locate a
        problem at the row it is about.
    :raises ~perception.errors.ValidationError: the merged account's problems (a
        duplicate id, a reply to a message that is not there), each under the account's
        id and at its row (the first row when it is about none of them).
    """
    try:
        return attrs.evolve(account, interactions=(*account.interactions, *extra))
    except ValidationError as exc:
        kept = len(account.interactions)
        problems = [
            _located_in_rows(p, kept, rows).prefixed(f"account {shown(account.id)}")
            for p in exc.problems
        ]
        raise ValidationError(problems, summary=exc.summary) from None


def _located_in_rows(problem: Problem, kept: int, rows: Sequence[str]) -> Problem:
    """*problem* of an account whose first *kept* interactions were its own and the rest
    read from *rows*: located at the row it is about, or at the first row."""
    if not rows:
        return problem
    found = _INTERACTION_INDEX.match(problem.path)
    index = int(found.group(1)) - kept if found is not None else -1
    return problem.located(rows[index] if 0 <= index < len(rows) else rows[0])


def unmerged_problems(
    remaining: Iterable[str], sources: Mapping[str, Sequence[str]], *, where: str = ""
) -> list[Problem]:
    """A problem for each account id of *remaining*, whose interactions found no account
    (in *where*, when given), at the first row it was read from."""
    into = f" in {where}" if where else ""
    return [
        Problem(
            path="account",
            message=f"no account with id {shown(name)}{into}",
            source=next(iter(sources.get(name, ())), ""),
        )
        for name in remaining
    ]


#: The longest CSV cell read, in characters (the standard library's default is 131,072).
MAX_CSV_CELL = 10_000_000

_logger = logging.getLogger("perception.io")


def _header_key(text: str) -> str:
    """A header as compared: case-folded, with ``_``, ``-`` and runs of spaces as one space."""
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


def _resolve_columns(
    header: Sequence[str],
    fields: Sequence[str],
    columns: Mapping[str, str | Sequence[str]] | None,
    source: str,
) -> tuple[dict[int, str], list[str]]:
    """Which cell index holds which field, and the headers that hold none."""
    position: dict[str, int] = {}
    for index, name in enumerate(header):
        position.setdefault(_header_key(name), index)
    problems = [
        Problem(path=f, message="not a field of this file", source=source)
        for f in (columns or {})
        if f not in fields
    ]
    if problems:
        raise ValidationError(problems, summary=f"invalid column mapping for {source}")
    found: dict[int, str] = {}
    for field in fields:
        wanted = (columns or {}).get(field, field)
        for candidate in (wanted,) if isinstance(wanted, str) else wanted:
            at = position.get(_header_key(candidate))
            if at is not None and at not in found:
                found[at] = field
                break
    ignored = [name for index, name in enumerate(header) if index not in found]
    return found, ignored


def read_csv_table(
    path: str | Path,
    *,
    fields: Sequence[str],
    required: Sequence[str] = (),
    columns: Mapping[str, str | Sequence[str]] | None = None,
    notice: Callable[[str], None] | None = None,
) -> Iterator[tuple[str, dict[str, str]]]:
    """``(source, row)`` for each row of a CSV file, *row* holding the non-empty cells by
    field name and *source* being ``file:line``.

    Headers match *fields* in any case, with ``_``, ``-`` and spaces alike and a
    byte-order mark ignored; *columns* maps a field to its header in this file (a string,
    or a list of headers to try in order).  Headers that match no field are ignored, and
    *notice* is told which (default: a warning on the ``perception.io`` logger).  A
    missing *required* column, a row with more cells than columns or a file that is not
    UTF-8 CSV raises :class:`~perception.errors.ValidationError` naming the file and line.
    """
    path = _open_path(path)
    text = decode_text(_read_bytes(path), str(path))
    reader = csv.reader(_stdio.StringIO(text, newline=""), strict=True)
    rows = _csv_rows(reader, path)
    header = next(rows, [])
    found, ignored = _resolve_columns(header, fields, columns, f"{path}:1")
    missing = [f for f in required if f not in found.values()]
    if missing:
        issues = [
            Problem(path=f, message="required column is missing", source=f"{path}:1")
            for f in missing
        ]
        raise ValidationError(issues, summary=f"invalid header in {path}")
    if ignored:
        (notice or _logger.warning)(
            f"{path}: ignored columns: {', '.join(repr(c) for c in ignored)}"
        )
    for cells in rows:
        source = f"{path}:{reader.line_num}"
        if len(cells) > len(header):
            problem = Problem(path="", message="more cells than columns", source=source)
            raise ValidationError([problem], summary=f"invalid row in {path}")
        if any(cells):
            yield (
                source,
                {
                    field: cells[index]
                    for index, field in found.items()
                    if index < len(cells) and cells[index] != ""
                },
            )


def _csv_rows(reader: Any, path: Path) -> Iterator[list[str]]:
    """The rows of *reader*; a damaged row raises an error naming its first line."""
    while True:
        first = reader.line_num + 1  # the reader counts the lines it finished
        try:
            with _csv_field_limit(MAX_CSV_CELL):
                cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            where = f"{path}:{first}"
            raise _unreadable(str(path), f"not readable CSV: {exc}", where=where) from None
        yield cells


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """The csv module's (process-wide) field size limit raised to *limit* while reading."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_csv_row(
    row: Mapping[str, str],
    source: str,
    result: dict[str, list[Interaction]],
    problems: list[Problem],
) -> None:
    data = {k: v for k, v in row.items() if k != "account"}
    account = (row.get("account") or "").strip()
    if not account:
        problems.append(Problem(path="account", message="required field is missing", source=source))
        return
    try:
        interaction = structure(data, Interaction)
    except ValidationError as exc:
        problems.extend(p.located(source) for p in exc.problems)
        return
    result.setdefault(account, []).append(interaction)


def merge_interactions(
    accounts: Iterable[Account],
    interactions: Mapping[str, Iterable[Interaction]],
    *,
    sources: Mapping[str, Sequence[str]] | None = None,
) -> list[Account]:
    """Add *interactions* (by account id) to the matching accounts.

    Raises :class:`~perception.errors.ValidationError` for interactions of unknown
    accounts and for the problems the merged accounts have (duplicate ids, dangling
    replies).  *sources* (where each interaction was read, ``file:line`` by account id,
    as :func:`read_interactions_located` gives them) locates those problems at the rows
    they are about.
    """
    sources = sources or {}
    merged: list[Account] = []
    remaining = {k: list(v) for k, v in interactions.items()}
    problems: list[Problem] = []
    for account in accounts:
        extra = remaining.pop(account.id, [])
        if not extra:
            merged.append(account)
            continue
        try:
            merged.append(merged_account(account, extra, sources.get(account.id, ())))
        except ValidationError as exc:
            problems.extend(exc.problems)
    problems.extend(unmerged_problems(remaining, sources))
    if problems:
        raise ValidationError(problems, summary="cannot merge interactions")
    return merged


def dump_account(account: Account) -> dict[str, Any]:
    """*account* as a JSON-compatible dict (the inverse of :func:`load_account`)."""
    result: dict[str, Any] = converter.unstructure(account)
    return result


def to_jsonable(record: PerceivedOutcome | MessageReport | FollowUpPlan | Any) -> Any:
    """Any perception record as JSON-compatible data."""
    return converter.unstructure(record)


def dump_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON text of *data*; perception records are unstructured first."""
    return json.dumps(to_jsonable(data), indent=indent, ensure_ascii=False)


def write_jsonl(accounts: Iterable[Account], path: str | Path) -> int:
    """Write *accounts* to a JSONL file, one per line; return how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for account in accounts:
            handle.write(json.dumps(dump_account(account), ensure_ascii=False))
            handle.write("\n")
            count += 1
    return count


# -- JSON Schema -----------------------------------------------------------------------

_SCHEMA_ID = "https://perception.invalid/schema/account.json"


def _schema_for(  # noqa: PLR0911, PLR0912  # one branch and return per kind of type
    tp: Any, defs: dict[str, Any]
) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = (
            _schema_for(options[0], defs)
            if len(options) == 1
            else {"anyOf": [_schema_for(a, defs) for a in options]}
        )
        return {"anyOf": [inner, {"type": "null"}]} if type(None) in args else inner
    if origin is tuple and len(args) == 2 and args[1] is not Ellipsis:
        item = _schema_for(args[0], defs)
        return {"type": "array", "prefixItems": [item, item], "minItems": 2, "maxItems": 2}
    if origin is tuple or origin is list:
        return {"type": "array", "items": _schema_for(args[0], defs)}
    if (origin is not None and origin in (dict, Mapping, typing.Mapping)) or tp is Mapping:
        value = args[1] if len(args) == 2 else str
        return {"type": "object", "additionalProperties": _schema_for(value, defs)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_schema(tp)
    if tp is datetime:
        return {
            "anyOf": [
                {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "(Z|z|[+-][0-9]{2}:[0-9]{2})$",
                },
                {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            ]
        }
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _any_case(text: str) -> str:
    """A regular expression (ECMA 262 and Python alike) matching *text* in any case."""
    return "".join(
        f"[{c.upper()}{c.lower()}]" if c.isalpha() else (c if c.isalnum() or c == " " else "\\" + c)
        for c in text
    )


def _enum_schema(cls: type[enum.Enum]) -> dict[str, Any]:
    """The values of *cls*, and the same in any case (the loader accepts ``"NPS"``)."""
    values = [m.value for m in cls]
    alternatives = "|".join(_any_case(str(v)) for v in values)
    return {
        "anyOf": [{"enum": values}, {"type": "string", "pattern": rf"^\s*(?:{alternatives})\s*$"}]
    }


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        schema = _schema_for(hints[field.name], defs)
        properties[field.name] = schema
        if field.default is attrs.NOTHING:
            required.append(field.name)
    doc = (cls.__doc__ or "").strip().splitlines()[0]
    return {
        "type": "object",
        "description": doc,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one account object."""
    defs: dict[str, Any] = {}
    root = _object_schema(Account, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _SCHEMA_ID,
        "title": "perception account",
        **root,
        "$defs": dict(sorted(defs.items())),
    }
