"""Findings where writers write: positions, JSON, SARIF 2.1.0, GitHub annotations, fixes.

``perception check`` and the language server use these to show a message's findings in
CI, in a pull request and in an editor.  Positions are 1-based lines and columns counted
in characters (Unicode code points); a line ends at ``\\n``.  :func:`apply_fixes` applies
the safe edits of findings (see :class:`~perception.outcome.Finding`), never two that
overlap.

SARIF is the OASIS Static Analysis Results Interchange Format, version 2.1.0; one run
holds the results of every file checked, with each finding's edits as a proposed fix.
"""

from __future__ import annotations

import bisect
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from perception import __version__
from perception.io import to_jsonable
from perception.outcome import Edit, Finding, MessageReport, Severity, Span

__all__ = [
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "CheckedFile",
    "LineIndex",
    "apply_fixes",
    "file_json",
    "github_annotations",
    "sarif_log",
]

#: The SARIF version written, and the URI of its schema.
SARIF_VERSION: Final = "2.1.0"
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_SARIF_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL: Final = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


class LineIndex:
    """Lines and columns of offsets in one text, found by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0]
        index = text.find("\n")
        while index >= 0:
            self._starts.append(index + 1)
            index = text.find("\n", index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based ``(line, column)`` of the character at *offset* (or of the end)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def region(self, span: Span) -> dict[str, int]:
        """*span* as lines and columns (the end column is the one after the last
        character), with its character offset and length."""
        line, column = self.position(span.start)
        end_line, end_column = self.position(span.end)
        return {
            "startLine": line,
            "startColumn": column,
            "endLine": end_line,
            "endColumn": end_column,
            "charOffset": span.start,
            "charLength": span.end - span.start,
        }


@attrs.frozen(kw_only=True)
class CheckedFile:
    """One file checked: its name as given, its text and the report.

    Attributes:
        name: the path as given on the command line (``-`` for standard input).
        text: the text that was checked.
        report: what the checks found.
        fixed: how many findings ``--fix`` resolved in it before this report.
    """

    name: str
    text: str
    report: MessageReport
    fixed: int = 0


def _finding_json(finding: Finding, index: LineIndex) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(finding)
    if finding.span is not None:
        region = index.region(finding.span)
        data.update(
            line=region["startLine"],
            column=region["startColumn"],
            end_line=region["endLine"],
            end_column=region["endColumn"],
        )
    else:
        data.update(line=None, column=None, end_line=None, end_column=None)
    return data


def file_json(checked: CheckedFile) -> dict[str, Any]:
    """The report of one file as JSON data: the message report's fields, the ``file``,
    ``fixed``, and each finding's ``line``, ``column``, ``end_line`` and ``end_column``
    (1-based; the end column is the one after the last character; ``None`` for a finding
    about the whole message)."""
    index = LineIndex(checked.text)
    data: dict[str, Any] = {"file": checked.name, "fixed": checked.fixed}
    data.update(to_jsonable(checked.report))
    data["findings"] = [_finding_json(f, index) for f in checked.report.findings]
    return data


def _uri(name: str) -> str:
    """A URI reference for the file *name*: relative paths stay relative."""
    if name == "-":
        return "stdin"
    path = Path(name)
    if path.is_absolute():
        return path.as_uri()
    return urllib.parse.quote(path.as_posix())


def _fix(finding: Finding, uri: str, index: LineIndex) -> dict[str, Any]:
    return {
        "description": {"text": finding.suggestion or "Apply the suggested replacement."},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {
                        "deletedRegion": _text_region(index, edit.span),
                        "insertedContent": {"text": edit.text},
                    }
                    for edit in finding.edits
                ],
            }
        ],
        "properties": {"safe": finding.safe},
    }


def _text_region(index: LineIndex, span: Span) -> dict[str, int]:
    region = index.region(span)
    if span.start == span.end:  # an insertion point: SARIF wants an empty region by offset
        return {"charOffset": span.start, "charLength": 0}
    return region


def _result(
    finding: Finding, uri: str, index: LineIndex, rules: Mapping[str, int]
) -> dict[str, Any]:
    text = finding.message + (f" Suggestion: {finding.suggestion}" if finding.suggestion else "")
    location: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if finding.span is not None:
        location["region"] = _text_region(index, finding.span)
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }
    if finding.check in rules:
        result["ruleIndex"] = rules[finding.check]
    if finding.edits:
        result["fixes"] = [_fix(finding, uri, index)]
    return result


def sarif_log(files: Sequence[CheckedFile], checks: Mapping[str, str]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of *files*: one run, a rule per check (*checks*: name to
    description), a result per finding with its region and, when it has edits, a fix;
    plugin failures as tool notifications."""
    names = sorted(set(checks) | {f.check for c in files for f in c.report.findings})
    rules = {name: index for index, name in enumerate(names)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for checked in files:
        uri, index = _uri(checked.name), LineIndex(checked.text)
        results += [_result(f, uri, index, rules) for f in checked.report.findings]
        notifications += [
            {
                "level": "error",
                "message": {"text": f"{failure.kind} {failure.plugin!r} failed: {failure.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
            }
            for failure in checked.report.failures
        ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perception",
                        "version": __version__,
                        "rules": [
                            {
                                "id": name,
                                "shortDescription": {"text": checks.get(name) or name},
                            }
                            for name in names
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": [{"location": {"uri": _uri(c.name)}} for c in files],
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(files: Iterable[CheckedFile]) -> list[str]:
    """One GitHub Actions workflow command per finding (``::warning file=...::message``),
    which a workflow run shows on the lines of the pull request."""
    lines = []
    for checked in files:
        index = LineIndex(checked.text)
        name = _escape_property(checked.name)
        for finding in checked.report.findings:
            where = f"file={name}"
            if finding.span is not None:
                region = index.region(finding.span)
                where += (
                    f",line={region['startLine']},col={region['startColumn']},"
                    f"endLine={region['endLine']},endColumn={region['endColumn']}"
                )
            title = _escape_property(f"perception [{finding.check}]")
            text = finding.message + (
                f" Suggestion: {finding.suggestion}" if finding.suggestion else ""
            )
            level = _GITHUB_LEVEL[finding.severity]
            lines.append(f"::{level} {where},title={title}::{_escape_data(text)}")
    return lines


def apply_fixes(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """*text* with the edits of the findings marked safe applied, and how many findings
    were fixed.  A finding whose edits overlap those of a finding before it (in text
    order) is left for the next run; edits outside the text are ignored."""
    chosen: list[Edit] = []
    fixed = 0
    reached = 0  # where the edits chosen so far end
    for finding in sorted(
        (f for f in findings if f.safe and f.edits),
        key=lambda f: min(e.span.start for e in f.edits),
    ):
        edits = sorted(finding.edits, key=lambda e: e.span.start)
        end = max(e.span.end for e in edits)
        if (chosen and edits[0].span.start < reached) or end > len(text):
            continue
        chosen += edits
        reached = end
        fixed += 1
    # The pieces in order, joined once: rebuilding the text for each edit was quadratic.
    pieces: list[str] = []
    done = 0  # how much of the original text is in pieces
    for edit in sorted(chosen, key=lambda e: e.span.start):
        pieces += (text[done : edit.span.start], edit.text)
        done = edit.span.end
    pieces.append(text[done:])
    return "".join(pieces), fixed
