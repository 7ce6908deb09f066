"""The language server: perception's findings as diagnostics in an editor.

``perception lsp`` (install ``customer-perception[lsp]``) speaks the Language Server Protocol on
standard input and output, through pygls.  Each document the editor opens, changes or
saves is checked with the configuration found from the folder the server was started in
(``perception.toml`` or ``[tool.perception]``); its findings are published as
diagnostics (source ``perception``, the check's name as the code, the suggestion in the
message).  A finding whose suggestion is a replacement is offered as a quick fix (a code
action), preferred when its edits are safe.  Closing a document clears its diagnostics.

Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as the protocol says; characters are counted in
the position encoding agreed with the editor (UTF-16 unless it offers another).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from perception import __version__
from perception.config import Config, load_config
from perception.engine import check
from perception.outcome import Finding, MessageReport, Severity, Span
from perception.plugins import Registry, default_plugin_manager, get_registry

__all__ = ["create_server"]

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _utf8_units(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


#: Code units of one character in each position encoding of the protocol.
_UNITS: dict[str, Callable[[str], int]] = {
    types.PositionEncodingKind.Utf8.value: _utf8_units,
    types.PositionEncodingKind.Utf16.value: _utf16_units,
    types.PositionEncodingKind.Utf32.value: lambda _: 1,
}


class _Positions:
    """Offsets of one text as protocol positions, in the agreed encoding.

    Each line's characters beyond one code unit are counted once, when a position on
    that line is first asked for, so that many findings on one long line cost no more
    than the line (counting the units of the line before each position was quadratic).
    """

    def __init__(self, document: TextDocument, text: str) -> None:
        encoding: object = document.position_codec.encoding
        self._units = _UNITS.get(str(getattr(encoding, "value", encoding)), _utf16_units)
        self._starts = [0]
        self._lines: list[str] = []
        start = 0
        for match in _LINE_BREAK.finditer(text):
            self._lines.append(text[start : match.end()])
            start = match.end()
            self._starts.append(start)
        self._lines.append(text[start:])
        self._wide: dict[int, tuple[list[int], list[int]]] = {}

    def position(self, offset: int) -> types.Position:
        offset = max(0, offset)
        line = bisect.bisect_right(self._starts, offset) - 1
        text = self._lines[line]
        character = min(offset - self._starts[line], len(text))
        if text.isascii():
            return types.Position(line=line, character=character)
        wide = self._wide.get(line)
        if wide is None:
            # Where each character of more than one unit stands, and the extra units
            # of the line up to and including it.
            where: list[int] = []
            extra: list[int] = []
            total = 0
            for index, char in enumerate(text):
                more = self._units(char) - 1
                if more:
                    total += more
                    where.append(index)
                    extra.append(total)
            wide = self._wide[line] = (where, extra)
        where, extra = wide
        before = bisect.bisect_left(where, character)  # wide characters before it
        return types.Position(line=line, character=character + (extra[before - 1] if before else 0))

    def range(self, span: Span | None) -> types.Range:
        if span is None:  # about the whole message: its first line
            return types.Range(start=self.position(0), end=self.position(0))
        return types.Range(start=self.position(span.start), end=self.position(span.end))


def _diagnostic(finding: Finding, positions: _Positions) -> types.Diagnostic:
    message = finding.message
    if finding.suggestion:
        message += f"\nSuggestion: {finding.suggestion}"
    return types.Diagnostic(
        range=positions.range(finding.span),
        message=message,
        severity=_SEVERITY[finding.severity],
        source="perception",
        code=finding.check,
    )


class _Checker:
    """Checks documents and keeps the last report of each, for its quick fixes."""

    def __init__(self, config: Config, registry: Registry) -> None:
        self.config = config
        self.registry = registry
        self.reports: dict[str, tuple[str, MessageReport]] = {}

    def publish(self, server: LanguageServer, uri: str) -> None:
        document = server.workspace.get_text_document(uri)
        text = document.source
        report = check(text, config=self.config, plugins=self.registry)
        self.reports[uri] = (text, report)
        positions = _Positions(document, text)
        diagnostics = [_diagnostic(f, positions) for f in report.findings]
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version
            )
        )

    def forget(self, server: LanguageServer, uri: str) -> None:
        self.reports.pop(uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def fixes(
        self, server: LanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        stored = self.reports.get(uri)
        if stored is None:
            return []
        text, report = stored
        document = server.workspace.get_text_document(uri)
        if document.source != text:  # changed since: the edits would land elsewhere
            return []
        positions = _Positions(document, text)
        wanted = params.range
        actions = []
        for finding in report.findings:
            where = positions.range(finding.span)
            if not finding.edits or not _touches(where, wanted):
                continue
            edits = [
                types.TextEdit(range=positions.range(e.span), new_text=e.text)
                for e in finding.edits
            ]
            actions.append(
                types.CodeAction(
                    title=f"perception: {finding.suggestion or 'apply the suggestion'}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[_diagnostic(finding, positions)],
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                    is_preferred=finding.safe,
                )
            )
        return actions


def _touches(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def create_server(
    *, config: Config | None = None, registry: Registry | None = None
) -> LanguageServer:
    """A language server that checks the documents an editor opens.

    :param config: settings (default: those found from the current folder, validated).
    :param registry: the plugins (default: the process-wide manager's).
    """
    registry = registry if registry is not None else get_registry(default_plugin_manager())
    if config is None:
        config = load_config()
        config.validate(registry)
    checker = _Checker(config, registry)
    server = LanguageServer(
        "perception", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
    )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        checker.publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        checker.publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        checker.publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        checker.forget(ls, params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: LanguageServer, params: types.CodeActionParams
    ) -> Sequence[types.CodeAction]:
        return checker.fixes(ls, params)

    return server
