"""Built-in follow-up policies, one module each.

==============================  =========================  ==================================
module                          policy                     fires when
==============================  =========================  ==================================
``post_delivery_check_in``      ``post-delivery-check-in``  a deliverable was delivered (and
                                                           again when it was accepted)
``confirm_critical``            ``confirm-critical``       a critical expectation has no
                                                           customer confirmation
``overdue_deliverable``         ``overdue-deliverable``    a commitment is past its date and
                                                           nothing was delivered
``recover_negative``            ``recover-negative``       a negative customer message got no
                                                           acknowledging reply in time
``answer_question``             ``answer-question``        a customer's question got no reply
                                                           within the expected time
``break_silence``               ``break-silence``          no contact for N days (fewer when
                                                           at risk)
``executive_touchpoint``        ``executive-touchpoint``   at risk, with an executive involved
                                                           or an escalation
``share_relevant_news``         ``share-relevant-news``    a catalogue item suits the customer,
                                                           at most once an interval
==============================  =========================  ==================================

Each module is a plugin of its own, named in :data:`perception.plugins.DEFAULT_PLUGINS`
and registered by its own ``perception_register_policies`` hook, so that
``PERCEPTION_BLOCK_PLUGINS=perception.builtin.policies.break_silence`` blocks that one
policy alone.  This package registers nothing itself; it re-exports the policy classes
and the public helpers.  Shared helpers live in the private ``_common`` module.

Each policy is a plugin object with a ``name``, a one-line ``description``, a nested
``Options`` class (its options, set in ``[tool.perception.options.NAME]`` and checked when
the configuration is validated) and a ``followups`` method.  Keys follow one pattern,
``POLICY:ACCOUNT:SITUATION``, where the situation part names the records the follow-up
rests on (a deliverable and its delivery time, a message, a version of an expectation's
terms).  Planning the same data twice gives the same keys; a new situation (a new
delivery, a changed scope, new contact) gives a new key.

Texts and due times depend on the records, not on the day of planning, so that
re-planning unchanged data gives identical follow-ups and the ledger has nothing to
write.

Policies respect each other: a commitment past its date is ``overdue-deliverable``'s (deliver
or give a new date), not ``confirm-critical``'s; a negative question is ``recover-negative``'s,
not ``answer-question``'s; and while an account is in recovery (an escalation or complaint in
the last days), ``post-delivery-check-in`` holds its check-ins, ``break-silence`` asks to
report progress instead of asking how things are going, and ``share-relevant-news`` waits.

A policy may say why a follow-up it planned earlier no longer holds (its ``resolution``
method); the ledger then closes it as ``resolved`` with that reason.
"""

from __future__ import annotations

from collections.abc import Callable

from perception.builtin.policies._common import response_window
from perception.builtin.policies.answer_question import AnswerQuestionPolicy
from perception.builtin.policies.break_silence import BreakSilencePolicy
from perception.builtin.policies.confirm_critical import ConfirmCriticalPolicy
from perception.builtin.policies.executive_touchpoint import ExecutiveTouchpointPolicy
from perception.builtin.policies.overdue_deliverable import OverdueDeliverablePolicy
from perception.builtin.policies.post_delivery_check_in import PostDeliveryCheckInPolicy
from perception.builtin.policies.recover_negative import RecoverNegativePolicy
from perception.builtin.policies.share_relevant_news import (
    NewsItem,
    ShareRelevantNewsPolicy,
    parse_catalogue,
)
from perception.hookspecs import Policy

__all__ = [
    "BUILTIN_POLICIES",
    "AnswerQuestionPolicy",
    "BreakSilencePolicy",
    "ConfirmCriticalPolicy",
    "ExecutiveTouchpointPolicy",
    "NewsItem",
    "OverdueDeliverablePolicy",
    "PostDeliveryCheckInPolicy",
    "RecoverNegativePolicy",
    "ShareRelevantNewsPolicy",
    "parse_catalogue",
    "response_window",
]

#: The built-in policies, in the order they run (the order of their modules in
#: :data:`perception.plugins.DEFAULT_PLUGINS`).
BUILTIN_POLICIES: tuple[Callable[[], Policy], ...] = (
    PostDeliveryCheckInPolicy,
    ConfirmCriticalPolicy,
    OverdueDeliverablePolicy,
    RecoverNegativePolicy,
    AnswerQuestionPolicy,
    BreakSilencePolicy,
    ExecutiveTouchpointPolicy,
    ShareRelevantNewsPolicy,
)
