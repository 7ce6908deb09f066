"""The ``share-relevant-news`` policy: now and then, something from the catalogue that suits.

A product, service or piece of news from the user's ``catalogue`` that the customer would
benefit from, at most once every ``interval_days`` per account, and only while the outcome
band is in ``bands`` (nobody wants news from a provider they are unhappy with).  An item suits
the account when its segment matches, when the account has an expectation on one of its
dimensions and when one of its keywords appears in the customer's messages (each condition
applies only when given).  Time is cut into periods of ``interval_days``, offset per account
(from a checksum of its id) so that not every account falls due on the same day; the key
names the period and the item, and items rotate from one period to the next among the
best-suited ones.

The rule is a practice default, not a published finding.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import attrs

from perception.builtin.policies._common import bands, key, number
from perception.context import PolicyContext
from perception.errors import ConfigError
from perception.hookspecs import Policy, hookimpl
from perception.model import Account, Dimension
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = [
    "NewsItem",
    "ShareRelevantNewsPolicy",
    "parse_catalogue",
    "perception_register_policies",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_FIELDS = frozenset({"id", "title", "url", "segments", "dimensions", "keywords"})
_LISTS = ("segments", "dimensions", "keywords")


@attrs.frozen(kw_only=True)
class NewsItem:
    """One entry of the ``share-relevant-news`` catalogue.

    Attributes:
        id: unique within the catalogue; part of the follow-up key.
        title: what to share, in words.
        url: where to read more, if anywhere.
        segments: customer segments it suits (empty: every segment).
        dimensions: dimensions of perception it helps with; it suits an account with
            an expectation on one of them (empty: no such condition).
        keywords: words that, found in the customer's messages, make it relevant
            (empty: no such condition).
    """

    id: str
    title: str
    url: str = ""
    segments: tuple[str, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    keywords: tuple[str, ...] = ()


def _check_table(here: str, entry: object) -> Mapping[str, Any]:
    """*entry* as a table with known keys and a non-empty id and title."""
    if not isinstance(entry, Mapping):
        raise ConfigError(f"{here}: must be a table with id and title")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ConfigError(f"{here}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    for field in ("id", "title"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise ConfigError(f"{here}.{field}: must be a non-empty string")
    return entry


def _string_lists(here: str, entry: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The entry's lists of strings (``segments``, ``dimensions``, ``keywords``), checked."""
    lists = {}
    for field in _LISTS:
        value = entry.get(field, [])
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{here}.{field}: must be a list of strings")
        lists[field] = tuple(value)
    return lists


def _news_item(here: str, entry: Mapping[str, Any]) -> NewsItem:
    """The item of a checked table: its url, lists and dimensions checked in turn."""
    if not isinstance(entry.get("url", ""), str):
        raise ConfigError(f"{here}.url: must be a string")
    lists = _string_lists(here, entry)
    try:
        dimensions = tuple(Dimension(d) for d in lists["dimensions"])
    except ValueError:
        allowed = ", ".join(d.value for d in Dimension)
        raise ConfigError(f"{here}.dimensions: allowed values are {allowed}") from None
    return NewsItem(
        id=entry["id"],
        title=entry["title"],
        url=entry.get("url", ""),
        segments=tuple(s.casefold() for s in lists["segments"]),
        dimensions=dimensions,
        keywords=tuple(k.casefold() for k in lists["keywords"] if k.strip()),
    )


def parse_catalogue(policy: str, raw: object) -> tuple[NewsItem, ...]:
    """Validate the catalogue option; errors name the entry and the field."""
    where = f"options.{policy}.catalogue"
    if not isinstance(raw, (list, tuple)):
        raise ConfigError(f"{where}: must be a list of tables")
    items: list[NewsItem] = []
    seen: set[str] = set()
    for index, raw_entry in enumerate(raw):
        here = f"{where}[{index}]"
        entry = _check_table(here, raw_entry)
        if entry["id"] in seen:
            raise ConfigError(f"{here}.id: {entry['id']!r} appears twice")
        seen.add(entry["id"])
        items.append(_news_item(here, entry))
    return tuple(items)


def _relevance(item: NewsItem, account: Account, said: str) -> int:
    """0 when *item* does not suit the account, else how many conditions it meets (+1)."""
    if item.segments and account.customer.segment.casefold() not in item.segments:
        return 0
    score = 1 + bool(item.segments)
    if item.dimensions:
        if not {e.dimension for e in account.expectations} & set(item.dimensions):
            return 0
        score += 1
    if item.keywords:
        hits = sum(1 for k in item.keywords if k in said)
        if not hits:
            return 0
        score += hits
    return score


class ShareRelevantNewsPolicy:
    """Something from the ``catalogue`` the customer would benefit from, now and then.

    An item suits the account when its segment matches, when the account has an
    expectation on one of its dimensions and when one of its keywords appears in the
    customer's messages (each condition applies only when given).  At most one item per
    ``interval_days`` per account, and only while the outcome is in ``bands`` (nobody
    wants news from a provider they are unhappy with).  Time is cut into periods of
    ``interval_days``, offset per account so that not every account falls due on the
    same day; the key names the period and the item, and items rotate from one period
    to the next among the best-suited ones.
    """

    name = "share-relevant-news"
    description = "A catalogue item the customer would benefit from, at most once an interval."
    defaults: ClassVar[dict[str, Any]] = {
        "catalogue": [],
        "interval_days": 90,
        "bands": ["delighted", "satisfied", "neutral"],
    }

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterator[FollowUp]:
        """At most one follow-up: the item to share in the current period."""
        catalogue = parse_catalogue(self.name, ctx.options["catalogue"])
        interval = number(ctx, self.name, "interval_days", minimum=1)
        if not catalogue or outcome.band not in bands(ctx, self.name, "bands"):
            return
        said = " ".join(
            f"{i.subject} {i.text}".casefold() for i in account.interactions if i.inbound
        )
        scored = [(_relevance(item, account, said), item) for item in catalogue]
        best = max(score for score, _ in scored)
        if best == 0:
            return
        top = [item for score, item in scored if score == best]
        offset = zlib.crc32(account.id.encode("utf-8", "surrogatepass")) % int(interval)
        elapsed_days = (ctx.as_of - _EPOCH).total_seconds() / 86400 + offset
        period = int(elapsed_days // interval)
        item = top[period % len(top)]
        start = _EPOCH + timedelta(days=period * interval - offset)
        link = f" ({item.url})" if item.url else ""
        yield FollowUp(
            policy=self.name,
            key=key(self.name, account, f"p{period}", item.id),
            account=account.id,
            due=start,
            action=f"Tell {account.customer.name} about {item.title}{link}.",
            reason=(f"It suits this customer; news is shared at most every {interval:g} days."),
            priority=Priority.LOW,
            evidence=(item.id,),
        )


@hookimpl
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register the ``share-relevant-news`` policy."""
    register(ShareRelevantNewsPolicy())
