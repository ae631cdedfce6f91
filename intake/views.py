"""Clinician pages of intake: the patient list and registration, consents and disclosures
(a patient's own page, which shows placements too, is the portal's; the wizard is
``intake.wizard``). Views stay thin: they fetch through selectors, write through services,
and render."""

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
from audit import writer as audit

from .consents import (
    ACCOUNTING_YEARS,
    ConsentForm,
    accounting_of_disclosures,
    consent_record,
)
from .consents import consent_revoke as revoke
from .forms import PatientForm, PatientSearchForm
from .models import Consent
from .selectors import (
    is_clinician_of,
    patient_get_for_user,
    patients_for_user,
    search_kind,
)
from .services import (
    IntakeError,
    patient_register,
)


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
            return redirect("portal:patient_detail", pk=patient.pk)
    if getattr(form, "duplicates", None):
        audit.record_view(page="patient_register", patients=[p.pk for p in form.duplicates])
    return render(request, "intake/patient_form.html", {"form": form})


# -- 42 CFR Part 2: consents and disclosures -------------------------------------------------


def consents(request, pk):
    """A patient's consents; clinicians of the program record new ones."""
    patient = patient_get_for_user(user=request.user, pk=pk)
    can_edit = is_clinician_of(request.user, patient)
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
    consent = Consent.objects.filter(pk=pk).select_related("patient").first()
    if consent is None or not is_clinician_of(request.user, consent.patient):
        raise Http404
    revoke(consent=consent, user=request.user)
    messages.success(request, "Consent revoked: it no longer covers any disclosure.")
    return redirect("intake:consents", pk=consent.patient_id)


def disclosures(request, pk):
    """The accounting of disclosures for the last three years."""
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
