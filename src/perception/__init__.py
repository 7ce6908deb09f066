"""perception: model, explain and manage how customers perceive your service.

The public API is re-exported here; everything else is an implementation detail.
Heavy dependencies (nltk, the VADER lexicon, installed plugins) load on first use.
"""

from __future__ import annotations

from perception.batch import assess_file, assess_many, check_many
from perception.config import Config, load_config
from perception.context import CheckContext, PolicyContext, ScoreContext
from perception.engine import assess, check, plan_followups
from perception.errors import (
    ConfigError,
    PerceptionError,
    PluginConflictError,
    Problem,
    ValidationError,
    WorkerDiedError,
)
from perception.frame import to_frame
from perception.hookspecs import Check, EvidenceKind, Policy, Scorer, hookimpl
from perception.model import (
    Account,
    AttributeValue,
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
    Band,
    Driver,
    Edit,
    Finding,
    FollowUp,
    FollowUpPlan,
    MessageReport,
    PerceivedOutcome,
    PluginFailure,
    Priority,
    Resolution,
    SentenceScore,
    Sentiment,
    Severity,
    Signal,
    Span,
    followup_key,
)
from perception.plugins import get_plugin_manager, get_registry
from perception.text import Message

__version__ = "0.1.0"

__all__ = [
    "Account",
    "AttributeValue",
    "Band",
    "Better",
    "Case",
    "CasePriority",
    "CaseStatus",
    "Channel",
    "Check",
    "CheckContext",
    "Config",
    "ConfigError",
    "Customer",
    "Deliverable",
    "Dimension",
    "Direction",
    "Driver",
    "Edit",
    "EvidenceKind",
    "Expectation",
    "ExpectationKind",
    "Feedback",
    "FeedbackKind",
    "Finding",
    "FollowUp",
    "FollowUpPlan",
    "Interaction",
    "LifecycleStage",
    "Message",
    "MessageReport",
    "Money",
    "PerceivedOutcome",
    "PerceptionError",
    "PluginConflictError",
    "PluginFailure",
    "Policy",
    "PolicyContext",
    "Priority",
    "Problem",
    "Resolution",
    "ScoreContext",
    "Scorer",
    "Seniority",
    "SentenceScore",
    "Sentiment",
    "Severity",
    "Signal",
    "Span",
    "Stakeholder",
    "UsageEvent",
    "ValidationError",
    "WorkerDiedError",
    "__version__",
    "assess",
    "assess_file",
    "assess_many",
    "check",
    "check_many",
    "followup_key",
    "get_plugin_manager",
    "get_registry",
    "hookimpl",
    "load_config",
    "plan_followups",
    "to_frame",
]
