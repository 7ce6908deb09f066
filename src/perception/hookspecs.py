"""The plugin API: hook specifications and the protocols of registered objects.

A plugin is any module or object with functions marked ``@perception.hookimpl``.  Built-in
scorers, checks and policies are plugins too, registered the same way.  Each hook below
is a *registration* hook: it receives a ``register`` callable and calls it once per object
it contributes.

Registered objects satisfy a small protocol: a ``name`` (unique across all kinds), a
one-line ``description``, and one method.  Optionally:

* ``Options``: a frozen attrs class of the options a user may set in
  ``[options.NAME]`` (see :mod:`perception.options`); ``ctx.options`` is then an
  instance of it, structured and range-checked once per configuration.  A plain
  ``defaults`` mapping still works, and gives a read-only mapping.
* for a scorer, ``weight``: the base weight of its signals (default 1.0), which the
  ``[weights]`` table of the configuration replaces; and ``evidence_kind``: what kind of
  evidence its signals are (:class:`EvidenceKind`, default ``inferred``).
* for a policy, ``resolution(account, outcome, followup, ctx)``: why a follow-up it planned
  earlier, and no longer plans, is resolved (a sentence), or ``None`` to keep it open
  (added in 0.2.0).  Without it such a follow-up is resolved with a generic reason.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pluggy

if TYPE_CHECKING:
    import click

    from perception.context import CheckContext, PolicyContext, ScoreContext
    from perception.history import OutcomeChange
    from perception.model import Account
    from perception.outcome import Finding, FollowUp, PerceivedOutcome, Signal
    from perception.text import Message

__all__ = [
    "PROJECT_NAME",
    "Check",
    "EvidenceKind",
    "Policy",
    "Scorer",
    "hookimpl",
    "hookspec",
    "perception_band_changed",
    "perception_register_checks",
    "perception_register_commands",
    "perception_register_policies",
    "perception_register_scorers",
]

#: The pluggy project name; also the entry-point group plugins are published under.
PROJECT_NAME = "perception"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator marking a function as an implementation of a perception hook.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class EvidenceKind(str, enum.Enum):
    """What kind of evidence a scorer's signals are, declared as its ``evidence_kind``.

    The engine and calibration treat scorers by this, never by name, so a third-party
    scorer takes part on equal terms with the built-in ones.
    """

    #: The customer's own word (surveys, complaints, escalations): what calibration
    #: predicts (each outcome from the evidence before it); never named as an implicit
    #: cause.
    STATED = "stated"
    #: Judges explicit delivery against commitments; the diagnosis "delivered but
    #: perceived negatively" names the other scorers as causes.
    DELIVERY = "delivery"
    #: Inferred from behaviour and messages (the default).
    INFERRED = "inferred"


@runtime_checkable
class Scorer(Protocol):
    """Turns an account into signals about how the customer perceives it.

    ``score`` returns (or yields) :class:`~perception.outcome.Signal` records whose
    ``scorer`` is the scorer's ``name``.  It must not mutate the account.
    """

    @property
    def name(self) -> str:
        """Unique name, lowercase with dashes (``"voice"``)."""

    @property
    def description(self) -> str:
        """One line saying what it measures."""

    def score(self, account: Account, ctx: ScoreContext[Any]) -> Iterable[Signal]:
        """Signals for *account* as of ``ctx.as_of``, with options in ``ctx.options``."""


@runtime_checkable
class Check(Protocol):
    """Finds things to change in a message before it is sent."""

    @property
    def name(self) -> str:
        """Unique name, lowercase with dashes (``"undefined-term"``)."""

    @property
    def description(self) -> str:
        """One line saying what it looks for."""

    def check(self, message: Message, ctx: CheckContext[Any]) -> Iterable[Finding]:
        """Findings for *message*; spans are offsets into ``message.text``.

        A check may also define ``applies(message, ctx) -> bool`` (added in 0.2): when
        it returns ``False`` the check is not run and the report lists it in
        ``not_applicable`` (not needed, as opposed to passed).
        """


@runtime_checkable
class Policy(Protocol):
    """Turns an account's state into dated follow-up actions.

    Optionally, ``resolution(account, outcome, followup, ctx) -> str | None`` says why a
    follow-up the policy planned earlier, and no longer plans, is resolved (a sentence the
    ledger keeps), or returns ``None`` to keep it open; without the method such a follow-up
    is resolved with a generic reason.  It is not part of the protocol's required members.
    """

    @property
    def name(self) -> str:
        """Unique name, lowercase with dashes (``"break-silence"``)."""

    @property
    def description(self) -> str:
        """One line saying when it asks for a follow-up."""

    def followups(
        self, account: Account, outcome: PerceivedOutcome, ctx: PolicyContext[Any]
    ) -> Iterable[FollowUp]:
        """Follow-ups for *account* given its assessed *outcome*, as of ``ctx.as_of``.

        Each follow-up's ``key`` must be stable: the same situation gives the same key
        on every run, so the ledger never records it twice.
        """


@hookspec
def perception_register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register scorers.

    Call ``register(scorer)`` once for each :class:`Scorer` the plugin provides.

    :param register: adds one scorer; raises
        :class:`~perception.errors.PluginConflictError` when its name is taken.
    :return: nothing; the return value is ignored.

    Added in 0.1.0.
    """


@hookspec
def perception_register_checks(register: Callable[[Check], None]) -> None:
    """Register message checks.

    Call ``register(check)`` once for each :class:`Check` the plugin provides.

    :param register: adds one check; raises
        :class:`~perception.errors.PluginConflictError` when its name is taken.
    :return: nothing; the return value is ignored.

    Added in 0.1.0.
    """


@hookspec
def perception_register_policies(register: Callable[[Policy], None]) -> None:
    """Register follow-up policies.

    Call ``register(policy)`` once for each :class:`Policy` the plugin provides.

    :param register: adds one policy; raises
        :class:`~perception.errors.PluginConflictError` when its name is taken.
    :return: nothing; the return value is ignored.

    Added in 0.1.0.
    """


@hookspec
def perception_register_commands(cli: click.Group) -> None:
    """Add commands to the ``perception`` command line.

    Called once when the CLI starts.  Add commands with ``cli.add_command(command)``
    or decorate functions with ``@cli.command()``.  Command names must not clash with
    the built-in ones.

    :param cli: the top-level :class:`click.Group`.
    :return: nothing; the return value is ignored.

    Added in 0.1.0.
    """


@hookspec
def perception_band_changed(change: OutcomeChange) -> None:
    """Be told that an account's outcome changed band.

    Called once per account whose band differs from its previous assessment in a ledger,
    after ``perception followups plan --db`` or ``perception assess --db`` recorded the new
    one (the same run may also post it to a webhook, ``--notify-webhook``).  Each
    implementation is called on its own: one that raises is reported as a warning and the
    others still run; the command's exit code does not change.

    :param change: the account, the previous and the new point of its history (score,
        band, time, drivers), the drivers that appeared and those that went, and
        ``change.describe()``, one line in words.
    :return: nothing; the return value is ignored.

    Added in 0.2.0.
    """
