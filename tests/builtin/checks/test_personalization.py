"""Tests of ``perception.builtin.checks.personalization``."""

from __future__ import annotations

from perception import check
from perception.config import Config

from ._helpers import ACCOUNT, only


def test_personalization_uses_the_recipient():
    findings = only(check("Hello,\nThe fix is live.", recipient="Dana Lee"), "personalization")
    assert len(findings) == 2  # no name in the greeting, no sign-off
    clean = "Hi Dana,\nThe fix is live.\nBest regards,\nSam"
    assert not only(check(clean, recipient="Dana Lee"), "personalization")
    assert not only(check("The fix is live."), "personalization")  # nobody named


def test_no_greeting_at_all_is_pointed_at_the_start():
    findings = only(check("The fix is live.\nBest, Sam", recipient="Dana Lee"), "personalization")
    assert [(f.span.start, f.span.end) for f in findings] == [(0, 0)]


def test_recipient_comes_from_the_inbound_author():
    findings = only(check("The fix is live.", account=ACCOUNT, reply_to="in-2"), "personalization")
    assert any("Dana Lee" in f.message for f in findings)


def test_sign_off_can_be_optional():
    config = Config(options={"personalization": {"require_sign_off": False}})
    assert not only(
        check("Hi Dana, the fix is live.", recipient="Dana", config=config), "personalization"
    )
