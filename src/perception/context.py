"""What the engine hands to each scorer, check and policy besides its main argument."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs

from perception.config import Config
from perception.model import Account, Customer, Interaction
from perception.outcome import MessageReport

__all__ = ["CheckContext", "PolicyContext", "ScoreContext"]


@attrs.frozen(kw_only=True, hash=False)
class ScoreContext:
    """Context of one scorer's run on one account.

    Attributes:
        as_of: the time of the assessment; ignore evidence after it.
        options: the scorer's ``defaults`` overlaid with its configured options.
        config: the whole configuration.
    """

    as_of: datetime
    options: Mapping[str, Any]
    config: Config
    _check: Callable[[Interaction], MessageReport] = attrs.field(alias="check_interaction")

    def check(self, interaction: Interaction) -> MessageReport:
        """Run the enabled checks on one of the account's messages (cached per message).

        The findings also appear in the outcome's ``findings``.
        """
        return self._check(interaction)


@attrs.frozen(kw_only=True, hash=False)
class CheckContext:
    """Context of one check's run on one message.

    Attributes:
        options: the check's ``defaults`` overlaid with its configured options.
        config: the whole configuration.
        customer: the customer the message is for, if known.
        account: the customer's account, if known.
        reply_to: the message this one answers, if known.
        recipient: the person the message is addressed to, if known.
    """

    options: Mapping[str, Any]
    config: Config
    customer: Customer | None = None
    account: Account | None = None
    reply_to: Interaction | None = None
    recipient: str | None = None


@attrs.frozen(kw_only=True, hash=False)
class PolicyContext:
    """Context of one policy's run on one account.

    Attributes:
        as_of: the time of planning; a follow-up due before it is overdue.
        options: the policy's ``defaults`` overlaid with its configured options.
        config: the whole configuration.
    """

    as_of: datetime
    options: Mapping[str, Any]
    config: Config
