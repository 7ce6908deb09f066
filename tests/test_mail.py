"""E-mail read as e-mail: the author's own text apart from quotes, signatures and HTML."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import perception
from perception.cli import main
from perception.mail import (
    AuthorText,
    MailError,
    author_text,
    html_text,
    read_email,
    strip_markers,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = Path(__file__).parent / "data" / "mail_corpus.toml"
EVERY = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["message"]
#: The development messages: the held-out ones only measure the splitter (benchmarks).
MESSAGES = [m for m in EVERY if m.get("set") != "held-out"]
EXAMPLE = Path(perception.__file__).parent / "examples" / "data" / "reply.eml"


def _signature(split: AuthorText) -> str:
    s = split.signature
    return "" if s is None else split.text[s.start : s.end]


@pytest.mark.parametrize("item", MESSAGES, ids=[m["id"] for m in MESSAGES])
def test_corpus_own_text_and_signature(item):
    text = item["text"].strip("\n")
    split = author_text(text)
    assert split.own_text().split() == item["own"].split()
    assert _signature(split).split() == item["signature"].split()


@pytest.mark.parametrize("item", EVERY, ids=[m["id"] for m in EVERY])
def test_every_corpus_message_is_split_into_spans_of_its_text(item):
    split = author_text(item["text"])
    assert split.own
    assert all(0 <= s.start < s.end <= len(item["text"]) for s in split.own)


def test_quoted_thread_is_set_apart_and_read_as_the_earlier_message():
    item = next(m for m in MESSAGES if m["id"] == "gmail-top-posted")
    split = author_text(item["text"])
    assert len(split.thread) == 1
    assert split.thread[0].author == "Dana Smith <dana@northwind.example>"
    assert split.thread[0].address == "dana@northwind.example"
    assert split.thread[0].text.startswith("The export failed AGAIN.")
    assert ">" not in split.thread[0].text


def test_nested_quotes_give_each_earlier_message():
    item = next(m for m in MESSAGES if m["id"] == "nested-thread")
    thread = author_text(item["text"]).thread
    assert [q.text for q in thread] == [
        "Thursday works for us.",
        "Could we move the workshop to Thursday?\n\nBest,",
    ]


def test_masked_text_keeps_offsets_and_blanks_the_rest():
    item = next(m for m in MESSAGES if m["id"] == "inline-reply")
    text = item["text"]
    split = author_text(text)
    masked = split.masked()
    assert len(masked) <= len(text)
    for span in split.own:
        assert masked[span.start : span.end] == text[span.start : span.end]
    assert "Can you export" not in masked
    assert masked.count("\n") == text[: len(masked)].count("\n")


def test_a_message_without_quotes_is_whole():
    split = author_text("Hi Dana,\n\nThe export works again.")
    assert split.whole
    assert split.masked() == split.text


_PIECES = [*"ab >:\n-_@,.", "wrote:", "From: x@y", "Sent: z", "On ", "--", "Best,", "\u2028"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_spans_are_ordered_and_inside_the_text(text):
    split = author_text(text)
    last = 0
    for span in (*split.own, *([split.signature] if split.signature else [])):
        assert 0 <= span.start < span.end <= len(text)
    for span in split.own:
        assert span.start >= last
        last = span.end
    masked = split.masked()
    assert all(masked[s.start : s.end] == text[s.start : s.end] for s in split.own)


@pytest.mark.parametrize(
    "text",
    [
        "On Monday the export broke and\n" * 5000,
        "On " + "x " * 100_000 + "\n",
        "From: a\n" * 20_000,
        "> " * 50_000,
        "Best regards,\n" * 20_000,
        "-" * 200_000,
    ],
    ids=["on-lines", "long-on-line", "from-lines", "quote-marks", "closings", "dashes"],
)
def test_hostile_input_is_read(text):
    split = author_text(text)
    assert split.text == text


# ------------------------------------------------------------------------------ HTML

HTML = (
    "<html><head><style>p {color: red}</style><title>x</title></head><body>"
    "<div dir='ltr'><p>Hi Dana,</p><p>Sorry the export failed again &amp; thanks for "
    "waiting.</p><p>Best,</p><div class='gmail_signature'>Sam<br>Acme</div></div>"
    "<div class='gmail_quote'><div class='gmail_attr'>On Tue, Dana &lt;dana@x.example&gt; "
    "wrote:</div><blockquote>The export <b>failed</b> again. SLA breached.</blockquote>"
    "</div></body></html>"
)


def test_html_is_read_as_text_with_quotes_and_signature_apart():
    split = html_text(HTML)
    own = split.own_text()
    assert "Sorry the export failed again & thanks for waiting." in own
    assert "color" not in split.text
    assert "SLA" not in own
    assert "Sam" not in own
    assert _signature(split).split() == ["Sam", "Acme"]
    assert split.thread[0].text == "The export failed again. SLA breached."
    assert split.thread[0].author == "Dana <dana@x.example>"


def test_outlook_html_thread_is_quoted():
    html = (
        "<p>All done.</p><div id='appendonsend'></div><hr><div id='divRplyFwdMsg'>"
        "<b>From:</b> Lee &lt;lee@x.example&gt;<br><b>Sent:</b> Monday<br><b>To:</b> us"
        "</div><div>Please fix the VPN.</div>"
    )
    split = html_text(html)
    assert split.own_text() == "All done."
    assert "VPN" not in split.masked()


def test_html_check_points_only_into_the_authors_text():
    split = html_text(HTML)
    report = perception.check(split)
    own = {(s.start, s.end) for s in split.own}
    assert report.length == len(split.text)
    for finding in report.findings:
        assert finding.span is not None
        assert any(a <= finding.span.start and finding.span.end <= b for a, b in own)


class _CountedSpan:
    """A span that counts how often its bounds are read."""

    def __init__(self, start, end, reads):
        self._start, self._end, self._reads = start, end, reads

    @property
    def start(self):
        self._reads.append(1)
        return self._start

    @property
    def end(self):
        self._reads.append(1)
        return self._end


def test_known_quoted_spans_are_applied_in_one_sweep():
    from perception.mail import _apply_known, _line_offsets  # noqa: PLC0415

    text = "own line\nquoted line\n" * 3000
    lines, starts = _line_offsets(text)
    reads = []
    known = [_CountedSpan(s, s + len(lines[i]), reads) for i, s in enumerate(starts) if i % 2]
    roles = ["own"] * len(lines)
    _apply_known(roles, starts, lines, known[::-1])
    assert roles == ["own", "quoted"] * 3000
    # each span is looked at a few times, not once for every line (3,000 x 6,000 before)
    assert len(reads) <= 10 * (len(known) + len(lines))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "", " ", "bb b"]), max_size=12),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6),
)
def test_known_quoted_spans_mark_the_lines_inside_them(pieces, bounds):
    from perception.mail import _apply_known, _line_offsets  # noqa: PLC0415
    from perception.outcome import Span  # noqa: PLC0415

    lines, starts = _line_offsets("\n".join(pieces))
    known = [Span(start=min(a, b), end=max(a, b)) for a, b in bounds]
    roles = ["own"] * len(lines)
    _apply_known(roles, starts, lines, known)
    expected = [
        "quoted"
        if line.strip() and any(k.start <= s and s + len(line) <= k.end for k in known)
        else "own"
        for line, s in zip(lines, starts, strict=True)
    ]
    assert roles == expected


def test_many_blockquotes_are_each_quoted():
    split = html_text("<p>Thanks.</p>" + "<blockquote>a</blockquote>" * 20_000)
    assert split.own_text() == "Thanks."
    assert split.masked().strip() == "Thanks."


#: What HTMLParser searches to the end of the input for, each time it fails to close.
_SEARCHES = ("parse_endtag", "parse_comment", "parse_pi", "parse_html_declaration")


def _failed_searches(markup, monkeypatch):
    """How many times reading *markup* searched for the end of a construct in vain."""
    from perception import mail  # noqa: PLC0415

    failed = []
    for name in _SEARCHES:
        method = getattr(mail._HtmlReader, name)

        def counted(self, i, *args, _method=method, **kwargs):
            found = _method(self, i, *args, **kwargs)
            if found < 0:
                failed.append(i)
            return found

        monkeypatch.setattr(mail._HtmlReader, name, counted)
    text = html_text(markup).text
    monkeypatch.undo()
    return failed, text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("</" * 5000, "</" * 5000),
        ("<p>a</p>" + "</ " * 3000, "a\n\n" + "</ " * 3000),
        ("<!--x>" * 3000, "<!--x>" * 3000),
        ("<?x" * 3000, "<?x" * 3000),
        ("<!x" * 3000, "<!x" * 3000),
        ("<p>a</p><![x[" * 2000, "a <![x[ " * 2000),
    ],
    ids=["end-tags", "end-tags-after-html", "comments", "instructions", "declarations", "sections"],
)
def test_unclosed_constructs_are_text_read_at_once(markup, text, monkeypatch):
    failed, read = _failed_searches(markup, monkeypatch)
    assert failed == []  # before: one search to the end of the input for each
    assert read.split() == text.split()


@pytest.mark.parametrize(
    "markup",
    ["a <![ b", "<p>x</p><![if x", "<![foo[ bar ]]> baz", "<![CDATA[ x"],
)
def test_a_section_html_parser_cannot_read_is_text(markup):
    # Before: AssertionError ("expected name token", "unknown status keyword").
    assert "<![" in html_text(markup).text


_HTML_PIECES = ["<", ">", "/", "!", "-", "?", "[", "]", '"', "=", " ", "a", "&", "\n"]
_HTML_PIECES += ["<!--", "-->", "<![", "CDATA", "if", "<p>", "</p>", "<b>", "hello", "<script>"]
_HTML_PIECES += ["</script>", "<blockquote>", "</blockquote>", "<div class='gmail_quote'>"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=40).map("".join))
def test_any_html_is_read_without_a_search_in_vain(markup):
    from perception.mail import _unclosed_as_text  # noqa: PLC0415

    guarded = _unclosed_as_text(markup)
    assert guarded.replace("&lt;", "<") == markup.replace("&lt;", "<")
    with pytest.MonkeyPatch.context() as monkeypatch:
        failed, _ = _failed_searches(markup, monkeypatch)
    assert failed == []


def test_the_guard_leaves_closed_html_as_it_is():
    from perception.mail import _unclosed_as_text  # noqa: PLC0415

    for markup in (HTML, "<!-- a --><![if mso]><p>x</p><![endif]><![CDATA[y]]>", "a < b > c"):
        assert _unclosed_as_text(markup) == markup


# ------------------------------------------------------------------------------ .eml


def test_read_email_prefers_the_plain_part():
    mail = read_email(EXAMPLE.read_bytes(), source=str(EXAMPLE))
    assert mail.subject == "Re: Export failed again"
    assert not mail.html
    assert mail.recipients == ("dana.whitfield@northwind-logistics.example",)
    assert mail.date is not None
    assert mail.date.tzinfo is not None
    assert "SLA" not in mail.author.own_text()
    assert mail.author.thread[0].text.startswith("The nightly export failed AGAIN.")


def _html_only(extra_header: str = "") -> bytes:
    return (
        "From: sam@acme.example\nTo: dana@x.example\nSubject: Re: export\n"
        f"{extra_header}MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        "<p>Hello Dana,</p><p>It runs again.</p><!-- perception: ignore[readability] -->"
        "<blockquote>It failed AGAIN. TR1234 is still open.</blockquote>"
    ).encode()


def test_read_email_reads_an_html_body_as_text():
    mail = read_email(_html_only())
    assert mail.html
    assert mail.author.own_text() == "Hello Dana,\n\nIt runs again."
    assert mail.ignore == ("readability",)


def test_ignore_header_silences_checks():
    mail = read_email(_html_only("X-Perception-Ignore: acknowledgement, personalization\n"))
    assert mail.ignore == ("acknowledgement", "personalization", "readability")


def test_a_message_without_a_text_part_is_an_error():
    data = (
        b"From: a@b.example\nMIME-Version: 1.0\nContent-Type: application/pdf\n"
        b"Content-Transfer-Encoding: base64\n\nJVBERi0=\n"
    )
    with pytest.raises(MailError, match=r"draft\.eml: no text/plain or text/html part"):
        read_email(data, source="draft.eml")


def test_a_latin1_body_is_decoded():
    data = (
        "From: a@b.example\nContent-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\n\nGrüße, the refund is on its way.\n"
    ).encode("latin-1")
    assert read_email(data).text.startswith("Grüße")


def test_strip_markers_removes_comment_forms():
    text = "Hi Dana,\n<!-- perception: ignore[acknowledgement] -->\nAll fixed.\n"
    stripped, names = strip_markers(text)
    assert stripped == "Hi Dana,\nAll fixed.\n"
    assert names == ("acknowledgement",)
    assert strip_markers("[//]: # (perception: ignore)\nHello")[1] == ()
    assert strip_markers("Hello")[1] is None


# ------------------------------------------------------------------------------ check


REPLY = next(m for m in MESSAGES if m["id"] == "gmail-top-posted")["text"]


def test_findings_point_only_into_the_authors_own_text():
    whole = perception.check(REPLY, author_only=False)
    assert any(f.span and f.span.start > REPLY.index("wrote:") for f in whole.findings)
    report = perception.check(REPLY)
    end = REPLY.index("Best regards,")
    assert all(f.span is None or f.span.end <= end for f in report.findings)
    assert report.length == len(REPLY)


def test_the_quoted_message_is_the_message_answered():
    draft = "Hi Dana,\n\nThe export runs again.\n\n" + REPLY[REPLY.index("On Tue") :]
    report = perception.check(draft)
    assert "acknowledgement" in [f.check for f in report.findings]


def test_ignore_silences_without_a_marker_in_the_text():
    text = "Hi Dana,\n\nYou failed to attach the logs.\n\nBest,\nSam"
    report = perception.check(text, ignore=["negative-language"])
    assert "negative-language" in report.silenced
    assert all(f.check != "negative-language" for f in report.findings)
    assert perception.check(text, ignore=["*"]).findings == ()


def test_a_marker_in_the_signature_still_silences():
    text = "Hi Dana,\n\nYou failed to attach the logs.\n\nBest,\nSam\n<!-- perception: ignore -->\n"
    assert perception.check(text).findings == ()


# ------------------------------------------------------------------------------- CLI


@pytest.fixture
def runner():
    return CliRunner()


def test_cli_checks_an_eml_file(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", str(EXAMPLE)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "[acknowledgement]" in result.output
    assert "'SLA'" not in result.output  # the customer's quoted words are not checked
    assert f"{EXAMPLE}:3:" in result.output


def test_cli_ignore_option(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        main,
        ["check", str(EXAMPLE), "--ignore", "acknowledgement", "--ignore", "undefined-term"],
        catch_exceptions=False,
    )
    assert "[acknowledgement]" not in result.output
    assert "[undefined-term]" not in result.output


def test_cli_header_ignore_and_bad_eml(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = tmp_path / "draft.eml"
    good.write_bytes(_html_only("X-Perception-Ignore: *\n"))
    result = runner.invoke(main, ["check", str(good)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    bad = tmp_path / "scan.eml"
    bad.write_bytes(b"From: a@b.example\nContent-Type: image/png\n\nxx\n")
    result = runner.invoke(main, ["check", str(bad)], catch_exceptions=False)
    assert result.exit_code == 2
    assert "scan.eml: no text/plain or text/html part" in result.output


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", max_size=40))
def test_lines_and_their_offsets_index_the_text(text):
    from perception.mail import _line_offsets  # noqa: PLC0415

    lines, starts = _line_offsets(text)
    assert len(lines) == len(starts)
    for line, start in zip(lines, starts, strict=True):
        assert text[start : start + len(line)] == line
        # a line ends at a line break or the end of the text, and holds none
        assert (
            start + len(line) == len(text)
            or text[start + len(line)] in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
        )
        assert not any(c in line for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


# ------------------------------------------------------------------------ bad headers


def _nested(depth: int) -> bytes:
    """A message whose multipart parts are nested *depth* deep around a text part."""
    head = "".join(
        f'--b{n}\nContent-Type: multipart/mixed; boundary="b{n + 1}"\n\n' for n in range(depth)
    )
    tail = "".join(f"--b{n}--\n" for n in reversed(range(depth + 1)))
    return (
        "From: Jo <jo@cust.example>\nSubject: hi\n"
        'Content-Type: multipart/mixed; boundary="b0"\n\n'
        f"{head}--b{depth}\nContent-Type: text/plain\n\nThe export works.\n{tail}"
    ).encode()


@pytest.mark.parametrize(
    ("header", "name", "why"),
    [
        ("From: :;\x00", "From", "malformed"),  # 'Group' object has no attribute 'local_part'
        ("From: jo@x.example\nTo: :;\x00", "To", "malformed"),
        ("From: jo@x.example\nCc: a:b;\x00", "Cc", "malformed"),
        ("From: a <", "From", "malformed"),  # IndexError
        ("From: jo@x.example\nTo: " + "(" * 500, "To", "nested more than 32 deep"),
        ("From: jo@x.example\nTo: " + "(a " * 40 + "a@b.example", "To", "nested more than 32 deep"),
    ],
    ids=["from-group", "to-group", "cc-group", "from-open-angle", "to-parens", "to-nested"],
)
def test_a_header_the_parser_fails_on_is_an_error_naming_it(header, name, why):
    with pytest.raises(MailError) as info:
        read_email(f"{header}\n\nhi\n".encode(), source="g.eml")
    message = str(info.value)
    assert message.startswith(f"g.eml: header {name!r} cannot be read: ")
    assert why in message


def test_parens_in_a_subject_or_a_quoted_name_are_text():
    mail = read_email(
        b'From: "Jo ((((((((((((((((((((((((((((((((((((((((" <jo@x.example>\n'
        b"Subject: ((((((((((((((((((((((((((((((((((((((((((((((((\n\nhi\n"
    )
    assert mail.subject == "(" * 48
    assert "jo@x.example" in mail.sender


def test_parts_nested_too_deeply_are_an_error_and_shallow_ones_are_read():
    assert read_email(_nested(50)).text.strip() == "The export works."
    with pytest.raises(
        MailError, match=r"m\.eml: not readable: its MIME parts are nested too deeply"
    ):
        read_email(_nested(2000), source="m.eml")


def test_cli_check_of_an_unreadable_header_names_file_and_header(runner, tmp_path):
    bad = tmp_path / "g.eml"
    bad.write_bytes(b"From: :;\x00\n\nhi\n")
    result = runner.invoke(main, ["check", str(bad)], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"perception: error: {bad}: header 'From' cannot be read" in result.output


class _CountingHeaders:
    """The header registry, recording how long each value it parses is."""

    def __init__(self, registry, lengths):
        self._registry, self._lengths = registry, lengths

    def __getitem__(self, name):
        return self._registry[name]

    def __call__(self, name, value):
        self._lengths.append(len(value))
        return self._registry(name, value)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Subject: " + "a " * 500_000, "Subject"),
        ("To: " + "a@b.example, " * 50_000, "To"),
        ("Subject: " + "=?utf-8?q?a?= " * 50_000, "Subject"),
        ("Subject: " + "a\n " * 200_000, "Subject"),  # folded over many lines
    ],
    ids=["subject-words", "to-addresses", "encoded-words", "folded"],
)
def test_a_long_header_is_read_up_to_the_bound_with_a_notice(header, name, monkeypatch):
    from perception import mail  # noqa: PLC0415

    lengths = []
    monkeypatch.setattr(mail, "_HEADER_FACTORY", _CountingHeaders(mail._HEADER_FACTORY, lengths))
    data = f"From: Jo <jo@x.example>\n{header}\n\nThe export works.\n".encode()
    read = read_email(data, source="long.eml")
    # The parser, whose time grows faster than the length, is never given more.
    assert lengths
    assert max(lengths) <= mail.MAX_HEADER_LENGTH
    assert read.text == "The export works.\n"
    assert read.sender == "Jo <jo@x.example>"
    (notice,) = read.notices
    assert notice.startswith(f"long.eml: header {name!r} is longer than 8,192 characters")
    if name == "To":
        assert len(read.recipients) > 500
        assert set(read.recipients) == {"a@b.example"}
    else:
        assert set(read.subject) <= {"a", " "}
        assert 500 < len(read.subject) <= mail.MAX_HEADER_LENGTH


def test_cli_check_tells_a_long_header(runner, tmp_path):
    path = tmp_path / "long.eml"
    path.write_bytes(b"From: jo@x.example\nSubject: " + b"a " * 10_000 + b"\n\nThanks, done.\n")
    result = runner.invoke(main, ["check", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"perception: notice: {path}: header 'Subject' is longer than" in result.output


_HEADER_TEXT = st.text(alphabet='():;<>@,."\\\x00 \taZ=?[]\n', max_size=60)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["From", "To", "Cc", "Subject", "Date", "Content-Type", "Message-ID"]),
            _HEADER_TEXT,
        ),
        max_size=5,
    )
)
def test_any_header_is_read_or_refused_cleanly(headers):
    lines = "".join(f"{name}: {value.replace(chr(10), chr(10) + ' ')}\n" for name, value in headers)
    error, mail = "", None
    try:
        mail = read_email(f"{lines}\nhi\n".encode(), source="h.eml")
    except MailError as exc:
        error = str(exc)
    assert error.startswith("h.eml: ") if mail is None else isinstance(mail.subject, str)


def test_a_quoted_author_with_deeply_nested_comments_has_no_address():
    split = author_text("Done.\n\nFrom: " + "(" * 2000 + "a@b.example\nSent: Monday\nTo: us\n\nx")
    assert split.thread[0].address == ""  # before: RecursionError in email.utils.getaddresses


def _parts(count: int, content_type: str = "application/x-{n}") -> bytes:
    body = "".join(f"--b\nContent-Type: {content_type.format(n=n)}\n\nx\n" for n in range(count))
    return (
        'From: jo@x.example\nContent-Type: multipart/mixed; boundary="b"\n\n'
        f"{body}--b\nContent-Type: text/plain\n\nThe export works.\n--b--\n"
    ).encode()


def test_each_part_s_content_type_is_read_a_few_times_not_each_time_asked(monkeypatch):
    from perception import mail  # noqa: PLC0415

    lengths = []
    monkeypatch.setattr(mail, "_HEADER_FACTORY", _CountingHeaders(mail._HEADER_FACTORY, lengths))
    assert read_email(_parts(200)).text == "The export works."
    # 202 Content-Type headers (and From): the parser asked for some 1,200 (six a part).
    assert len(lengths) <= 3 * 202


def test_a_long_content_header_is_read_up_to_its_bound(monkeypatch):
    from perception import mail  # noqa: PLC0415

    lengths = []
    monkeypatch.setattr(mail, "_HEADER_FACTORY", _CountingHeaders(mail._HEADER_FACTORY, lengths))
    data = _parts(20, "application/x-{n}; name*0*=" + "(a)" * 3000)
    read = read_email(data, source="parts.eml")
    assert read.text == "The export works."
    assert max(lengths) <= mail.MAX_CONTENT_HEADER_LENGTH < mail.MAX_HEADER_LENGTH
    notice = "header 'Content-Type' is longer than 2,048 characters: read up to character"
    assert read.notices == (f"parts.eml: {notice} 2,048",)
