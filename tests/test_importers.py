"""Importers: e-mail, Zendesk tickets and CRM account CSVs, against fixture files written
from the formats the vendors publish."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from perception import Band, CasePriority, CaseStatus, Direction, FeedbackKind, assess
from perception.cli import main
from perception.errors import ValidationError
from perception.importers import import_accounts_csv, import_email, import_zendesk
from perception.importers._common import html_text, parse_time
from perception.importers.crm import _typed
from perception.importers.mail import _message_ids
from perception.io import dump_account, iter_accounts

DATA = Path(__file__).parent / "data" / "import"
AS_OF = datetime(2026, 3, 20, 9, tzinfo=timezone.utc)


def _explained(account):
    outcome = assess(account, as_of=AS_OF)
    assert outcome.drivers, f"{account.id}: nothing explains the outcome"
    assert all(d.text for d in outcome.drivers)
    return outcome


# -- e-mail ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mail_accounts():
    notices = []
    accounts = import_email(
        [DATA / "support.mbox", DATA / "escalation.eml"],
        team_domains=["brightdesk.example"],
        notice=notices.append,
    )
    return {a.id: a for a in accounts}, notices


def test_email_accounts_are_the_customer_domains(mail_accounts):
    accounts, _ = mail_accounts
    assert sorted(accounts) == ["granite.example", "northwind.example"]
    northwind = accounts["northwind.example"]
    assert [s.email for s in northwind.customer.stakeholders] == [
        "dana.whitfield@northwind.example",
        "marco.ruiz@northwind.example",
    ]
    # The first name seen for an address is kept (here, from the Cc of the reply).
    assert northwind.customer.stakeholder("marco.ruiz@northwind.example").name == "Marco Ruiz"


def test_email_direction_comes_from_the_team_domains(mail_accounts):
    accounts, _ = mail_accounts
    directions = {i.id: i.direction for i in accounts["northwind.example"].interactions}
    assert directions == {
        "nw-0304-1@northwind.example": Direction.INBOUND,
        "bd-7731@brightdesk.example": Direction.OUTBOUND,
        "nw-0306-7@northwind.example": Direction.INBOUND,
        "nw-0318-esc@northwind.example": Direction.INBOUND,
    }


def test_email_threads_by_in_reply_to_then_references(mail_accounts):
    accounts, _ = mail_accounts
    replies = {i.id: i.in_reply_to for i in accounts["northwind.example"].interactions}
    assert replies["bd-7731@brightdesk.example"] == "nw-0304-1@northwind.example"
    # In-Reply-To names a message not in the mailbox: the latest one of References is used.
    assert replies["nw-0306-7@northwind.example"] == "bd-7731@brightdesk.example"
    assert replies["nw-0318-esc@northwind.example"] is None


def test_email_text_leaves_quotes_out_and_reads_html_and_encoded_subjects(mail_accounts):
    accounts, _ = mail_accounts
    by_id = {i.id: i for i in accounts["northwind.example"].interactions}
    reply = by_id["bd-7731@brightdesk.example"]
    assert reply.text == "The OCR pipeline enforces the PDF/A profile per the SOW. Ticket closed."
    html = by_id["nw-0306-7@northwind.example"]
    assert html.text == (
        "I don't know what PDF/A is and neither do our suppliers.\n\n"
        "Closing the ticket does not fix anything & we are still stuck."
    )
    assert html.subject == "Re: Portal rejects our PDFs \u2013 still broken"
    assert html.at == datetime(2026, 3, 6, 10, 5, tzinfo=timezone.utc)
    (thanks,) = accounts["granite.example"].interactions
    assert "From our side everything works again." in thanks.text


def test_email_tells_what_it_left_out(mail_accounts):
    _, notices = mail_accounts
    assert any("already read" in n and "gr-100@granite.example" in n for n in notices)
    assert any("no one outside the team" in n for n in notices)


def test_email_accounts_are_explained(mail_accounts):
    accounts, _ = mail_accounts
    outcome = _explained(accounts["northwind.example"])
    assert outcome.band in (Band.AT_RISK, Band.CRITICAL, Band.NEUTRAL)
    assert any(f.evidence == ("bd-7731@brightdesk.example",) for f in outcome.findings)


def test_email_needs_a_team_domain_and_a_date(tmp_path):
    with pytest.raises(ValidationError, match="team's domains"):
        import_email([DATA / "escalation.eml"], team_domains=[" "])
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"From: a@b.example\nSubject: x\n\nno date\n")
    with pytest.raises(ValidationError) as info:
        import_email([broken], team_domains=["brightdesk.example"])
    (problem,) = info.value.problems
    assert (problem.source, problem.path) == (str(broken), "Date")


def _imported_or_refused_with_its_name(path):
    """One message file is imported as at most one account, or refused with its path."""
    problems, accounts = [], []
    try:
        accounts = import_email([path], team_domains=["brightdesk.example"], notice=lambda _: None)
    except ValidationError as exc:
        problems = exc.problems
    assert len(accounts) <= 1
    assert all(p.source == str(path) for p in problems)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_as_mail_are_read_or_refused_cleanly(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("mail") / "m.eml"
    path.write_bytes(raw)
    _imported_or_refused_with_its_name(path)


def _message(tmp_path, headers, name="m.eml"):
    path = tmp_path / name
    path.write_bytes(
        b"From: Dana <dana@northwind.example>\nTo: support@brightdesk.example\n"
        b"Date: Mon, 02 Mar 2026 10:00:00 +0000\n" + headers + b"\nThe export works.\n"
    )
    return path


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        (b"From: :;\x00\n", "From"),  # AttributeError in the standard library's parser
        (b"From: a <\n", "From"),  # IndexError
        (b"To: :;\x00\n", "To"),
        (b"Cc: " + b"(" * 500 + b"\n", "Cc"),  # RecursionError
    ],
    ids=["from-group", "from-open-angle", "to-group", "cc-parens"],
)
def test_email_header_that_cannot_be_read_names_file_and_header(tmp_path, headers, field):
    path = tmp_path / "bad.eml"
    path.write_bytes(
        headers + b"From: Dana <dana@northwind.example>\nDate: Mon, 02 Mar 2026 10:00:00 +0000"
        b"\nTo: support@brightdesk.example\n\nhi\n"
    )
    with pytest.raises(ValidationError) as info:
        import_email([path], team_domains=["brightdesk.example"])
    (problem,) = info.value.problems
    assert (problem.source, problem.path) == (str(path), field)
    assert problem.message.startswith("cannot be read: ")
    result = _run("email", path, "--team-domain", "brightdesk.example")
    assert result.exit_code == 2
    assert f"{path}: {field}: cannot be read" in result.output


@pytest.mark.parametrize("sender", [b'"@"', b'"@" <@>'])
def test_email_sender_without_a_domain_names_file_and_header(tmp_path, sender):
    path = tmp_path / "m.eml"
    path.write_bytes(b"From: " + sender + b"\nDate: Mon, 02 Mar 2026 10:00:00 +0000\n\nhi\n")
    with pytest.raises(ValidationError) as info:  # before: "invalid Stakeholder", no file
        import_email([path], team_domains=["brightdesk.example"])
    (problem,) = info.value.problems
    assert (problem.source, problem.path) == (str(path), "From")


def test_email_with_parts_nested_too_deeply_is_an_error(tmp_path):
    nested = "".join(
        f'--b{n}\nContent-Type: multipart/mixed; boundary="b{n + 1}"\n\n' for n in range(2000)
    )
    path = _message(tmp_path, f'Content-Type: multipart/mixed; boundary="b0"\n\n{nested}'.encode())
    with pytest.raises(ValidationError, match="MIME parts are nested too deeply"):
        import_email([path], team_domains=["brightdesk.example"])


@pytest.mark.parametrize("message_id", [b"<>", b"<  >", b"", b"<\xff>"])
def test_email_with_an_empty_message_id_gets_one_made(tmp_path, message_id):
    path = _message(tmp_path, b"Message-ID: " + message_id + b"\n")
    (account,) = import_email([path], team_domains=["brightdesk.example"], notice=lambda _: None)
    (message,) = account.interactions
    assert message.id.startswith("mail-") or message.id == "\ufffd"


def test_email_references_of_any_length_thread_the_reply(tmp_path):
    first = _message(tmp_path, b"Message-ID: <first@northwind.example>\n", "a.eml")
    references = b" ".join(b"<old-%d@northwind.example>" % n for n in range(2000))
    reply = tmp_path / "b.eml"
    reply.write_bytes(
        b"From: support@brightdesk.example\nTo: Dana <dana@northwind.example>\n"
        b"Date: Tue, 03 Mar 2026 10:00:00 +0000\nMessage-ID: <reply@brightdesk.example>\n"
        b"In-Reply-To: <gone@northwind.example>\nReferences: "
        + references
        + b"\n <first@northwind.example>\n\nGlad it works.\n"
    )
    notices = []
    (account,) = import_email(
        [first, reply], team_domains=["brightdesk.example"], notice=notices.append
    )
    replies = {i.id: i.in_reply_to for i in account.interactions}
    assert replies["reply@brightdesk.example"] == "first@northwind.example"
    assert notices == []  # message ids are read as written, whatever their length


def test_email_long_header_is_read_in_part_with_a_notice(tmp_path):
    path = _message(tmp_path, b"Subject: " + b"a " * 500_000 + b"\n")
    notices = []
    (account,) = import_email([path], team_domains=["brightdesk.example"], notice=notices.append)
    (message,) = account.interactions
    assert message.text == "The export works."
    assert 4000 < len(message.subject) <= 8192
    (notice,) = notices
    expected = "header 'Subject' is longer than 8,192 characters: read up to character"
    assert notice == f"{path}: {expected} {len(message.subject):,}"


def test_email_folder_reads_its_eml_files_and_not_its_folders(tmp_path):
    (tmp_path / "mail" / "x.eml").mkdir(parents=True)
    _message(tmp_path / "mail", b"Message-ID: <one@northwind.example>\n", "one.eml")
    (account,) = import_email([tmp_path / "mail"], team_domains=["brightdesk.example"])
    assert [i.id for i in account.interactions] == ["one@northwind.example"]


def test_email_nothing_read_is_an_error_naming_each_path(tmp_path):
    text = tmp_path / "msg.txt"
    text.write_bytes(_message(tmp_path, b"").read_bytes())  # one message, not an mbox
    noise = tmp_path / "noise.bin"
    noise.write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty").mkdir()
    paths = [text, noise, tmp_path / "empty"]
    with pytest.raises(ValidationError) as info:
        import_email(paths, team_domains=["brightdesk.example"])
    assert [p.source for p in info.value.problems] == [str(p) for p in paths]
    assert all(p.message.startswith("no message read") for p in info.value.problems)
    assert "not an mbox mailbox" in info.value.problems[0].message
    assert "holds no .eml file" in info.value.problems[2].message
    result = _run("email", "--team-domain", "t.example", *paths)
    assert result.exit_code == 2
    assert "Imported" not in result.output
    assert f"{text}: no message read" in result.output


def test_email_a_path_with_no_message_beside_others_is_a_notice(tmp_path):
    noise = tmp_path / "noise.bin"
    noise.write_bytes(b"\x00\x01 not mail")
    result = _run("email", "--team-domain", "brightdesk.example", noise, DATA / "escalation.eml")
    assert result.exit_code == 0, result.output
    assert f"perception: notice: {noise}: no message read" in result.output
    assert "Imported 1 accounts, 1 interactions" in result.output


_HEADER_TEXT = st.text(alphabet='():;<>@,."\\\x00 \taZ=?[]', max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["From", "To", "Cc", "Subject", "Date", "Message-ID", "References"]),
            _HEADER_TEXT,
        ),
        max_size=5,
    )
)
def test_any_header_is_imported_or_refused_cleanly(tmp_path_factory, headers):
    path = tmp_path_factory.mktemp("mail") / "m.eml"
    lines = "".join(f"{name}: {value}\n" for name, value in headers)
    path.write_bytes(f"{lines}Date: Mon, 02 Mar 2026 10:00:00 +0000\n\nhi\n".encode())
    _imported_or_refused_with_its_name(path)


@given(st.text(max_size=300))
def test_message_ids_are_total(text):
    for found in _message_ids(text):
        assert found
        assert not found.startswith("<")


def _one_mail(tmp_path, body, content_type="text/plain"):
    path = tmp_path / "reply.eml"
    path.write_text(
        "From: Dana Whitfield <dana@northwind.example>\n"
        "To: support@brightdesk.example\n"
        "Subject: Re: Export\n"
        "Date: Tue, 10 Mar 2026 09:00:00 +0000\n"
        "Message-ID: <r1@northwind.example>\n"
        f"Content-Type: {content_type}; charset=utf-8\n\n{body}",
        encoding="utf-8",
    )
    (account,) = import_email([path], team_domains=["brightdesk.example"], notice=lambda _: None)
    (message,) = account.interactions
    return message.text


OUTLOOK_REPLY = """Thanks, the export works again.

