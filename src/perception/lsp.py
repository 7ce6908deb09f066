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

import re
from collections.abc import Sequence

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


class _Positions:
    """Offsets of one text as protocol positions, in the agreed encoding."""

    def __init__(self, document: TextDocument, text: str) -> None:
        self._codec = document.position_codec
        self._starts = [0]
        self._lines = []
        start = 0
        for match in _LINE_BREAK.finditer(text):
            self._lines.append(text[start : match.end()])
            start = match.end()
            self._starts.append(start)
        self._lines.append(text[start:])

    def position(self, offset: int) -> types.Position:
        line = 0
        low, high = 0, len(self._starts) - 1
        while low <= high:  # the last line start at or before offset
            middle = (low + high) // 2
            if self._starts[middle] <= offset:
                line, low = middle, middle + 1
            else:
                high = middle - 1
        server = types.Position(line=line, character=offset - self._starts[line])
        return self._codec.position_to_client_units(self._lines, server)

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
