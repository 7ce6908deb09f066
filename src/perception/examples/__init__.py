"""Runnable examples and the bundled sample portfolio.

Run one with ``python -m perception.examples.NAME``.  The sample data lives in
``perception/examples/data/`` and is read with :func:`sample_portfolio`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from perception.io import load_accounts
from perception.model import Account

__all__ = ["SAMPLE_AS_OF", "sample_path", "sample_portfolio"]

#: The moment the sample portfolio describes ("today" in its story).
SAMPLE_AS_OF = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)


def sample_path() -> Path:
    """Path of the bundled sample portfolio (JSON)."""
    return Path(str(resources.files(__package__) / "data" / "portfolio.json"))


def sample_portfolio() -> list[Account]:
    """The bundled sample portfolio's accounts."""
    return load_accounts(sample_path())
