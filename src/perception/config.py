"""Configuration: ``[tool.perception]`` in ``pyproject.toml`` or a ``perception.toml``.

Example (``perception.toml``; in ``pyproject.toml`` put the same under ``[tool.perception]``)::

    disable = ["readability"]            # scorers, checks or policies to switch off

    [weights]                            # a scorer's weight (replaces its default)
    voice = 2.0

    [bands]                              # lowest score of each band
    delighted = 80
    satisfied = 60
    neutral = 45
    at_risk = 25

    [options.break-silence]              # options of one scorer, check or policy
    days = 21

    calibration = "model.json"           # a file written by `perception calibrate`
                                         # (relative to this file; top-level key)

Unknown keys are errors, never silently ignored; so are options a plugin does not
declare (in its ``Options`` class or ``defaults``), values out of an option's range, and
names no plugin registered.  The tables a plugin is handed are read-only.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from perception._frozen import FrozenMap, frozen_map
from perception.calibration import CalibrationModel, load_calibration
from perception.errors import ConfigError
from perception.outcome import Band

if TYPE_CHECKING:
    from perception.plugins import Registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["DEFAULT_BANDS", "Config", "default_config", "find_config", "load_config"]

#: Lowest score (0-100) of each band; anything below ``at risk`` is ``critical``.
DEFAULT_BANDS: Mapping[Band, float] = {
    Band.DELIGHTED: 80.0,
    Band.SATISFIED: 60.0,
    Band.NEUTRAL: 45.0,
    Band.AT_RISK: 25.0,
}

_TOP_LEVEL_KEYS = ("disable", "weights", "bands", "options", "calibration")
_BAND_KEYS = {
    "delighted": Band.DELIGHTED,
    "satisfied": Band.SATISFIED,
    "neutral": Band.NEUTRAL,
    "at_risk": Band.AT_RISK,
}


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _read_only(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of *value*: what plugins are handed cannot be changed behind the
    caller's back."""
    return frozen_map(value)


def _read_only_tables(value: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    return FrozenMap({k: frozen_map(v) for k, v in value.items()})


@attrs.frozen(kw_only=True, hash=False)
class Config:
    """Validated settings for the engine.

    Attributes:
        disable: names of scorers, checks and policies that do not run.
        weights: per-scorer weights, replacing each scorer's declared ``weight``.
        bands: lowest score of each band (with a calibration, of each band's range of
            the calibrated probability, in percent).
        options: per-plugin options, by registered name.
        source: where the settings came from, for error messages.
        calibration: a fitted calibration (:mod:`perception.calibration`); when set,
            the score is the calibrated probability that the customer calls themselves
            satisfied.

    The mappings are read-only.
    """

    disable: frozenset[str] = attrs.field(factory=frozenset, converter=_names)
    weights: Mapping[str, float] = attrs.field(factory=dict, converter=_read_only)
    bands: Mapping[Band, float] = attrs.field(
        factory=lambda: dict(DEFAULT_BANDS), converter=_read_only
    )
    options: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, converter=_read_only_tables
    )
    source: str = "<defaults>"
    calibration: CalibrationModel | None = None

    @classmethod
    def from_mapping(  # noqa: PLR0912  # one branch per key keeps every problem reported
        cls, data: Mapping[str, Any], *, source: str = "<mapping>", base: Path | None = None
    ) -> Config:
        """Build a config from a parsed TOML table, reporting every problem at once.

        :param base: the folder a relative ``calibration`` path is read from (default:
            the current directory).
        """
        problems: list[str] = []
        if not isinstance(data, Mapping):
            raise ConfigError(f"{source}: the perception table must be a table")
        problems.extend(
            f"unknown key {key!r} (allowed: {', '.join(_TOP_LEVEL_KEYS)})"
            for key in data
            if key not in _TOP_LEVEL_KEYS
        )
        disable = data.get("disable", [])
        if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
            problems.append("disable: must be a list of names")
            disable = []
        weights = _table(data, "weights", problems)
        for name, value in weights.items():
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                problems.append(f"weights.{name}: must be a finite number >= 0, not {value!r}")
        bands = dict(DEFAULT_BANDS)
        for key, value in _table(data, "bands", problems).items():
            if key not in _BAND_KEYS:
                problems.append(f"bands.{key}: unknown band (allowed: {', '.join(_BAND_KEYS)})")
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"bands.{key}: must be a number, not {value!r}")
            elif not 0 <= value <= 100:
                problems.append(f"bands.{key}: must be between 0 and 100, not {value!r}")
            else:
                bands[_BAND_KEYS[key]] = float(value)
        ordered = [bands[b] for b in (Band.DELIGHTED, Band.SATISFIED, Band.NEUTRAL, Band.AT_RISK)]
        if ordered != sorted(ordered, reverse=True):
            problems.append("bands: thresholds must fall from delighted to at_risk")
        options = _table(data, "options", problems)
        for name, table in options.items():
            if not isinstance(table, Mapping):
                problems.append(f"options.{name}: must be a table")
        calibration = _calibration(data.get("calibration"), base, problems)
        if problems:
            raise ConfigError(_render(source, problems))
        return cls(
            disable=frozenset(disable),
            weights={k: float(v) for k, v in weights.items()},
            bands=bands,
            options={k: dict(v) for k, v in options.items()},
            source=source,
            calibration=calibration,
        )

    def to_mapping(self) -> dict[str, Any]:
        """This configuration as the table :meth:`from_mapping` reads (plain values).

        ``Config.from_mapping(config.to_mapping(), source=config.source) == config``: so
        a configuration can travel as JSON, for example to worker processes.
        """
        names = {band: key for key, band in _BAND_KEYS.items()}
        return {
            "disable": sorted(self.disable),
            "weights": dict(self.weights),
            "bands": {names[band]: value for band, value in self.bands.items()},
            "options": {name: _plain(table) for name, table in self.options.items()},
        }

    def weight(self, scorer: str, default: float = 1.0) -> float:
        """The configured weight of *scorer*, or *default* (its declared weight)."""
        return self.weights.get(scorer, default)

    def band(self, score: float) -> Band:
        """The band of a 0-100 *score*."""
        for band in (Band.DELIGHTED, Band.SATISFIED, Band.NEUTRAL, Band.AT_RISK):
            if score >= self.bands[band]:
                return band
        return Band.CRITICAL

    def options_for(self, name: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
        """*defaults* overlaid with the options configured for *name* (a plain copy)."""
        merged = dict(defaults)
        merged.update(self.options.get(name, {}))
        return merged

    def render_problems(self, problems: list[str]) -> str:
        """An error message listing *problems* of this configuration, naming its source."""
        return _render(self.source, problems)

    def validate(self, registry: Registry) -> None:
        """Check every name and option against the plugins in *registry*.

        Raises :class:`~perception.errors.ConfigError` listing each unknown name, each
        option a plugin does not declare and each value of the wrong type or out of range.
        """
        from perception.plugins import structure_problems  # noqa: PLC0415  # import cycle

        known = registry.names()
        problems = [
            f"disable: no scorer, check or policy is named {name!r}"
            for name in sorted(self.disable)
            if name not in known
        ]
        problems.extend(
            f"weights.{name}: no scorer is named {name!r}"
            for name in sorted(self.weights)
            if name not in registry.scorers
        )
        for name, values in sorted(self.options.items()):
            entry = registry.get(name)
            if entry is None:
                problems.append(f"options.{name}: no scorer, check or policy is named {name!r}")
                continue
            problems.extend(structure_problems(entry, values))
        if problems:
            raise ConfigError(_render(self.source, problems))


def _plain(value: Any) -> Any:
    """*value* with read-only mappings and tuples turned into dicts and lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _calibration(value: object, base: Path | None, problems: list[str]) -> CalibrationModel | None:
    """The calibration file a configuration names, read (``None`` when it names none)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"calibration: must be the path of a calibration file, not {value!r}")
        return None
    path = Path(value)
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        return load_calibration(path)
    except ConfigError as exc:
        problems.append(f"calibration: {exc}")
        return None


