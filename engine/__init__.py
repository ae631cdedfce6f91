"""The placement engine: pure Python, no Django. Data in, decision with reasons out.

    import engine

    rs = engine.load(data, version=3)               # a rule set from plain data (YAML/JSON)
    decision = engine.evaluate(rs, ratings, flags)  # level, withdrawal level, modifiers, reasons
    suggested, flags, reasons = engine.suggest_ratings(rs, answers)
    report = engine.verify(rs)                       # total and monotone, with counterexamples
    changes = engine.diff(old, new)                  # rule by rule, in sentences
    sentence = engine.describe(rule, rs)             # "When D5 is 3 or more ...: ..."

This module is the engine's one public face: the apps import from ``engine``, never from its
submodules. The engine never reads a database or the clock; the same inputs and rule set always
give the same decision, which is what makes a placement replayable. Dimensions, rating codes,
levels and every property of a rule set come from its data, never from constants here."""

from .carry import AskAgain, carry_over
from .cases import CaseResult, TestCase, cases_from_data, run_cases
from .conditions import (
    ANSWER_OP_LABELS,
    CONDITION_KIND_LABELS,
    EMPTY,
    NO_VALUE_OPS,
    ConditionCatalog,
    check_condition,
)
from .describe import describe_condition, describe_when, rule_sentence
from .diff import RuleSetDiff, diff_rule_sets
from .emergency import condition_atoms, emergency_triggers, flag_codes
from .engine import evaluate, suggest_ratings, tabulate, validate_input
from .errors import InputError, RuleSetError
from .model import (
    AGE_OPS,
    ANSWER_OPS,
    ANY_LEVEL,
    QUESTION_TYPES,
    SET_OPS,
    AnswerIs,
    AnyOf,
    AtLeast,
    CarryOver,
    Condition,
    Decision,
    DeterminationRule,
    Dimension,
    Flag,
    FlagIs,
    FlagRule,
    Group,
    Level,
    Modifier,
    ModifierRule,
    NeedIs,
    NeedRule,
    PlacementRule,
    Question,
    RatingIn,
    RatingRule,
    Reason,
    ResultIs,
    RuleSet,
    Substitution,
    base_of,
    variant_of,
)
from .report import Report
from .serialize import (
    FORMAT,
    LEVEL_FIELDS,
    MAX_FILE_BYTES,
    carry_over_data,
    condition_to_data,
    dumps,
    flag_data,
    level_data,
    loads,
    modifier_data,
    to_data,
)
from .serialize import from_data as load
from .textload import TextRefused, decode, load_json, load_yaml
from .validate import problems
from .verify import ENUMERATION_LIMIT, verify

diff = diff_rule_sets
describe = rule_sentence

__all__ = [
    "AGE_OPS",
    "ANSWER_OPS",
    "ANSWER_OP_LABELS",
    "ANY_LEVEL",
    "CONDITION_KIND_LABELS",
    "EMPTY",
    "ENUMERATION_LIMIT",
    "FORMAT",
    "LEVEL_FIELDS",
    "MAX_FILE_BYTES",
    "NO_VALUE_OPS",
    "QUESTION_TYPES",
    "SET_OPS",
    "AnswerIs",
    "AnyOf",
    "AskAgain",
    "AtLeast",
    "CarryOver",
    "CaseResult",
    "Condition",
    "ConditionCatalog",
    "Decision",
    "DeterminationRule",
    "Dimension",
    "Flag",
    "FlagIs",
    "FlagRule",
    "Group",
    "InputError",
    "Level",
    "Modifier",
    "ModifierRule",
    "NeedIs",
    "NeedRule",
    "PlacementRule",
    "Question",
    "RatingIn",
    "RatingRule",
    "Reason",
    "Report",
    "ResultIs",
    "RuleSet",
    "RuleSetDiff",
    "RuleSetError",
    "Substitution",
    "TestCase",
    "TextRefused",
    "base_of",
    "carry_over",
    "carry_over_data",
    "cases_from_data",
    "check_condition",
    "condition_atoms",
    "condition_to_data",
    "decode",
    "describe",
    "describe_condition",
    "describe_when",
    "diff",
    "diff_rule_sets",
    "dumps",
    "emergency_triggers",
    "evaluate",
    "flag_codes",
    "flag_data",
    "level_data",
    "load",
    "load_json",
    "load_yaml",
    "loads",
    "modifier_data",
    "problems",
    "rule_sentence",
    "run_cases",
    "suggest_ratings",
    "tabulate",
    "to_data",
    "validate_input",
    "variant_of",
    "verify",
]
