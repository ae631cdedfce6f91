"""What the editor pages share: the rule administrator check, a draft by name and version,
the catalogs a form chooses from, and the page context."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from accounts.selectors import user_has_role
from engine import serialize
from rulesets.models import RuleSet, RuleSetStatus
from rulesets.rows import rule_set_to_data
from rulesets.scope import is_network_rule_admin

from .. import forms as f
from ..selectors import (
    rule_set_get,
)

DEFAULTS_NOTE = (
    "The default rule set is a starting configuration built from publicly documented "
    "structure, in our own words. Review every rule against your program's licensed copy of "
    "The ASAM Criteria and your state's rules before publishing it for clinical use."
)
KINDS = ("placement", "substitution", "modifier", "rating", "flag", "need", "determination")


# -- helpers -----------------------------------------------------------------------------------


def _require_rule_admin(user) -> None:
    if not (
        user_has_role(user=user, role=Role.RULE_ADMIN) or is_network_rule_admin(user)
    ):  # superusers are network rule administrators
        raise PermissionDenied("The rule editor is for rule administrators.")


def _draft(name: str, version: int) -> RuleSet:
    """A version that may be changed; anything else is refused here, on the server."""
    rule_set = rule_set_get(name=name, version=version)
    if rule_set.status != RuleSetStatus.DRAFT:
        raise PermissionDenied(
            f"{rule_set.label} is {rule_set.get_status_display().lower()}: clone it into a draft "
            "to change it."
        )
    return rule_set


def _catalogs(rule_set: RuleSet) -> f.Catalogs:

    data = rule_set_to_data(rule_set)
    data = {**data, "rules": []}  # the catalogs stand even when a rule is broken
    catalogs = f.Catalogs(serialize.from_data(data, version=rule_set.version))
    # Whether the version decides from needs is a fact of its rules, read without them.
    catalogs.determines = rule_set.rules.filter(kind="need").exists()
    return catalogs


def _version_url(rule_set: RuleSet, anchor: str = "") -> str:
    url = reverse("rules:version", args=[rule_set.name, rule_set.version])
    return f"{url}#{anchor}" if anchor else url


def _context(rule_set: RuleSet, **extra) -> dict:
    return {"rule_set": rule_set, "defaults_note": DEFAULTS_NOTE, **extra}
