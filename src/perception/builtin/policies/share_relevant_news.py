"""The ``share-relevant-news`` policy: now and then, something from the catalogue that suits.

A product, service or piece of news from the user's ``catalogue`` that the customer would
benefit from, at most once every ``interval_days`` per account, and only while the outcome
band is in ``bands`` and the account is not in recovery (no escalation or complaint in the last
``recovery_days``): nobody wants news from a provider they are unhappy with.  An item suits
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
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from perception.builtin.policies._common import BAND_NAMES, key, recovery
from perception.context import PolicyContext
from perception.errors import ConfigError, Problem, ValidationError
from perception.hookspecs import Policy, hookimpl
from perception.model import Account, Dimension
from perception.options import at_least, one_of, option
from perception.outcome import FollowUp, PerceivedOutcome, Priority

__all__ = [
    "NewsItem",
    "ShareRelevantNewsPolicy",
    "parse_catalogue",
    "perception_register_policies",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _non_empty(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: a string with something besides white space."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError([Problem(path=attribute.name, message="must be a non-empty string")])


def _folded(values: Iterable[str]) -> tuple[str, ...]:
    """The values, case-folded (segments are compared that way)."""
    return tuple(v.casefold() for v in values)


def _folded_words(values: Iterable[str]) -> tuple[str, ...]:
    """The non-blank values, case-folded (keywords are looked for in folded messages)."""
    return tuple(v.casefold() for v in values if v.strip())


def _dimensions(values: Iterable[Dimension | str]) -> tuple[Dimension, ...]:
    """The values as dimensions (names are accepted when an item is built in code)."""
    return tuple(Dimension(v) for v in values)


@attrs.frozen(kw_only=True)
class NewsItem:
    """One entry of the ``share-relevant-news`` catalogue (a table in the configuration).

    Attributes:
        id: unique within the catalogue; part of the follow-up key.
        title: what to share, in words.
        url: where to read more, if anywhere.
        segments: customer segments it suits (empty: every segment), case-folded.
        dimensions: dimensions of perception it helps with; it suits an account with
            an expectation on one of them (empty: no such condition).
        keywords: words that, found in the customer's messages, make it relevant
            (empty: no such condition), case-folded, blank ones dropped.
    """

    id: str = attrs.field(validator=_non_empty)
    title: str = attrs.field(validator=_non_empty)
    url: str = ""
    segments: tuple[str, ...] = attrs.field(default=(), converter=_folded)
    dimensions: tuple[Dimension, ...] = attrs.field(default=(), converter=_dimensions)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_folded_words)


def _unique_ids(
    _instance: object, attribute: attrs.Attribute[Any], items: tuple[NewsItem, ...]
) -> None:
    """A validator: no two items of the catalogue share an id."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            where = f"{attribute.name}[{index}].id"
            raise ValidationError([Problem(path=where, message=f"{item.id!r} appears twice")])
        seen.add(item.id)


def parse_catalogue(policy: str, raw: object) -> tuple[NewsItem, ...]:
    """The catalogue option *raw* (a list of tables) as items, structured and checked as
    configuration validation does it; errors name the entry and the field
    (``options.POLICY.catalogue[2].title``)."""
    from perception.io import structure  # noqa: PLC0415  # cattrs loads on first use

    try:
        return structure({"catalogue": raw}, ShareRelevantNewsPolicy.Options).catalogue
    except ValidationError as exc:
        problems = [str(p.prefixed(f"options.{policy}")) for p in exc.problems]
        raise ConfigError("\n".join(problems)) from None


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

    @attrs.frozen(kw_only=True)
    class Options:
        """Options of the ``share-relevant-news`` policy."""

        catalogue: tuple[NewsItem, ...] = option(
            (),
            "the items (tables of id, title, url, segments, dimensions, keywords); "
            "empty: the policy never fires",
            validator=_unique_ids,
        )
        interval_days: float = option(
            90.0,
            "at most one item per account per this many days (at least 1)",
            validator=at_least(1),
        )
        bands: tuple[str, ...] = option(
            ("delighted", "satisfied", "neutral"),
            "outcome bands in which it fires",
            validator=one_of(BAND_NAMES),
        )
        recovery_days: float = option(
            30.0,
            "no news for this many days after an escalation or complaint (0: no such pause)",
            validator=at_least(0),
        )

    def followups(
        self,
        account: Account,
        outcome: PerceivedOutcome,
        ctx: PolicyContext[ShareRelevantNewsPolicy.Options],
    ) -> Iterator[FollowUp]:
        """At most one follow-up: the item to share in the current period."""
        catalogue = ctx.options.catalogue
        interval = ctx.options.interval_days
        if not catalogue or outcome.band.value not in ctx.options.bands:
            return
        if recovery(account, ctx.as_of, ctx.options.recovery_days) is not None:
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
