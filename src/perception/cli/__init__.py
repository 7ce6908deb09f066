"""The ``perception`` command line.

Exit codes, for every command:

* ``0``: success (and, for ``check``, no finding at or above ``--fail-on``);
* ``1``: the result fails a threshold the command was given (``check --fail-on``,
  ``assess --fail-under``);
* ``2``: usage error, or invalid input, configuration or plugin;
* ``130``: interrupted (Ctrl-C); worker processes are stopped first.

Plugins add commands through the ``perception_register_commands`` hook.
"""

from __future__ import annotations

from perception.cli import (  # noqa: F401  # importing registers the commands
    assess,
    calibrate,
    check,
    demo,
    followups,
    history,
    imports,
    inputs,
    lsp,
    plugins,
)
from perception.cli._base import EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, main

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "main"]
