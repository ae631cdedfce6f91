"""Rule sets as the intake app asks for them (``intake.ports.RuleSetSource``), registered by
``RulesetsConfig.ready()``: intake never imports this app."""

from __future__ import annotations

from .loader import engine_rule_set
from .models import RuleSet, RuleSetStatus
from .scope import rule_set_for, rule_set_name_for


class RuleSets:
    def compiled(self, rule_set):
        return engine_rule_set(rule_set)

    def for_new_assessment(self, *, program, on):
        return rule_set_for(program=program, on=on)

    def for_draft(self, assessment):
        """The published version an unsubmitted assessment moves to at its next save, when the
        version it was started under has since been retired; None when it stays where it is."""
        if not assessment.editable:
            return None
        # The same edition as the draft was started in (a program's scheduled switch applies
        # to assessments started after it): its variant for the program, or the default.
        name = rule_set_name_for(
            program=assessment.patient.program, edition=assessment.rule_set.edition
        )
        if (
            name == assessment.rule_set.name
            and assessment.rule_set.status == RuleSetStatus.PUBLISHED
        ):
            return None
        current = RuleSet.objects.filter(name=name, status=RuleSetStatus.PUBLISHED).first()
        return current if current is not None and current.pk != assessment.rule_set_id else None
