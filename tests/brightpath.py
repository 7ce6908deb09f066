"""One account over two mornings, for the tests of the daily routine: BrightPath Learning,
whose training lead asks two questions and whose VP escalates."""

from __future__ import annotations

__all__ = ["ACCOUNT", "LATER"]

ACCOUNT = {
    "owner": "Sam Keller",
    "customer": {
        "id": "brightpath",
        "name": "BrightPath Learning",
        "stakeholders": [
            {"id": "ava", "name": "Ava Moreno", "role": "VP Operations", "seniority": "executive"},
            {"id": "liam", "name": "Liam Chen", "role": "Training lead"},
        ],
    },
    "expectations": [
        {
            "id": "exp-portal",
            "dimension": "reliability",
            "description": "Learner portal live",
            "due": "2026-04-01T17:00:00Z",
            "stakeholder": "liam",
        },
        {
            "id": "exp-reply",
            "dimension": "responsiveness",
            "kind": "implicit",
            "adequate": 24,
            "desired": 4,
            "unit": "hours",
            "better": "lower",
        },
    ],
    "deliverables": [
        {
            "id": "del-portal",
            "expectation": "exp-portal",
            "description": "Learner portal",
            "delivered_at": "2026-04-01T15:00:00Z",
            "accepted_at": "2026-04-02T09:00:00Z",
        }
    ],
    "interactions": [
        {
            "id": "bp-1",
            "at": "2026-04-02T09:30:00Z",
            "direction": "inbound",
            "author": "liam",
            "text": "The portal is live and the first cohort is in. Thanks for the smooth launch.",
        },
        {
            "id": "bp-2",
            "at": "2026-04-02T11:00:00Z",
            "direction": "outbound",
            "author": "sam",
            "in_reply_to": "bp-1",
            "text": "Great to hear, Liam. Tell me if anything needs a tweak.",
        },
        {
            "id": "bp-3",
            "at": "2026-04-10T10:00:00Z",
            "direction": "inbound",
            "author": "liam",
            "text": "Could you send me the plan for the certificate export?",
        },
        {
            "id": "bp-6",
            "at": "2026-04-10T10:30:00Z",
            "direction": "inbound",
            "author": "liam",
            "text": "Also, can you confirm that single sign-on works for the May cohort?",
        },
    ],
    "feedback": [{"id": "bp-csat", "at": "2026-04-03T09:00:00Z", "kind": "csat", "value": 4}],
}

#: What happened between the two mornings.
LATER = {
    "interactions": [
        {
            "id": "bp-7",
            "at": "2026-04-13T10:00:00Z",
            "direction": "outbound",
            "author": "sam",
            "in_reply_to": "bp-6",
            "text": "Hi Liam, yes: single sign-on is set up for the May cohort.",
        },
        {
            "id": "bp-8",
            "at": "2026-04-14T15:00:00Z",
            "direction": "inbound",
            "author": "ava",
            "text": "The certificate export is late again and our audit is at risk. "
            "This is unacceptable.",
        },
    ],
    "feedback": [
        {
            "id": "bp-esc",
            "at": "2026-04-14T15:00:00Z",
            "kind": "escalation",
            "author": "ava",
            "text": "Certificate export late; audit at risk.",
        }
    ],
}
