"""Exception types raised by perception.

Every error perception raises on purpose derives from :class:`PerceptionError`, so an
application can catch one type.  Input problems are reported all at once: a
:class:`ValidationError` carries every :class:`Problem` found, each with the path of the
offending field (``accounts[3].expectations[0].adequate``), and the file and record when
the input came from a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "ConfigError",
    "PerceptionError",
    "PluginConflictError",
    "Problem",
    "ValidationError",
    "WorkerDiedError",
]


class PerceptionError(Exception):
    """Base class of every error raised by perception."""


#: The most characters of a problem's path, message or source shown; beyond, they are cut.
#: Values are shortened where they are quoted (``perception._validation.shown``); this
#: bound keeps any other way a long input could reach a message off the user's screen.
_LONGEST = 1_000


def _bounded(text: str) -> str:
    if not isinstance(text, str) or len(text) <= _LONGEST:
        return text
    return f"{text[:_LONGEST]}\u2026 ({len(text):,} characters)"


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with an input.

    Attributes:
        path: where, as a dotted path with indexes (``expectations[0].adequate``);
            empty for the record as a whole.
        message: what is wrong, in words (``must be <= desired (8.0)``).
        source: the file (and line or record) the value came from, if any.

    Each is cut to its first thousand characters, with its length, when longer: a problem
    never echoes a huge input back whole.
    """

    path: str = attrs.field(converter=_bounded)
    message: str = attrs.field(converter=_bounded)
    source: str = attrs.field(default="", converter=_bounded)

    def prefixed(self, prefix: str) -> Problem:
        """Return this problem with *prefix* put in front of its path."""
        if not prefix:
            return self
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return attrs.evolve(self, path=path)

    def located(self, source: str) -> Problem:
        """Return this problem with *source* (``file:line``) recorded."""
        return attrs.evolve(self, source=source)

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message}"


class ValidationError(PerceptionError, ValueError):
    """Invalid input, with every problem found (not just the first).

    ``problems`` is a tuple of :class:`Problem`; ``str(error)`` lists them one a line.
    Subclass of :class:`ValueError` so that code expecting the standard type still works.
    """

    def __init__(self, problems: Iterable[Problem], *, summary: str = "invalid input") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.summary = summary
        super().__init__(self._render())

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the problems (not the rendered message) when it crosses processes.
        return (_rebuild_validation_error, (self.problems, self.summary))

    def _render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.summary}: {count} {noun}"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    def prefixed(self, prefix: str) -> ValidationError:
        """A copy whose problems all have *prefix* in front of their paths."""
        return ValidationError((p.prefixed(prefix) for p in self.problems), summary=self.summary)

    def located(self, source: str) -> ValidationError:
        """A copy whose problems all carry *source* (``file:line``)."""
        return ValidationError((p.located(source) for p in self.problems), summary=self.summary)

    @classmethod
    def merge(cls, errors: Sequence[ValidationError], *, summary: str) -> ValidationError:
        """One error holding the problems of all *errors*."""
        return cls((p for e in errors for p in e.problems), summary=summary)


def _rebuild_validation_error(problems: tuple[Problem, ...], summary: str) -> ValidationError:
    return ValidationError(problems, summary=summary)


class ConfigError(PerceptionError, ValueError):
    """The configuration (``perception.toml`` or ``[tool.perception]``) is invalid."""


class PluginConflictError(PerceptionError):
    """Two plugins registered a scorer, check or policy under the same name."""


class WorkerDiedError(PerceptionError, RuntimeError):
    """A worker process of a batch run exited before returning its results.

    Raised by ``assess_many``, ``assess_file`` and ``check_many`` with ``workers > 1``
    when a child process dies (killed, out of memory, a crash in native code), in the
    place of the first batch it did not finish; results before it have been yielded.
    """


def install_extra(extra: str) -> str:
    """How to install the optional *extra*, for an error message: perception is installed
    from a checkout until it is published on the package index."""
    return f"install the {extra!r} extra (in a checkout of perception: pip install '.[{extra}]')"
