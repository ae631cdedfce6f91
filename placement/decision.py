"""The clinician's decision: the recommendation with its reasoning, the level actually
provided and why it differs, submitting it for review; and the patient's handout."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit import writer as audit
from intake.selectors import assessment_get_for_user, is_clinician_of
from intake.services import IntakeError, still_needed
from intake.wizard import suggestion_context
from rulesets.loader import engine_rule_set

from .explain import explain, handout_plan, level_choices
from .forms import DecisionForm
from .services.recommendations import (
    assessment_save_decision,
    placement_submit,
    recommendation_is_current,
)


@require_http_methods(["GET", "POST"])
def recommendation(request, pk):
    """The recommendation with its reasoning, and the clinician's decision."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    rec = assessment.recommendations.first()
    if rec is None:
        emergency = suggestion_context(assessment, [], None)["emergency"]
        if not emergency:
            messages.info(request, "Complete the steps and compute the recommendation first.")
            return redirect("portal:assessment_detail", pk=pk)
        # An emergency comes first: say what to do now, before the level can be worked out.
        audit.record_access(assessment, page="emergency")
        return render(
            request,
            "intake/emergency.html",
            {
                "assessment": assessment,
                "patient": assessment.patient,
                "emergency": emergency,
                "missing": still_needed(assessment),
                "can_edit": assessment.editable
                and is_clinician_of(request.user, assessment.patient),
            },
        )
    audit.record_access(assessment)
    rs = engine_rule_set(assessment.rule_set)
    explanation = explain(rec, assessment)
    can_decide = assessment.editable and is_clinician_of(request.user, assessment.patient)
    current = recommendation_is_current(rec, assessment)
    form = None
    if can_decide:
        initial = {
            "provided_level": rec.level,
            "provided_withdrawal_level": rec.withdrawal_level,
            **assessment.decision,
        }
        form = DecisionForm(
            request.POST or None,
            initial=initial,
            recommendation=rec,
            treatment_choices=level_choices(rs, rs.primary_track, explanation.adolescent),
            withdrawal_choices=level_choices(rs, rs.withdrawal_track, explanation.adolescent)
            if rec.withdrawal_level
            else [],
        )
        if request.method == "POST" and form.is_valid():
            decision = form.decision()
            try:
                if request.POST.get("action") == "save":
                    assessment_save_decision(
                        assessment=assessment, user=request.user, decision=decision
                    )
                    messages.success(request, "Decision saved as a draft.")
                    return redirect("placement:recommendation", pk=pk)
                placement = placement_submit(
                    assessment=assessment, user=request.user, decision=decision
                )
            except IntakeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    f"Submitted for supervisor review (placement {placement.label}). "
                    "The assessment is now read-only.",
                )
                return redirect("portal:assessment_detail", pk=pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "intake/recommendation.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "recommendation": rec,
            "explanation": explanation,
            "form": form,
            "is_current": current,
            "returned": assessment.placements.filter(status="returned").order_by("-round").first(),
        },
    )


def handout(request, pk):
    """A one-page, plain-language explanation of the recommended level for the patient."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    rec = assessment.recommendations.first()
    if rec is None:
        raise Http404
    audit.record_access(assessment)
    return render(
        request,
        "intake/handout.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "program": assessment.patient.program,
            "explanation": explain(rec, assessment),
            "plan": handout_plan(rec, assessment),
        },
    )
