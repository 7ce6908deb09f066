"""Hypothesis strategies for valid perception records."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from perception.model import (
    Account,
    Better,
    Case,
    CasePriority,
    CaseStatus,
    Channel,
    Customer,
    Deliverable,
    Dimension,
    Direction,
    Expectation,
    ExpectationKind,
    Feedback,
    FeedbackKind,
    Interaction,
    LifecycleStage,
    Money,
    Seniority,
    Stakeholder,
    UsageEvent,
)
from perception.outcome import (
    Finding,
    MessageReport,
    PluginFailure,
    SentenceScore,
    Sentiment,
    Severity,
    Span,
)

offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
aware = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
texts = st.text(max_size=40)
names = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() != "")
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


scales = st.sampled_from([(1.0, 5.0), (0.0, 10.0), (1.0, 7.0), (-3.0, 3.0)])


@st.composite
def expectations(draw, eid):
    scale = draw(st.none() | scales)
    inside = numbers if scale is None else st.floats(*scale)
    a = draw(st.none() | inside)
    d = draw(st.none() | inside)
    better = draw(st.sampled_from(Better))
    if a is not None and d is not None:
        low, high = sorted((a, d))
        a, d = (low, high) if better is Better.HIGHER else (high, low)
    return Expectation(
        id=eid,
        dimension=draw(st.sampled_from(Dimension)),
        description=draw(texts),
        kind=draw(st.sampled_from(ExpectationKind)),
        critical=draw(st.booleans()),
        importance=draw(st.floats(0, 1)),
        adequate=a,
        desired=d,
        unit=draw(texts),
        better=better,
        due=draw(st.none() | aware),
        confirmed_at=draw(st.none() | aware),
        scale=scale,
    )


@st.composite
def feedback(draw, fid):
    kind = draw(st.sampled_from(FeedbackKind))
    ranges = {FeedbackKind.CSAT: (1, 5), FeedbackKind.NPS: (0, 10), FeedbackKind.CES: (1, 7)}
    scale = None
    if kind in (FeedbackKind.CSAT, FeedbackKind.CES):
        scale = draw(st.none() | scales)
    low, high = scale or ranges.get(kind, (0, 0))
    value = draw(st.floats(low, high)) if kind in ranges else draw(st.none() | numbers)
    return Feedback(id=fid, at=draw(aware), kind=kind, value=value, text=draw(texts), scale=scale)


@st.composite
def accounts(draw):
    people = draw(st.lists(ids, max_size=3, unique=True))
    customer = Customer(
        id=draw(ids),
        name=draw(names),
        segment=draw(texts),
        stakeholders=[
            Stakeholder(id=p, name=draw(names), seniority=draw(st.sampled_from(Seniority)))
            for p in people
        ],
        glossary=draw(st.dictionaries(names, texts, max_size=3)),
    )
    exp_ids = draw(st.lists(ids, max_size=4, unique=True))
    exps = [draw(expectations(e)) for e in exp_ids]
    dels = []
    if exp_ids:
        for did in draw(st.lists(ids, max_size=4, unique=True)):
            delivered = draw(st.none() | aware)
            accepted = None
            if delivered is not None and draw(st.booleans()):
                accepted = delivered + timedelta(hours=draw(st.integers(0, 1000)))
            answers = draw(st.sampled_from(exps))
            rated = answers.scale is not None
            dels.append(
                Deliverable(
                    id=did,
                    expectation=answers.id,
                    delivered_at=delivered,
                    accepted_at=accepted,
                    level=draw(st.none() | (st.floats(*answers.scale) if rated else numbers)),
                )
            )
    case_list = [draw(cases(c)) for c in draw(st.lists(ids, max_size=3, unique=True))]
    case_ids = [c.id for c in case_list]
    msg_ids = draw(st.lists(ids, max_size=5, unique=True))
    msgs = []
    for index, mid in enumerate(msg_ids):
        reply = draw(st.none() | st.sampled_from(msg_ids[:index])) if index else None
        msgs.append(
            Interaction(
                id=mid,
                at=draw(aware),
                direction=draw(st.sampled_from(Direction)),
                channel=draw(st.sampled_from(Channel)),
                author=draw(texts),
                text=draw(st.text(max_size=200)),
                subject=draw(texts),
                in_reply_to=reply,
                case=draw(st.none() | st.sampled_from(case_ids)) if case_ids else None,
            )
        )
    fb = [draw(feedback(f)) for f in draw(st.lists(ids, max_size=3, unique=True))]
    return Account(
        customer=customer,
        expectations=exps,
        deliverables=dels,
        interactions=msgs,
        feedback=fb,
        cases=case_list,
        usage=draw(st.lists(usage_events, max_size=4, unique_by=lambda u: u.id)),
        arr=draw(st.none() | money),
        mrr=draw(st.none() | money),
        renewal=draw(
            st.none() | st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31))
        ),
        plan=draw(texts),
        lifecycle=draw(st.none() | st.sampled_from(LifecycleStage)),
        attributes=draw(st.dictionaries(names, attribute_values, max_size=4)),
    )


currencies = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
money = st.builds(
    Money, amount=st.floats(min_value=0, max_value=1e12, allow_nan=False), currency=currencies
)
attribute_values = (
    st.text(max_size=20)
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
)
usage_events = st.builds(
    UsageEvent, metric=names, at=aware, value=numbers, unit=st.sampled_from(["", "users", "GB"])
)


@st.composite
def cases(draw, cid):
    opened = draw(aware)
    closed = draw(st.none() | st.integers(0, 10_000).map(lambda h: opened + timedelta(hours=h)))
    return Case(
        id=cid,
        opened_at=opened,
        subject=draw(texts),
        status=draw(st.sampled_from(CaseStatus)),
        priority=draw(st.sampled_from(CasePriority)),
        closed_at=closed,
        requester=draw(texts),
        assignee=draw(texts),
        tags=draw(st.lists(names, max_size=3).map(tuple)),
    )


unit = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def spans(draw):
    start = draw(st.integers(0, 10_000))
    return Span(start=start, end=start + draw(st.integers(0, 500)))


sentiments = st.builds(
    Sentiment,
    compound=st.floats(min_value=-1.0, max_value=1.0),
    positive=unit,
    neutral=unit,
    negative=unit,
)
findings = st.builds(
    Finding,
    check=names,
    severity=st.sampled_from(Severity),
    message=names,
    suggestion=texts,
    span=st.none() | spans(),
    evidence=st.lists(ids, max_size=3).map(tuple),
    terms=st.lists(names, max_size=2).map(tuple),
)
failures = st.builds(PluginFailure, plugin=names, kind=st.just("check"), error=names)
reports = st.builds(
    MessageReport,
    length=st.integers(0, 1_000_000),
    sentiment=sentiments,
    sentences=st.lists(st.builds(SentenceScore, span=spans(), sentiment=sentiments), max_size=6),
    findings=st.lists(findings, max_size=6),
    failures=st.lists(failures, max_size=2),
    silenced=st.lists(names, max_size=2).map(tuple),
    not_applicable=st.lists(names, max_size=2).map(tuple),
)
