"""Clinician pages: patients, the assessment wizard, the recommendation and the decision.
Views stay thin: they fetch through selectors, write through services, and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import programs_for_user, user_has_role
from placement.explain import explain, handout_plan, level_choices
from placement.forms import DecisionForm
from placement.selectors import patient_timeline
from placement.services.recommendations import (
    assessment_save_decision,
    placement_submit,
    recommendation_is_current,
)
from rulesets.loader import engine_rule_set

from . import audit
from .catalog import SUBSTANCES, substance_rows
from .forms import PatientForm, PatientSearchForm, StartAssessmentForm
from .models import AssessmentKind
from .selectors import (
    assessment_get_for_user,
    patient_get_for_user,
    patients_for_user,
    search_kind,
)
from .services import (
    IntakeError,
    assessment_start,
    missing_steps,
    patient_register,
)
from .wizard import step_view, suggestion_context


def _require_clinical_role(user) -> None:
    if not (
        user_has_role(user=user, role=Role.CLINICIAN)
        or user_has_role(user=user, role=Role.SUPERVISOR)
    ):
        raise PermissionDenied("Patient records are for clinicians and supervisors.")


# -- patients --------------------------------------------------------------------------------


def patient_list(request):
    _require_clinical_role(request.user)
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(patients_for_user(user=request.user, query=query), 25).get_page(
        request.GET.get("page")
    )
    shown = [p.pk for p in page]
    if query.strip():
        audit.record_view(
            page="patient_search",
            patients=shown,
            search={"kind": search_kind(query), "digest": audit.search_digest(query)},
        )
    elif shown:
        audit.record_view(page="patient_list", patients=shown)
    return render(
        request,
        "intake/patient_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_register": user_has_role(user=request.user, role=Role.CLINICIAN),
        },
    )


@require_http_methods(["GET", "POST"])
def patient_create(request):
    programs = programs_for_user(user=request.user, roles=(Role.CLINICIAN,))
    if not programs.exists():
        raise PermissionDenied("Only clinicians register patients.")
    form = PatientForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("program", "confirm_not_duplicate")
        }
        try:
            patient = patient_register(
                user=request.user, program=form.cleaned_data["program"], data=data
            )
        except IntakeError as exc:
            form.add_error("mrn", str(exc))
        else:
            messages.success(request, "Patient registered.")
            return redirect("intake:patient_detail", pk=patient.pk)
    if getattr(form, "duplicates", None):
        audit.record_view(page="patient_register", patients=[p.pk for p in form.duplicates])
    return render(request, "intake/patient_form.html", {"form": form})


def _patient_page(request, patient, *, start_form=None, status=200):
    audit.record_access(patient)
    can_edit = _is_clinician_of(request.user, patient)
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
    can_edit = assessment.editable and _can_edit(request.user, assessment)
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


def _can_edit(user, assessment) -> bool:
    return _is_clinician_of(user, assessment.patient)


@require_http_methods(["GET", "POST"])
def recommendation(request, pk):
    """The recommendation with its reasoning, and the clinician's decision."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    rec = assessment.recommendations.first()
    if rec is None:
        emergency = suggestion_context(assessment, [], None)["emergency"]
        if not emergency:
            messages.info(request, "Complete the steps and compute the recommendation first.")
            return redirect("intake:assessment_detail", pk=pk)
        # An emergency comes first: say what to do now, before the level can be worked out.
        audit.record_access(assessment, page="emergency")
        return render(
            request,
            "intake/emergency.html",
            {
                "assessment": assessment,
                "patient": assessment.patient,
                "emergency": emergency,
                "missing": missing_steps(assessment),
                "can_edit": assessment.editable and _can_edit(request.user, assessment),
            },
        )
    audit.record_access(assessment)
    rs = engine_rule_set(assessment.rule_set)
    explanation = explain(rec, assessment)
    can_decide = assessment.editable and _can_edit(request.user, assessment)
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
                    return redirect("intake:recommendation", pk=pk)
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
                return redirect("intake:assessment_detail", pk=pk)
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


# -- 42 CFR Part 2: consents and disclosures -------------------------------------------------


def consents(request, pk):
    """A patient's consents; clinicians of the program record new ones."""
    from .consents import ConsentForm, consent_record

    patient = patient_get_for_user(user=request.user, pk=pk)
    can_edit = _is_clinician_of(request.user, patient)
    form = ConsentForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            consent_record(patient=patient, user=request.user, data=form.cleaned_data)
            messages.success(request, "Consent recorded.")
            return redirect("intake:consents", pk=pk)
    audit.record_access(patient)
    return render(
        request,
        "intake/consents.html",
        {
            "patient": patient,
            "consents": patient.consents.select_related("created_by", "revoked_by"),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def consent_revoke(request, pk):
    from .consents import consent_revoke as revoke
    from .models import Consent

    consent = Consent.objects.filter(pk=pk).select_related("patient").first()
    if consent is None or not _is_clinician_of(request.user, consent.patient):
        raise Http404
    revoke(consent=consent, user=request.user)
    messages.success(request, "Consent revoked: it no longer covers any disclosure.")
    return redirect("intake:consents", pk=consent.patient_id)


def disclosures(request, pk):
    """The accounting of disclosures for the last three years."""
    from .consents import ACCOUNTING_YEARS, accounting_of_disclosures

    patient = patient_get_for_user(user=request.user, pk=pk)
    audit.record_access(patient)
    return render(
        request,
        "intake/disclosures.html",
        {
            "patient": patient,
            "disclosures": accounting_of_disclosures(patient=patient),
            "years": ACCOUNTING_YEARS,
            "now": timezone.now(),
        },
    )


def _is_clinician_of(user, patient) -> bool:
    try:
        patient_get_for_user(user=user, pk=patient.pk, edit=True)
    except Http404:
        return False
    return True
