"""Inline markers that silence checks for one message: ``perception: ignore[names]``."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["ignored", "silenced"]

_SILENCE = re.compile(r"perception:\s*ignore(?:\[(?P<names>[^\]\n]{0,500})\])?", re.IGNORECASE)


def silenced(text: str, names: Iterable[str]) -> frozenset[str]:
    """Checks silenced by inline markers: ``perception: ignore`` or ``ignore[a, b]``."""
    if "erception" not in text and "ERCEPTION" not in text:
        return frozenset()
    silenced: set[str] = set()
    for match in _SILENCE.finditer(text):
        listed = match.group("names")
        if listed is None:
            return frozenset(names)
        silenced.update(n.strip() for n in listed.split(",") if n.strip())
    return frozenset(silenced)


def ignored(ignore: Iterable[str], names: Iterable[str]) -> frozenset[str]:
    """The checks *ignore* names (``*`` names every check)."""
    wanted = frozenset(ignore)
    return frozenset(names) if "*" in wanted else wanted
