"""Rule sets and their rows, import jobs and impact-preview jobs."""

from .impact import ImpactJob, ImpactJobStatus
from .ruleset import (
    Condition,
    ConditionKind,
    Dimension,
    Flag,
    ImmutableRuleSetError,
    Level,
    Modifier,
    Population,
    Question,
    QuestionType,
    Rule,
    RuleKind,
    RuleSet,
    RuleSetImport,
    RuleSetImportStatus,
    RuleSetStatus,
    RuleTestCase,
)

__all__ = [
    "Condition",
    "ConditionKind",
    "Dimension",
    "Flag",
    "ImmutableRuleSetError",
    "ImpactJob",
    "ImpactJobStatus",
    "Level",
    "Modifier",
    "Population",
    "Question",
    "QuestionType",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RuleSetImport",
    "RuleSetImportStatus",
    "RuleSetStatus",
    "RuleTestCase",
]
