"""What the engine hands to each scorer, check and policy besides its main argument.

Each context is generic in the type of its ``options``: the plugin's own ``Options``
class when it declares one (see :mod:`perception.options`), else a read-only mapping.
Annotate a built-in or third-party plugin's method as ``ctx: ScoreContext[MyScorer.Options]``
and ``ctx.options.days`` is typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar

import attrs

from perception.config import Config
from perception.model import Account, Customer, Interaction
from perception.outcome import MessageReport

__all__ = ["CheckContext", "PolicyContext", "ScoreContext"]

#: The type of a context's ``options``.
OptionsT = TypeVar("OptionsT")


@attrs.frozen(kw_only=True, hash=False)
class ScoreContext(Generic[OptionsT]):
    """Context of one scorer's run on one account.

    Attributes:
        as_of: the time of the assessment; ignore evidence after it.
        options: the scorer's options: an instance of its ``Options`` class, or its
            ``defaults`` overlaid with the configured options as a read-only mapping.
        config: the whole configuration.
    """

    as_of: datetime
    options: OptionsT
    config: Config
    _check: Callable[[Interaction], MessageReport] = attrs.field(alias="check_interaction")

    def check(self, interaction: Interaction) -> MessageReport:
        """Run the enabled checks on one of the account's messages (cached per message).

        The findings also appear in the outcome's ``findings``.
        """
        return self._check(interaction)


@attrs.frozen(kw_only=True, hash=False)
class CheckContext(Generic[OptionsT]):
    """Context of one check's run on one message.

    Attributes:
        options: the check's options (see :class:`ScoreContext`).
        config: the whole configuration.
        customer: the customer the message is for, if known.
        account: the customer's account, if known.
        reply_to: the message this one answers, if known.
        recipient: the person the message is addressed to, if known.
        thread: the earlier messages quoted in this one, most recent first (each an
            inbound interaction with id ``quoted-1``, ``quoted-2`` ...).
    """

    options: OptionsT
    config: Config
    customer: Customer | None = None
    account: Account | None = None
    reply_to: Interaction | None = None
    recipient: str | None = None
    thread: tuple[Interaction, ...] = ()


@attrs.frozen(kw_only=True, hash=False)
class PolicyContext(Generic[OptionsT]):
    """Context of one policy's run on one account.

    Attributes:
        as_of: the time of planning; a follow-up due before it is overdue.
        options: the policy's options (see :class:`ScoreContext`).
        config: the whole configuration.
    """

    as_of: datetime
    options: OptionsT
    config: Config