Dana Whitfield
Head of Finance | Northwind
+44 20 7946 0000

From: Support <support@brightdesk.example>
Sent: Monday, March 9, 2026 4:12 PM
To: Dana Whitfield <dana@northwind.example>
Subject: Export

The OCR pipeline enforces the PDF/A profile per the SOW. This is terrible wording.
"""


def test_email_text_is_what_the_sender_wrote_without_outlook_thread_or_signature(tmp_path):
    # The same reading perception check gives an .eml: the quoted message under an
    # Outlook header block and the name-and-contact block are not the sender's words.
    assert _one_mail(tmp_path, OUTLOOK_REPLY) == "Thanks, the export works again."


def test_email_text_leaves_out_an_attributed_quote_and_a_closing_signature(tmp_path):
    body = (
        "Still broken for us, sorry to say.\n\nBest regards,\nDana\n\n"
        "On Mon, 9 Mar 2026 at 16:12, Support <support@brightdesk.example> wrote:\n"
        "> Fixed, please try again.\n"
    )
    # The closing is the sender's own; the name under it and the quote are not.
    assert _one_mail(tmp_path, body) == "Still broken for us, sorry to say.\n\nBest regards,"


def test_email_html_body_leaves_out_blockquotes_and_signature_containers(tmp_path):
    body = (
        "<html><body><div>Nobody has answered us for a week.</div>"
        '<div class="gmail_signature">Dana Whitfield, Northwind</div>'
        '<div class="gmail_quote">On Mon, Support wrote:<blockquote>We will look into it.'
        "</blockquote></div></body></html>"
    )
    assert _one_mail(tmp_path, body, "text/html") == "Nobody has answered us for a week."


@given(st.text(max_size=300))
def test_html_text_never_fails(markup):
    text = html_text(markup)
    assert "\n\n" not in text


# -- Zendesk ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zendesk_accounts():
    notices = []
    accounts = import_zendesk([DATA / "zendesk-tickets.json"], notice=notices.append)
    return {a.id: a for a in accounts}, notices


def test_zendesk_organizations_are_accounts_and_tickets_cases(zendesk_accounts):
    accounts, _ = zendesk_accounts
    assert sorted(accounts) == ["granite-insurance", "zendesk-org-502"]
    granite = accounts["granite-insurance"]
    assert granite.customer.name == "Granite Insurance"
    cases = {c.id: c for c in granite.cases}
    assert cases["4471"].status is CaseStatus.SOLVED
    assert cases["4471"].priority is CasePriority.URGENT
    assert cases["4471"].closed_at == datetime(2026, 3, 2, 11, 40, tzinfo=timezone.utc)
    assert cases["4471"].tags == ("outage", "claims_hub")
    assert cases["4471"].assignee == "Tomás Ibarra"
    assert cases["4502"].is_open
    assert accounts["zendesk-org-502"].cases[0].priority is CasePriority.NORMAL  # null


def test_zendesk_comments_are_the_interactions_of_their_case(zendesk_accounts):
    accounts, notices = zendesk_accounts
    granite = accounts["granite-insurance"]
    assert [(i.id, i.direction, i.in_reply_to) for i in granite.case_interactions("4471")] == [
        ("4471-1101", Direction.INBOUND, None),
        ("4471-1103", Direction.OUTBOUND, "4471-1101"),
    ]
    assert "1 private comments (internal notes) left out" in notices
    (report,) = granite.case_interactions("4502")
    assert report.text == (
        "Report 13 fails validation against the regulator's schema and is due on the 31st.\n"
        "Please help urgently."
    )
    lumen = accounts["zendesk-org-502"]
    assert lumen.interactions[0].channel.value == "chat"
    assert {s.id: s.name for s in granite.customer.stakeholders} == {
        "9001": "Raj Patel",
        "9002": "Helen Marsh",
    }


def test_zendesk_ratings_are_feedback_and_deleted_tickets_are_left_out(zendesk_accounts):
    accounts, notices = zendesk_accounts
    (bad,) = accounts["granite-insurance"].feedback
    assert (bad.kind, bad.text) == (FeedbackKind.COMPLAINT, "Third outage this quarter.")
    (good,) = accounts["zendesk-org-502"].feedback
    assert good.kind is FeedbackKind.PRAISE
    assert any("4520 is deleted" in n for n in notices)


def test_zendesk_accounts_are_explained(zendesk_accounts):
    accounts, _ = zendesk_accounts
    granite = _explained(accounts["granite-insurance"])
    lumen = _explained(accounts["zendesk-org-502"])
    assert granite.score < lumen.score


def test_zendesk_ticket_per_line_and_bad_fields_are_named(tmp_path):
    data = json.loads((DATA / "zendesk-tickets.json").read_text(encoding="utf-8"))
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("\n".join(json.dumps(t) for t in data["tickets"][:2]) + "\n")
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"users": data["users"], "organizations": data["organizations"]}))
    (account,) = import_zendesk([tickets, users], notice=lambda _: None)
    assert account.id == "granite-insurance"
    data["tickets"][1]["created_at"] = "yesterday"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as info:
        import_zendesk([broken], notice=lambda _: None)
    (problem,) = info.value.problems
    assert (problem.source, problem.path) == (f"{broken} tickets[1]", "created_at")


# -- CRM account CSVs -------------------------------------------------------------------------


def test_hubspot_companies_with_a_byte_order_mark_and_extra_columns():
    notices = []
    accounts = import_accounts_csv(
        DATA / "hubspot-companies.csv", preset="hubspot", currency="usd", notice=notices.append
    )
    granite = accounts[0]
    assert (granite.id, granite.customer.name, granite.owner) == (
        "6815820001",
        "Granite Insurance",
        "Tomás Ibarra",
    )
    assert (granite.arr.amount, granite.arr.currency) == (610000.0, "USD")
    assert granite.renewal.isoformat() == "2026-04-30"
    assert granite.lifecycle is None
    assert granite.attributes["hubspot_lifecycle_stage"] == "customer"
    assert granite.attributes["employees"] == 2400
    assert "company_revenue" not in accounts[2].attributes  # an empty cell is absent
    assert notices == [
        f"{DATA / 'hubspot-companies.csv'}: ignored columns: 'Create Date', 'Last Activity Date'"
    ]


def test_salesforce_accounts_with_a_column_mapping_and_typed_attributes():
    accounts = import_accounts_csv(
        DATA / "salesforce-accounts.csv",
        preset="salesforce",
        columns={
            "segment": "segment__c",
            "attributes.health": "HEALTH__C",
            "attributes.strategic": "Strategic__c",
            "attributes.postcode": ["Postal Code", "Postcode__c"],
        },
        notice=lambda _: None,
    )
    northwind = accounts[0]
    assert northwind.customer.segment == "Enterprise"
    assert (northwind.arr.amount, northwind.arr.currency) == (420000.0, "EUR")
    assert accounts[1].arr.currency == "GBP"
    assert northwind.attributes == {
        "company_revenue": 480000000,
        "employees": 5200,
        "health": 0.41,
        "industry": "Transportation",
        "postcode": "01234",
        "strategic": True,
        "type": "Customer - Direct",
    }


def test_account_csv_problems_are_all_named_by_line_and_field(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(
        "ID,Name,ARR,Renewal,Lifecycle\n"
        "a,A,12x,2026-02-30,ONBOARDING\n"
        "b,B,100,2026-01-01,zombie\n"
        "a,A again,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        import_accounts_csv(path, currency="EUR")
    found = {(p.source, p.path) for p in info.value.problems}
    assert found == {
        (f"{path}:2", "arr"),
        (f"{path}:2", "renewal"),
        (f"{path}:3", "lifecycle"),
        (f"{path}:4", "id"),
    }
    path.write_text("ID,Name,ARR,Package\na,A,100,Gold\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="needs a currency"):
        import_accounts_csv(path, notice=lambda _: None)
    (account,) = import_accounts_csv(path, currency="eur", columns={"plan": "package"})
    assert (account.plan, account.arr.currency) == ("Gold", "EUR")
    with pytest.raises(ValidationError, match="not a field of an account"):
        import_accounts_csv(path, columns={"colour": "Name"})
    with pytest.raises(ValidationError, match="must be one of hubspot, salesforce"):
        import_accounts_csv(path, preset="pipedrive")


@given(st.text(max_size=30))
def test_typed_cells_keep_their_text_or_read_as_numbers(text):
    value = _typed(text)
    if isinstance(value, str):
        assert value == text.strip()
    elif isinstance(value, bool):
        assert text.strip().casefold() in {"true", "false", "yes", "no"}
    else:
        assert float(text.strip()) == pytest.approx(value)


def test_times_from_exports():
    assert parse_time(0, "s", "at") == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert parse_time("2026-03-02T08:05:00Z", "s", "at").utcoffset().total_seconds() == 0
    with pytest.raises(ValidationError, match="must be timezone-aware"):
        parse_time("2026-03-02T08:05:00", "s", "at")


# -- the command ------------------------------------------------------------------------------


def _run(*args):
    return CliRunner().invoke(main, ["import", *map(str, args)])


def test_import_commands_write_jsonl_that_assess_explains(tmp_path):
    outputs = {
        "mail": ("email", DATA / "support.mbox", "--team-domain", "brightdesk.example"),
        "zendesk": ("zendesk", DATA / "zendesk-tickets.json"),
        "crm": ("accounts-csv", DATA / "salesforce-accounts.csv", "--preset", "salesforce"),
    }
    for name, args in outputs.items():
        out = tmp_path / f"{name}.jsonl"
        result = _run(*args, "--out", out)
        assert result.exit_code == 0, result.output
        assert f"to {out}" in result.output
        accounts = list(iter_accounts(out))
        assert accounts
        assessed = CliRunner().invoke(
            main, ["assess", str(out), "--as-of", "2026-03-20", "--format", "jsonl"]
        )
        assert assessed.exit_code == 0, assessed.output
        assert len(assessed.output.splitlines()) == len(accounts)


def test_import_accounts_csv_reads_a_mapping_file(tmp_path):
    mapping = tmp_path / "columns.toml"
    mapping.write_text(
        '[columns]\nsegment = "Segment__c"\n"attributes.health" = ["Health", "Health__c"]\n',
        encoding="utf-8",
    )
    result = _run(
        "accounts-csv",
        DATA / "salesforce-accounts.csv",
        "--preset",
        "SALESFORCE",
        "--columns",
        mapping,
        "--column",
        "plan=Type",
    )
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    assert first["customer"]["segment"] == "Enterprise"
    assert first["attributes"]["health"] == 0.41
    assert first["plan"] == "Customer - Direct"
    assert "perception: notice:" in result.output
    bad = _run("accounts-csv", DATA / "salesforce-accounts.csv", "--column", "plan")
    assert bad.exit_code == 2
    assert "FIELD=HEADER" in bad.output


def test_import_email_needs_a_team_domain():
    result = _run("email", DATA / "escalation.eml")
    assert result.exit_code == 2
    assert "--team-domain" in result.output


# -- hostile exports --------------------------------------------------------------------------


def _zendesk(tmp_path, data, name="export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _one_ticket(**fields):
    ticket = {"id": 1, "organization_id": 1, "created_at": "2026-01-01T00:00:00Z", **fields}
    return {"tickets": [ticket]}


@pytest.mark.parametrize(
    ("data", "where", "path", "message"),
    [
        (_one_ticket(tags=5), "tickets[0]", "tags", "must be a list, not int 5"),
        (_one_ticket(tags=[1]), "tickets[0]", "tags[0]", "must be a string, not int 1"),
        (_one_ticket(via="email"), "tickets[0]", "via", "must be an object, not str 'email'"),
        (_one_ticket(comments=5), "tickets[0]", "comments", "must be a list, not int 5"),
        (
            _one_ticket(comments=[{"id": 1, "body": 5, "created_at": "2026-01-01"}]),
            "tickets[0]",
            "comments[0].body",
            "must be a string, not int 5",
        ),
        (_one_ticket(id=[1]), "tickets[0]", "id", "must be a number or a string, not list [1]"),
        (_one_ticket(subject={}), "tickets[0]", "subject", "must be a string, not dict {}"),
        (
            _one_ticket(created_at=1e20),
            "tickets[0]",
            "created_at",
            "must be a time in the years 1000 to 9000, not 1e+20 seconds since 1970",
        ),
        (
            _one_ticket(created_at=-1e12),
            "tickets[0]",
            "created_at",
            "must be a time in the years 1000 to 9000, not -1000000000000.0 seconds since 1970",
        ),
        (
            _one_ticket(id="\ud800"),
            "tickets[0]",
            "id",
            "holds an unpaired surrogate '\\ud800' (not valid Unicode)",
        ),
        ({**_one_ticket(), "users": 5}, "", "users", "must be a list, not int 5"),
        (
            {**_one_ticket(requester_id=2), "users": [{"id": 2, "name": "A", "user_fields": 5}]},
            " users[0]",
            "user_fields",
            "must be an object, not int 5",
        ),
        (
            {**_one_ticket(), "organizations": [{"id": 1, "name": "x\udc00"}]},
            " organizations[0]",
            "name",
            "holds an unpaired surrogate '\\udc00' (not valid Unicode)",
        ),
    ],
)
def test_zendesk_fields_of_the_wrong_type_are_named(tmp_path, data, where, path, message):
    export = _zendesk(tmp_path, data)
    with pytest.raises(ValidationError) as info:
        import_zendesk([export], notice=lambda _: None)
    source = f"{export} {where}" if where.startswith("t") else f"{export}{where}"
    assert [(p.source, p.path, p.message) for p in info.value.problems] == [(source, path, message)]
    result = _run("zendesk", export)
    assert result.exit_code == 2
    assert f"{path}: {message}" in result.output
    assert "Traceback" not in result.output


def test_zendesk_reports_every_problem_of_every_ticket(tmp_path):
    data = {
        "tickets": [
            {"id": 1, "organization_id": 1, "created_at": 5, "tags": 5, "via": 1},
            {"id": 2, "organization_id": 1, "comments": [7, {"id": 3, "created_at": "no"}]},
        ]
    }
    export = _zendesk(tmp_path, data)
    with pytest.raises(ValidationError) as info:
        import_zendesk([export], notice=lambda _: None)
    assert [(p.source, p.path) for p in info.value.problems] == [
        (f"{export} tickets[0]", "tags"),
        (f"{export} tickets[0]", "via"),
        (f"{export} tickets[1]", "created_at"),
        (f"{export} tickets[1]", "comments[0]"),
        (f"{export} tickets[1]", "comments[1].created_at"),
    ]


def test_zendesk_duplicate_tickets_and_comments_are_named_with_the_first(tmp_path):
    comment = {"id": 7, "body": "hello", "created_at": "2026-01-01T00:00:00Z"}
    ticket = {"id": 1, "organization_id": 1, "created_at": "2026-01-01T00:00:00Z"}
    export = _zendesk(tmp_path, {"tickets": [ticket, {**ticket, "comments": [comment, comment]}]})
    with pytest.raises(ValidationError) as info:
        import_zendesk([export], notice=lambda _: None)
    assert [str(p) for p in info.value.problems] == [
        f"{export} tickets[1]: id: duplicate ticket id '1' (first at {export} tickets[0])",
        (
            f"{export} tickets[1]: comments[1].id: duplicate comment id '7' "
            f"(first at {export} tickets[1] comments[0])"
        ),
    ]


_ZENDESK = json.loads((DATA / "zendesk-tickets.json").read_text(encoding="utf-8"))


def _json_paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _json_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):
            yield (*prefix, index)
            yield from _json_paths(value, (*prefix, index))


_ZENDESK_PATHS = list(_json_paths(_ZENDESK))
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["\ud800", "x\udfff", "2026-13-45", "9999-12-31T23:59:59Z", "deleted"])
)
_values = _scalars | st.lists(_scalars, max_size=3) | st.dictionaries(st.text(max_size=4), _scalars)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_ZENDESK_PATHS), _values), min_size=1, max_size=3))
def test_a_type_mutated_zendesk_export_imports_or_is_refused_cleanly(tmp_path_factory, changes):
    data = json.loads(json.dumps(_ZENDESK))
    for path, value in changes:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed the place
            continue
    export = tmp_path_factory.mktemp("zendesk") / "export.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    try:
        accounts = import_zendesk([export], notice=lambda _: None)
    except ValidationError as exc:
        for problem in exc.problems:
            assert problem.source.startswith(str(export))
            str(problem).encode("utf-8")  # every message can be written
    else:  # what is imported can be written
        for account in accounts:
            json.dumps(dump_account(account), ensure_ascii=False).encode("utf-8")


def test_times_out_of_range_are_named():
    for value in (1e20, -1e12, float("nan")):
        with pytest.raises(ValidationError, match=r"at: must be a time in the years 1000 to 9000"):
            parse_time(value, "s", "at")


def test_a_crm_cell_of_more_digits_than_python_converts_is_kept_as_text(tmp_path):
    digits = "9" * 5000
    path = tmp_path / "accounts.csv"
    path.write_text(f"id,name,size\na,A,{digits}\n", encoding="utf-8")
    (account,) = import_accounts_csv(path, columns={"attributes.size": "size"})
    assert account.attributes["size"] == digits
    assert _typed("12") == 12


def test_crm_money_problems_name_the_arr_or_mrr_column(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("id,arr,mrr,currency\na,-5,nan,EUR\nb,5,6,EURO\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        import_accounts_csv(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: arr: must be >= 0, not -5",
        f"{path}:2: mrr: must be finite, not nan",
        f"{path}:3: currency: must be a three-letter ISO 4217 code such as 'EUR', not 'EURO'",
    ]
