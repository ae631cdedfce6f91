"""Pages that compose several apps: the home page (a section per role), a patient's page (the
record with their assessments and placements) and an assessment read whole with its
recommendation and placements."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit import writer as audit
from intake.catalog import SUBSTANCES, substance_rows
from intake.forms import StartAssessmentForm
from intake.models import AssessmentKind
from intake.selectors import assessment_get_for_user, is_clinician_of, patient_get_for_user
from intake.services import assessment_start
from intake.wizard import step_view
from placement.explain import explain
from placement.selectors import patient_timeline
from rulesets.loader import engine_rule_set

from .home import home_sections


def home(request):
    """The landing page after sign-in: one section per role the user holds. When it shows
    patients, one audit entry names them."""
    context = home_sections(user=request.user)
    if context["patients_shown"]:
        audit.record_view(page="home", patients=context["patients_shown"])
    return render(request, "accounts/home.html", context)


def _patient_page(request, patient, *, start_form=None, status=200):
    audit.record_access(patient)
    can_edit = is_clinician_of(request.user, patient)
    if can_edit and start_form is None:
        start_form = StartAssessmentForm(patient=patient)
    return render(
        request,
        "intake/patient_detail.html",
        {
            "patient": patient,
            "timeline": patient_timeline(patient=patient),
            "start_form": start_form if can_edit else None,
            "can_edit": can_edit,
        },
        status=status,
    )


def patient_detail(request, pk):
    patient = patient_get_for_user(user=request.user, pk=pk)
    return _patient_page(request, patient)


@require_POST
def assessment_create(request, pk):
    patient = patient_get_for_user(user=request.user, pk=pk, edit=True)
    form = StartAssessmentForm(request.POST, patient=patient)
    if not form.is_valid():
        return _patient_page(request, patient, start_form=form, status=400)
    assessment = assessment_start(
        user=request.user,
        patient=patient,
        kind=form.cleaned_data["kind"],
        assessment_date=form.cleaned_data["assessment_date"],
    )
    if assessment.kind != AssessmentKind.INITIAL and assessment.previous is not None:
        messages.info(request, "Started from the answers of the previous assessment.")
    return redirect("intake:assessment_step", pk=assessment.pk, step=SUBSTANCES)


# -- assessments -----------------------------------------------------------------------------


def assessment_detail(request, pk):
    """The whole assessment, read-only; the entry point for resuming a draft."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    audit.record_access(assessment)
    rs = engine_rule_set(assessment.rule_set)
    recommendation = assessment.recommendations.first()
    can_edit = assessment.editable and is_clinician_of(request.user, assessment.patient)
    return render(
        request,
        "intake/assessment_detail.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "steps": step_view(assessment, rs),
            "substance_rows": substance_rows(assessment.substances),
            "recommendation": recommendation,
            "explanation": explain(recommendation, assessment) if recommendation else None,
            "placements": assessment.placements.select_related(
                "submitted_by", "reviewer", "recommendation__rule_set"
            )
            .prefetch_related("events__actor")
            .order_by("round"),
            "can_edit": can_edit,
        },
    )
