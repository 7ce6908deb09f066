"""The command group, shared options and error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from perception import __version__
from perception.config import Config, load_config
from perception.errors import PerceptionError
from perception.plugins import (
    Registry,
    call_registration_hook,
    default_plugin_manager,
    get_registry,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INPUT = 2
#: Stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


@attrs.define
class State:
    """Per-invocation state: the config file option and what was loaded from it."""

    config_path: Path | None = None
    _config: Config | None = None

    def registry(self) -> Registry:
        """The plugins' registry."""
        return get_registry(default_plugin_manager())

    def config(self) -> Config:
        """The configuration, loaded once and validated against the plugins."""
        if self._config is None:
            config = load_config(self.config_path)
            config.validate(self.registry())
            self._config = config
        return self._config


class PerceptionGroup(click.Group):
    """A group that reports perception's errors cleanly and loads plugin commands lazily."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        before: dict[str, click.Command] = {}

        def arguments(_plugin: str) -> dict[str, Any]:
            before.clear()
            before.update(self.commands)
            return {"cli": self}

        def unchanged(plugin: str) -> None:
            for name, command in before.items():
                if self.commands.get(name) is not command:
                    self.commands[name] = command
                    msg = f"plugin {plugin!r} tried to replace the command {name!r}"
                    raise PerceptionError(msg)

        call_registration_hook(
            default_plugin_manager(), "perception_register_commands", arguments, after=unchanged
        )

    def _load_or_exit(self, ctx: click.Context) -> None:
        try:
            self._load_plugin_commands()
        except PerceptionError as exc:
            click.echo(f"perception: error: {exc}", err=True)
            ctx.exit(EXIT_INPUT)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Built-in and plugin commands, sorted."""
        self._load_or_exit(ctx)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A command by name, loading plugin commands first."""
        self._load_or_exit(ctx)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn perception's errors into a message and exit code 2."""
        try:
            return super().invoke(ctx)
        except PerceptionError as exc:
            click.echo(f"perception: error: {exc}", err=True)
            sys.stdout.flush()
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("perception: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except MemoryError:
            name = ctx.invoked_subcommand or "the command"
            click.echo(f"perception: error: out of memory while running {name}", err=True)
            ctx.exit(EXIT_INPUT)


def fail(message: str) -> None:
    """Stop with *message* on standard error and exit code 2."""
    click.echo(f"perception: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_INPUT)


@click.group(cls=PerceptionGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perception")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings file (default: nearest perception.toml or pyproject.toml "
    "with [tool.perception]).",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Assess how customers perceive your service, check messages, plan follow-ups.

    Exit codes: 0 success; 1 the result fails a threshold you set (check --fail-on,
    assess --fail-under); 2 usage error or invalid input, configuration or plugin;
    130 interrupted (Ctrl-C).
    """
    ctx.obj = State(config_path=config_path)


pass_state = click.make_pass_decorator(State)


def format_option(*choices: str, default: str) -> Callable[[F], F]:
    """A ``--format`` option with these *choices*."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )
