"""What intake needs from the apps above it, given to it at start-up.

Intake imports nothing from ``rulesets`` or ``placement`` (the import contracts check it):
the rule sets an assessment runs on and the recommendation made when the wizard finishes are
supplied through this module by those apps' ``AppConfig.ready()``. Each port is resolved when
it is used, so a missing provider fails loudly at its first use, not with a silent default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # types only: intake never imports these at run time
    import engine


class RuleSetSource(Protocol):
    """Rule sets as intake sees them: database rows (an assessment's ``rule_set``) and the
    engine object for one."""

    def compiled(self, rule_set: Any) -> engine.RuleSet:
        """The engine's rule set for a rule-set row (cached for published versions)."""

    def for_new_assessment(self, *, program: Any, on: Any) -> Any:
        """The published rule set of the program's new assessments dated ``on``."""

    def for_draft(self, assessment: Any) -> Any | None:
        """The published version an unsubmitted draft moves to at its next save, or None."""


class Recommender(Protocol):
    def __call__(self, *, assessment: Any, user: Any) -> Any:
        """Computes and stores the recommendation of a completed assessment."""


_provided: dict[str, Any] = {}


def provide(*, rule_sets: RuleSetSource | None = None, recommend: Recommender | None = None):
    """Called once by the app that supplies the port (its ``ready()``)."""
    if rule_sets is not None:
        _provided["rule_sets"] = rule_sets
    if recommend is not None:
        _provided["recommend"] = recommend


def _get(name: str) -> Any:
    try:
        return _provided[name]
    except KeyError:
        raise RuntimeError(f"No app provides intake's {name!r} port; is it installed?") from None


def rule_sets() -> RuleSetSource:
    return _get("rule_sets")


def compiled(rule_set: Any) -> engine.RuleSet:
    """The engine's rule set of an assessment's ``rule_set`` row."""
    return rule_sets().compiled(rule_set)


def recommend(*, assessment: Any, user: Any) -> Any:
    return _get("recommend")(assessment=assessment, user=user)
