"""Rule-set services: clone, variants, verify, test, publish, import and export. Every write
goes through these functions (the editor's views, commands and tasks are thin wrappers)."""

from .workflow import (
    RuleSetPublishRefused,
    RuleSetWorkflowError,
    is_usable_name,
    rule_set_clone,
    rule_set_export,
    rule_set_import,
    rule_set_is_verified,
    rule_set_make_variant,
    rule_set_problems,
    rule_set_publish,
    rule_set_resolve,
    rule_set_test_results,
    rule_set_verify,
)

__all__ = [
    "RuleSetPublishRefused",
    "RuleSetWorkflowError",
    "is_usable_name",
    "rule_set_clone",
    "rule_set_export",
    "rule_set_import",
    "rule_set_is_verified",
    "rule_set_make_variant",
    "rule_set_problems",
    "rule_set_publish",
    "rule_set_resolve",
    "rule_set_test_results",
    "rule_set_verify",
]
