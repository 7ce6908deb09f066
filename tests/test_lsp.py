"""The language server, driven by a Language Server Protocol client (pygls's) over the
standard input and output of ``python -m perception lsp``."""

from __future__ import annotations

import asyncio
import re
import sys

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types
from pygls.lsp.client import LanguageClient  # the lsp extra, part of the test extra
from pygls.workspace.position_codec import PositionCodec

DRAFT = "Hi Dana,\n\nObviously, \U0001f600 you failed to attach the logs.\n\nBest regards,\nSam\n"
URI = "file:///drafts/reply.md"
TIMEOUT = 120


async def _session(tmp_path, steps):
    client = LanguageClient("perception-tests", "1")
    published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params):
        published.put_nowait(params)

    (tmp_path / ".git").mkdir(exist_ok=True)  # no settings file above the folder
    await client.start_io(sys.executable, "-m", "perception", "lsp", cwd=str(tmp_path))
    try:
        result = await asyncio.wait_for(
            client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(), root_uri=tmp_path.as_uri()
                )
            ),
            TIMEOUT,
        )
        assert result.server_info.name == "perception"
        client.initialized(types.InitializedParams())
        return await steps(client, published)
    finally:
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
        await asyncio.wait_for(client.stop(), TIMEOUT)


def _open(client, text, version=1):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=URI, language_id="markdown", version=version, text=text
            )
        )
    )


def test_an_opened_document_gets_its_findings_as_diagnostics(tmp_path):
    async def steps(client, published):
        _open(client, DRAFT)
        params = await asyncio.wait_for(published.get(), TIMEOUT)
        assert params.uri == URI
        blames = [d for d in params.diagnostics if "failed" in d.message]
        (blame,) = blames
        assert blame.source == "perception"
        assert blame.severity is types.DiagnosticSeverity.Warning
        # Line 3; after "Obviously, " and an emoji (two UTF-16 code units) and a space.
        assert blame.range.start == types.Position(line=2, character=14)
        assert "Suggestion:" in blame.message
        # A change to a clean text clears them; closing publishes an empty list too.
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(
                        text="Hi Dana,\n\nThe fix is live.\n\nBest regards,\nSam\n"
                    )
                ],
            )
        )
        cleared = await asyncio.wait_for(published.get(), TIMEOUT)
        assert not cleared.diagnostics
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
        )
        closed = await asyncio.wait_for(published.get(), TIMEOUT)
        assert not closed.diagnostics

    asyncio.run(_session(tmp_path, steps))


def test_a_replacement_is_offered_as_a_quick_fix(tmp_path):
    async def steps(client, published):
        _open(client, DRAFT)
        params = await asyncio.wait_for(published.get(), TIMEOUT)
        (filler,) = [d for d in params.diagnostics if "'Obviously'" in d.message]
        actions = await asyncio.wait_for(
            client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=URI),
                    range=filler.range,
                    context=types.CodeActionContext(diagnostics=[filler]),
                )
            ),
            TIMEOUT,
        )
        (action,) = [a for a in actions if a.diagnostics[0].code == "negative-language"]
        assert action.kind == types.CodeActionKind.QuickFix
        assert action.is_preferred is True
        (edit,) = action.edit.changes[URI]
        assert edit.range.start == types.Position(line=2, character=0)
        # "Obviously, " goes and its capital passes to the next word: here an emoji, so the
        # edit ends where the emoji begins and inserts nothing.
        assert (edit.range.end, edit.new_text) == (types.Position(line=2, character=11), "")

    asyncio.run(_session(tmp_path, steps))


def test_without_the_lsp_extra_the_command_says_what_to_install(monkeypatch):
    from click.testing import CliRunner  # noqa: PLC0415

    from perception.cli import EXIT_INPUT, main  # noqa: PLC0415

    monkeypatch.setitem(sys.modules, "perception.lsp", None)  # as if pygls were missing
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == EXIT_INPUT
    assert (
        "install the 'lsp' extra (in a checkout of perception: pip install '.[lsp]')"
        in result.output
    )


_SOME_TEXT = st.lists(st.sampled_from(["a", " ", "\n", "\r", "\r\n", "é", "中", "😀"])).map("".join)


@given(_SOME_TEXT, st.sampled_from(["utf-8", "utf-16", "utf-32"]), st.data())
def test_positions_are_the_protocol_codecs_for_every_encoding(text, encoding, data):
    from pygls.workspace import TextDocument  # noqa: PLC0415

    from perception.lsp import _Positions  # noqa: PLC0415

    document = TextDocument("file:///d.md", text, position_codec=PositionCodec(encoding))
    positions = _Positions(document, text)
    ends = [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    starts = [0, *ends]
    lines = [text[a:b] for a, b in zip(starts, [*ends, len(text)], strict=True)]
    for offset in data.draw(st.lists(st.integers(0, len(text)), max_size=10)):
        line = max(i for i, start in enumerate(starts) if start <= offset)
        server = types.Position(line=line, character=offset - starts[line])
        assert positions.position(offset) == document.position_codec.position_to_client_units(
            lines, server
        )
