"""Reads of patient data. Every view fetches patients and assessments through these, with the
user: anything outside the user's programs is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role
from accounts.selectors import program_ids_for_user

from .models import Assessment, AssessmentStatus, Patient

VIEW_ROLES = (Role.CLINICIAN, Role.SUPERVISOR)
EDIT_ROLES = (Role.CLINICIAN,)


def patients_for_user(*, user, query: str = "") -> QuerySet[Patient]:
    """Patients of the user's programs (clinician or supervisor), optionally searched by name,
    medical record number, or birth date (YYYY-MM-DD or MM/DD/YYYY)."""
    qs = Patient.objects.filter(program_id__in=program_ids_for_user(user=user, roles=VIEW_ROLES))
    query = query.strip()
    if not query:
        return qs.select_related("program")
    born = _parse_date(query)
    if born is not None:
        return qs.filter(date_of_birth=born).select_related("program")
    words = query.split()
    condition = Q(mrn__iexact=query)
    if len(words) == 1:
        condition |= Q(given_name__icontains=query) | Q(family_name__icontains=query)
    else:  # "first last" or "last first"
        first, last = words[0], words[-1]
        condition |= Q(given_name__icontains=first, family_name__icontains=last)
        condition |= Q(family_name__icontains=first, given_name__icontains=last)
    return qs.filter(condition).select_related("program")


def search_kind(query: str) -> str:
    """What a search was for, as the audit log records it (never the term)."""
    if _parse_date(query.strip()) is not None:
        return "birth date"
    return "name or record number"


def _parse_date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_get_for_user(*, user, pk: int, edit: bool = False) -> Patient:
    roles = EDIT_ROLES if edit else VIEW_ROLES
    try:
        return Patient.objects.select_related("program").get(
            pk=pk, program_id__in=program_ids_for_user(user=user, roles=roles)
        )
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None


def assessment_get_for_user(*, user, pk: int, edit: bool = False) -> Assessment:
    roles = EDIT_ROLES if edit else VIEW_ROLES
    try:
        return Assessment.objects.select_related("patient__program", "rule_set", "previous").get(
            pk=pk, patient__program_id__in=program_ids_for_user(user=user, roles=roles)
        )
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def is_clinician_of(user, patient) -> bool:
    """Whether ``user`` is a clinician of the patient's program (may edit their record)."""
    try:
        patient_get_for_user(user=user, pk=patient.pk, edit=True)
    except Http404:
        return False
    return True


def likely_duplicates(*, program, given_name: str, family_name: str, date_of_birth) -> QuerySet:
    """Patients in the program with the same name and birth date (case-insensitive)."""
    return Patient.objects.filter(
        program=program,
        given_name__iexact=given_name.strip(),
        family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
    )


def drafts_for_clinician(*, user) -> QuerySet[Assessment]:
    """The user's unfinished assessments (drafts and ones returned for revision)."""
    return (
        Assessment.objects.filter(
            created_by=user,
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED],
            patient__program_id__in=program_ids_for_user(user=user, roles=EDIT_ROLES),
        )
        .select_related("patient")
        .order_by("-updated_at")
    )


def previous_assessment(*, patient) -> Assessment | None:
    """The latest signed assessment of the patient, else the latest submitted one."""
    for statuses in ([AssessmentStatus.SIGNED], [AssessmentStatus.SUBMITTED]):
        found = (
            Assessment.objects.filter(patient=patient, status__in=statuses)
            .order_by("-assessment_date", "-id")
            .first()
        )
        if found is not None:
            return found
    return None
