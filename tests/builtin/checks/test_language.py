"""Tests of ``perception.builtin.checks.language``."""

from __future__ import annotations

import pytest

from perception import check
from perception.outcome import Severity

from ._helpers import only

_READING = ["negative-language", "unconfirmed-critical-point", "readability", "personalization"]


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        (
            (
                "Hallo Dana, die Rechnung ist korrigiert und wir haben den Export wieder "
                "gestartet. Viele Grüße, Sam"
            ),
            "German",
            "de",
        ),
        (
            (
                "Bonjour Camille, la facture est corrigée et nous avons relancé "
                "l'export ce matin. Cordialement"
            ),
            "French",
            "fr",
        ),
        ("Здравствуйте, счёт исправлен, экспорт снова работает.", "Cyrillic script", "cyrillic"),
    ],
)
def test_a_draft_in_another_language_is_reported_not_passed(text, name, code):
    report = check(text, recipient="Dana Lee")
    (finding,) = only(report, "language")
    assert finding.severity is Severity.INFO
    assert name in finding.message
    assert finding.terms == (code,)
    assert set(_READING) <= set(report.not_applicable)
    assert all(f.check in {"language", "undefined-term"} for f in report.findings)


def test_an_english_draft_gets_no_language_finding():
    report = check("Hi Dana, the export runs again. Best regards, Sam")
    assert not only(report, "language")
    assert not set(_READING) & set(report.not_applicable)
