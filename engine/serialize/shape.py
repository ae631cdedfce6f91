"""The format's name and the kinds of rule it knows, shared by reading and writing."""

from __future__ import annotations

# Properties of a rule set that only verification reads (see RuleSet.kept_variant); written
# to a file only when set.
VERIFY_KEYS = ("kept_variant", "ceiling_level")

FORMAT = "stepwise-rule-set/1"
RULE_KINDS = ("placement", "substitution", "modifier", "rating", "flag", "need", "determination")
