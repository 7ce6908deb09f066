"""Tests of the example plugin, written with perception's pytest plugin.

``perception_plugin`` registers the plugin for one test; ``make_account``, ``message`` and
``T0`` build small valid accounts.
"""

from __future__ import annotations

from datetime import timedelta

import perception_promises
import pytest

from perception import Config, ConfigError, assess, check, get_registry, plan_followups
from perception.testing import T0, make_account, message


@pytest.fixture
def promises(perception_plugin):
    # Installed packages are already registered through their entry point; register the
    # module only when it is not (for example when running from a source checkout).
    if "vague-promise" in get_registry().checks:
        return get_registry()
    return perception_plugin(perception_promises)


def test_check_flags_vague_promises_with_spans(promises):
    text = "We will fix it soon, ASAP even."
    report = check(text, strict=True)
    found = [f for f in report.findings if f.check == "vague-promise"]
    assert [text[f.span.start : f.span.end] for f in found] == ["soon", "ASAP"]
    assert all(f.suggestion for f in found)


def test_severity_is_configurable(promises):
    config = Config.from_mapping({"options": {"vague-promise": {"severity": "info"}}})
    report = check("Soon.", config=config, strict=True)
    assert {f.severity.value for f in report.findings if f.check == "vague-promise"} == {"info"}


def test_unknown_option_is_a_configuration_error(promises):
    config = Config.from_mapping({"options": {"vague-promise": {"colour": "red"}}})
    with pytest.raises(ConfigError, match="unknown option"):
        config.validate(promises)


def account_with_promise(*, later_reply: bool):
    items = [
        message("m1", "Is the export fixed?"),
        message("m2", "We'll get back to you shortly.", inbound=False, days=0.1),
    ]
    if later_reply:
        items.append(message("m3", "Fixed on 7 January at 10:00.", inbound=False, days=2))
    return make_account(interactions=items)


def test_unchased_promise_lowers_assurance(promises):
    kept = assess(account_with_promise(later_reply=True), as_of=T0 + timedelta(days=3), strict=True)
    broken = assess(
        account_with_promise(later_reply=False), as_of=T0 + timedelta(days=3), strict=True
    )
    assert not [s for s in kept.signals if s.scorer == "promise-keeping"]
    (signal,) = [s for s in broken.signals if s.scorer == "promise-keeping"]
    assert signal.evidence == ("m2",)
    assert broken.score < kept.score


def test_policy_plans_a_stable_follow_up(promises):
    account = account_with_promise(later_reply=False)
    first = plan_followups(account, as_of=T0 + timedelta(days=3), strict=True)
    again = plan_followups(account, as_of=T0 + timedelta(days=4), strict=True)
    keys = [f.key for f in first.followups if f.policy == "chase-vague-promise"]
    assert keys == ["chase-vague-promise:acme:m2"]
    assert keys == [f.key for f in again.followups if f.policy == "chase-vague-promise"]
