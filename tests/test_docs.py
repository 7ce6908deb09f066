"""The documentation keeps up with the code."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from perception import assess, hookspecs
from perception.io import load_account

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def gen():
    if not (DOCS / "gen_reference.py").is_file():
        pytest.fail(f"docs/gen_reference.py not found under {ROOT}", pytrace=False)
    return runpy.run_path(str(DOCS / "gen_reference.py"))


@pytest.mark.parametrize(
    "page",
    [
        "reference/hooks.md",
        "reference/cli.md",
        "reference/account.schema.json",
        "reference/scorers.md",
        "reference/checks.md",
        "reference/policies.md",
    ],
)
def test_generated_pages_are_up_to_date(gen, page):
    expected = gen["PAGES"][page]()
    actual = (DOCS / page).read_text(encoding="utf-8")
    assert actual == expected, f"docs/{page} is stale: run python docs/gen_reference.py"


def test_every_hook_is_documented_with_a_version(gen):
    hooks_page = (DOCS / "reference" / "hooks.md").read_text(encoding="utf-8")
    names = gen["hook_names"]()
    assert len(names) >= 4
    for name in names:
        assert f"## `{name}`" in hooks_page, f"hook {name} is not in docs/reference/hooks.md"
    for name in names:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert "Added in" in doc, f"hook {name} does not say in which version it was added"
        assert ":param" in doc, f"hook {name} does not document its parameters"


def test_every_cli_command_is_documented(gen):
    cli_page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    commands = gen["cli_commands"]()
    assert "perception followups plan" in commands
    for command in commands:
        assert f"## `{command}`" in cli_page, f"command {command!r} is not documented"


def test_every_page_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.rglob("*.md"):
        relative = page.relative_to(DOCS).as_posix()
        if any(part.startswith(".") for part in page.relative_to(DOCS).parts):
            continue  # caches and other hidden folders are not built by mkdocs
        assert relative in nav, f"docs/{relative} is not in the mkdocs nav"


def test_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert block[0].startswith("pip install ")
    assert "perception demo" in block[0]
    assert block[1].startswith("pip install ")
    assert "pytest" in block[1]
    assert lines.index("```bash") < 5, "the README must begin with the two commands"


def test_the_survey_example_of_the_format_reads_as_it_says():
    """The rating-survey account in docs/reference/format.md loads and is explained as the
    page claims."""
    text = (DOCS / "reference" / "format.md").read_text(encoding="utf-8")
    block = text.split("### A rating survey as an account", 1)[1].split("```json", 1)[1]
    account = load_account(json.loads(block.split("```", 1)[0]))
    outcome = assess(account, as_of=account.feedback[0].at)
    sentences = {s.evidence[0]: (s.value, s.explanation) for s in outcome.signals}
    assert sentences["seat-comfort"][1] == (
        "The customer rated seat comfort 2 of 5, below the adequate 3."
    )
    assert "wifi" not in sentences  # not applicable
    assert sentences["arrival"][0] < -0.4  # 45 minutes late against 15 tolerated
    assert "delivered 45 minutes late" in sentences["arrival"][1]
