"""``perception lsp``: the language server for editors (needs the ``lsp`` extra)."""

from __future__ import annotations

import click

from perception.cli._base import State, fail, main, pass_state
from perception.errors import install_extra

__all__ = ["lsp_command"]


@main.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk on standard input and output (the default; accepted for editors that pass it).",
)
@pass_state
def lsp_command(state: State, stdio: bool) -> None:  # stdio is the only transport
    """Run the language server: findings on the drafts an editor opens, as diagnostics.

    Speaks the Language Server Protocol on standard input and output.  The settings are
    the ones found from the folder the editor starts it in (or --config).  A suggestion
    that is a replacement is offered as a quick fix.  Needs the lsp extra
    (pip install '.[lsp]' in a checkout).
    """
    try:
        from perception.lsp import create_server  # noqa: PLC0415  # optional dependency
    except ImportError as exc:
        fail(f"the language server needs pygls: {install_extra('lsp')} ({exc})")
    create_server(config=state.config(), registry=state.registry()).start_io()