def _table(data: Mapping[str, Any], key: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        problems.append(f"{key}: must be a table")
        return {}
    return dict(value)


def _render(source: str, problems: list[str]) -> str:
    noun = "problem" if len(problems) == 1 else "problems"
    return "\n".join(
        [f"invalid configuration in {source}: {len(problems)} {noun}"]
        + [f"  {p}" for p in problems]
    )


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``perception.toml``, or ``pyproject.toml`` with ``[tool.perception]``.

    Looks in *start* (default: the current directory) and its parents, stopping at the
    first folder holding either file or a ``.git`` folder.
    """
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "perception.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "perception" in _tool_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            break
    return None


def _tool_table(pyproject: Path) -> Mapping[str, Any]:
    """The ``[tool]`` table of a ``pyproject.toml`` (empty when there is none)."""
    tool = _read_toml(pyproject).get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{pyproject}: tool: must be a table, not {type(tool).__name__}")
    return tool


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        line = 1 + exc.object[: exc.start].count(b"\n")
        message = f"{path}:{line}: not UTF-8 text: byte 0x{exc.object[exc.start]:02x}"
        raise ConfigError(message) from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc


_DEFAULT = Config()


def default_config() -> Config:
    """The configuration used when none is given: one shared, read-only instance, so that
    what is resolved per configuration (the plugins' options) is resolved once."""
    return _DEFAULT


def load_config(path: str | Path | None = None, *, start: Path | None = None) -> Config:
    """Load settings from *path*, or from the file :func:`find_config` finds.

    A ``pyproject.toml`` contributes its ``[tool.perception]`` table; any other file is
    read whole.  With no file found, the defaults apply.
    """
    if path is None:
        found = find_config(start)
        if found is None:
            return _DEFAULT
        path = found
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = _tool_table(path).get("perception", {})
        return Config.from_mapping(
            data, source=f"{path} [tool.perception]", base=path.resolve().parent
        )
    return Config.from_mapping(data, source=str(path), base=path.resolve().parent)
