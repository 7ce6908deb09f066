"""Accounts from a CRM's CSV export (HubSpot companies, Salesforce accounts, any other).

One row is one account.  Columns are matched to the account's fields by header, in any
case and with ``_``, ``-`` and spaces alike; a preset knows the headers of one CRM's
export, and a column mapping (``{"arr": "ARR (EUR)", "attributes.region": "Sales
region"}``) names any others.  Columns that map to no field are ignored, with a notice.

Custom attributes keep a type read from the cell: ``true``/``false`` (any case) become
booleans, whole numbers integers, other numbers floats, anything else text (and so does
a number written with a leading zero, such as a postcode, or a whole number of more digits
than the interpreter converts, 4,300 by default).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from perception._validation import shown
from perception.errors import Problem, ValidationError
from perception.importers._common import Notice, notifier
from perception.io import read_csv_table
from perception.model import Account, AttributeValue, Customer, Money

__all__ = ["ACCOUNT_FIELDS", "PRESETS", "import_accounts_csv"]

#: The fields a column can fill; ``attributes.NAME`` fills a custom attribute as well.
ACCOUNT_FIELDS = (
    "id",
    "name",
    "segment",
    "owner",
    "plan",
    "lifecycle",
    "arr",
    "mrr",
    "currency",
    "renewal",
)

#: Headers tried for each field when no preset or mapping names one.
_GENERIC: Mapping[str, Sequence[str]] = {
    "id": ("id", "account id", "customer id"),
    "name": ("name", "account name", "customer name", "company name"),
    "segment": ("segment",),
    "owner": ("owner", "account owner", "csm"),
    "plan": ("plan", "tier"),
    "lifecycle": ("lifecycle", "lifecycle stage"),
    "arr": ("arr", "annual recurring revenue"),
    "mrr": ("mrr", "monthly recurring revenue"),
    "currency": ("currency",),
    "renewal": ("renewal", "renewal date"),
}

#: Headers of the CRMs' exports, replacing the generic ones of the fields they name.  The
#: company's own revenue (HubSpot's "Annual Revenue",
#: Salesforce's ``AnnualRevenue``) is not what it pays: it goes to an attribute, never ARR.
PRESETS: Mapping[str, Mapping[str, Sequence[str]]] = {
    "hubspot": {
        "id": ("Record ID", "Company ID"),
        # HubSpot's lifecycle stages are a buyer's (lead, customer, evangelist), not ours.
        "lifecycle": (),
        "name": ("Company name",),
        "owner": ("Company owner", "HubSpot owner"),
        "arr": ("Annual recurring revenue", "ARR"),
        "mrr": ("Monthly recurring revenue", "MRR"),
        "renewal": ("Renewal date", "Contract end date"),
        "attributes.domain": ("Company Domain Name", "Website URL"),
        "attributes.industry": ("Industry",),
        "attributes.hubspot_lifecycle_stage": ("Lifecycle Stage",),
        "attributes.company_revenue": ("Annual Revenue",),
        "attributes.employees": ("Number of Employees",),
    },
    "salesforce": {
        "id": ("Id", "Account ID"),
        "name": ("Name", "Account Name"),
        "owner": ("Owner.Name", "Account Owner", "OwnerId"),
        "currency": ("CurrencyIsoCode", "Account Currency"),
        "arr": ("ARR__c", "ARR"),
        "renewal": ("Renewal_Date__c", "Renewal Date"),
        "attributes.type": ("Type", "Account Type"),
        "attributes.industry": ("Industry",),
        "attributes.company_revenue": ("AnnualRevenue", "Annual Revenue"),
        "attributes.employees": ("NumberOfEmployees", "Employees"),
    },
}

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_TRUE, _FALSE = frozenset({"true", "yes"}), frozenset({"false", "no"})


def _number(text: str) -> float:
    cleaned = text.strip().replace(" ", "")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    return float(cleaned)


def _whole(text: str) -> int | str:
    """A whole number, or *text* as written when it has more digits than ``int()``
    converts (4,300 by default)."""
    try:
        return int(text)
    except ValueError:
        return text


def _typed(text: str) -> AttributeValue:
    """A cell as the type it reads as (see the module's text)."""
    value = text.strip()
    if not value:
        return value
    folded = value.casefold()
    if folded in _TRUE or folded in _FALSE:
        return folded in _TRUE
    if _INTEGER.fullmatch(value):
        return _whole(value)
    if _LEADING_ZERO.match(value) or not (value[:1].isdigit() or value[:1] in "+-."):
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _columns(
    preset: str | None, columns: Mapping[str, str | Sequence[str]] | None
) -> dict[str, str | Sequence[str]]:
    if preset is not None and preset not in PRESETS:
        known = ", ".join(sorted(PRESETS))
        raise ValidationError(
            [Problem(path="preset", message=f"must be one of {known}, not {shown(preset)}")],
            summary="unknown CSV preset",
        )
    merged: dict[str, str | Sequence[str]] = {}
    for field, headers in _GENERIC.items():
        merged[field] = tuple(headers)
    merged.update(PRESETS.get(preset or "", {}))
    merged.update(columns or {})
    return merged


def _date(text: str) -> date:
    head = text.strip()[:10]
    return date.fromisoformat(head)


def _row_account(
    row: Mapping[str, str], source: str, currency: str | None
) -> Account | list[Problem]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    money_currency = row.get("currency") or currency
    for field in ("arr", "mrr"):
        if field not in row:
            continue
        try:
            amount = _number(row[field])
        except ValueError:
            message = f"must be a number, not {shown(row[field])}"
            problems.append(Problem(path=field, message=message, source=source))
            continue
        if not money_currency:
            message = "needs a currency: map a currency column or give one (--currency)"
            problems.append(Problem(path=field, message=message, source=source))
            continue
        try:
            values[field] = Money(amount=amount, currency=money_currency)
        except ValidationError as exc:  # the amount is this column's, the currency its own
            for problem in exc.problems:
                found = attrs.evolve(
                    problem, path=field if problem.path == "amount" else problem.path
                ).located(source)
                if found not in problems:
                    problems.append(found)
    if "renewal" in row:
        try:
            values["renewal"] = _date(row["renewal"])
        except ValueError:
            message = f"must be a date such as 2026-09-30, not {shown(row['renewal'])}"
            problems.append(Problem(path="renewal", message=message, source=source))
    if problems:
        return problems
    attributes = {
        field.partition(".")[2]: _typed(text)
        for field, text in row.items()
        if field.startswith("attributes.")
    }
    try:
        return Account(
            customer=Customer(
                id=row.get("id", "").strip(),
                name=row.get("name", "").strip() or row.get("id", "").strip(),
                segment=row.get("segment", "").strip(),
            ),
            owner=row.get("owner", "").strip(),
            plan=row.get("plan", "").strip(),
            lifecycle=row.get("lifecycle") or None,
            arr=values.get("arr"),
            mrr=values.get("mrr"),
            renewal=values.get("renewal"),
            attributes=attributes,
        )
    except ValidationError as exc:
        return [p.located(source) for p in exc.problems]


def import_accounts_csv(
    path: str | Path,
    *,
    preset: str | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    currency: str | None = None,
    notice: Notice | None = None,
) -> list[Account]:
    """Accounts from a CSV export of a CRM, one per row.

    :param path: the CSV file (UTF-8; a byte-order mark is fine).
    :param preset: ``"hubspot"`` (a companies export) or ``"salesforce"`` (an accounts
        export): the headers that CRM writes (see :data:`PRESETS`).
    :param columns: field (one of :data:`ACCOUNT_FIELDS`, or ``attributes.NAME``) to the
        header that holds it, or a list of headers to try in order; it wins over the
        preset.
    :param currency: the currency of ARR and MRR when no column gives it.
    :param notice: told which columns are ignored.
    :return: the accounts, in the order of the file, with the customer (id, name,
        segment), owner, plan, lifecycle stage, ARR, MRR, renewal and attributes.
    :raises ~perception.errors.ValidationError: every problem of every row at once, with
        the file, the line and the field; a missing ``id`` column; an id given twice.
    """
    mapping = _columns(preset, columns)
    fields = [*ACCOUNT_FIELDS, *sorted(f for f in mapping if f.startswith("attributes."))]
    unknown = [f for f in mapping if f not in fields]
    if unknown:
        problems = [Problem(path=f, message="not a field of an account") for f in unknown]
        raise ValidationError(problems, summary="invalid column mapping")
    accounts: list[Account] = []
    problems = []
    seen: dict[str, str] = {}
    for source, row in read_csv_table(
        path, fields=fields, required=("id",), columns=mapping, notice=notifier(notice)
    ):
        ident = row.get("id", "").strip()
        if ident in seen:
            message = f"duplicate account id {shown(ident)} (first at {seen[ident]})"
            problems.append(Problem(path="id", message=message, source=source))
            continue
        seen[ident] = source
        built = _row_account(row, source, currency)
        if isinstance(built, list):
            problems += built
        else:
            accounts.append(built)
    if problems:
        raise ValidationError(problems, summary=f"invalid accounts in {path}")
    return accounts
