"""``perception plugins``: what is registered, and from where."""

from __future__ import annotations

import json
from typing import Any

import click

from perception.cli._base import State, format_option, main, pass_state
from perception.report import terminal_safe


@main.command("plugins")
@format_option("table", "json", default="table")
@pass_state
def plugins_command(state: State, fmt: str) -> None:
    """List registered scorers, checks and policies with their origin plugin.

    Columns: name, kind, origin plugin, its distribution and version (for installed
    plugins), description (with "(disabled)" when the configuration switches it off).
    """
    registry = state.registry()
    config = state.config()
    rows: list[dict[str, Any]] = [
        {
            "name": e.name,
            "kind": e.kind,
            "origin": e.origin,
            "distribution": e.distribution,
            "version": e.version,
            "enabled": e.name not in config.disable,
            "description": e.description,
            "options": dict(e.defaults),
        }
        for e in registry
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        r["from"] = f"{r['distribution']} {r['version']}".strip() or "-"
    name_w = max([len("NAME")] + [len(r["name"]) for r in rows])
    origin_w = max([len("ORIGIN")] + [len(r["origin"]) for r in rows])
    from_w = max([len("DISTRIBUTION")] + [len(r["from"]) for r in rows])
    click.echo(
        f"{'NAME':<{name_w}}  {'KIND':<6}  {'ORIGIN':<{origin_w}}  "
        f"{'DISTRIBUTION':<{from_w}}  DESCRIPTION"
    )
    for r in rows:
        off = "" if r["enabled"] else " (disabled)"
        click.echo(
            terminal_safe(
                f"{r['name']:<{name_w}}  {r['kind']:<6}  {r['origin']:<{origin_w}}  "
                f"{r['from']:<{from_w}}  {r['description']}{off}"
            )
        )
