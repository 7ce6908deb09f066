"""Typed plugin options: a frozen attrs class per plugin, structured once per configuration.

A scorer, check or policy declares the options a user may set in
``[options.NAME]`` as a nested class named ``Options``, frozen, keyword-only, every field
with a default::

    import attrs
    from perception.options import option, at_least

    class BreakSilence:
        name = "break-silence"
        description = "..."

        @attrs.frozen(kw_only=True)
        class Options:
            days: float = option(21.0, "days without contact before a check-in",
                                 validator=at_least(1.0))

        def followups(self, account, outcome, ctx):
            ctx.options.days  # a float, checked when the configuration was validated

The configured table is structured into that class by the project's cattrs converter when
the configuration is validated (:meth:`perception.config.Config.validate`), with each
problem named as ``options.NAME.KEY`` and the file it came from; every number must be
finite.  A plugin that declares a plain ``defaults`` mapping instead keeps working: its
``ctx.options`` is a read-only mapping of the defaults overlaid with the configuration.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

import attrs

from perception.errors import Problem, ValidationError

__all__ = [
    "at_least",
    "at_most",
    "between",
    "defaults_of",
    "help_of",
    "is_options_class",
    "one_of",
    "option",
]

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def option(default: T, help: str, *, validator: Validator | None = None) -> T:  # noqa: A002  # the word users read in the docs
    """An option field: *default*, a one-line *help* (shown in the reference docs), and
    an optional *validator* (for example :func:`at_least`).

    Use it as the right-hand side of a field of a plugin's ``Options`` class.  A list
    default must be given as a tuple (the class is frozen).
    """
    field: T = attrs.field(default=default, validator=validator, metadata={"help": help})
    return field


def _refuse(attribute: attrs.Attribute[Any], message: str) -> ValidationError:
    """An error naming the option, so that the configuration error names it too."""
    return ValidationError([Problem(path=attribute.alias or attribute.name, message=message)])


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def at_least(low: float) -> Validator:
    """A validator: a finite number ``>= low``."""
    return between(low, math.inf)


def at_most(high: float) -> Validator:
    """A validator: a finite number ``<= high``."""
    return between(-math.inf, high)


def between(low: float, high: float) -> Validator:
    """A validator: a finite number from *low* to *high*, both included."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        number = _number(value)
        if number is None or not math.isfinite(number):
            raise _refuse(attribute, f"must be a finite number, not {value!r}")
        if not low <= number <= high:
            if math.isinf(high):
                bound = f">= {low:g}"
            elif math.isinf(low):
                bound = f"<= {high:g}"
            else:
                bound = f"from {low:g} to {high:g}"
            raise _refuse(attribute, f"must be {bound}, not {value!r}")

    return check


def one_of(allowed: Collection[str]) -> Validator:
    """A validator: a string, or each string of a sequence, among *allowed*."""
    known = tuple(allowed)

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        values = (value,) if isinstance(value, str) else value
        if not isinstance(values, (tuple, list)):
            raise _refuse(attribute, f"must be one of {', '.join(known)}, not {value!r}")
        unknown = [v for v in values if v not in known]
        if unknown:
            message = f"unknown value {unknown[0]!r} (allowed: {', '.join(known)})"
            raise _refuse(attribute, message)

    return check


def is_options_class(cls: object) -> bool:
    """True when *cls* is an attrs class whose every field has a default."""
    if not isinstance(cls, type) or not attrs.has(cls):
        return False
    return all(f.default is not attrs.NOTHING for f in attrs.fields(cls))


def defaults_of(cls: type[Any]) -> dict[str, Any]:
    """The default value of each option of an ``Options`` class, by name."""
    found: dict[str, Any] = {}
    for field in attrs.fields(cls):
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs types it loosely
            default = default.factory()
        found[field.alias or field.name] = default
    return found


def help_of(cls: type[Any]) -> Mapping[str, str]:
    """The help text of each option of an ``Options`` class, by name."""
    return {f.alias or f.name: str(f.metadata.get("help", "")) for f in attrs.fields(cls)}
