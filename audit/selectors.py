"""Reads of the audit trail (django-auditlog's LogEntry), for superusers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import QuerySet

from .models import PatientLink

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


@dataclass
class AuditFilters:
    patient: int | None = None
    user: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    def as_dict(self) -> dict:
        return {
            "patient": self.patient,
            "user": self.user,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def audit_entries(filters: AuditFilters) -> QuerySet[LogEntry]:
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if filters.patient:
        links = PatientLink.objects.filter(patient_id=filters.patient)
        qs = qs.filter(pk__in=links.values("entry_id"))
    if filters.user:
        qs = qs.filter(actor__username__iexact=filters.user)
    if filters.action in ACTIONS:
        qs = qs.filter(action=ACTIONS[filters.action])
    if filters.since:
        qs = qs.filter(timestamp__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(timestamp__date__lte=filters.until)
    return qs
