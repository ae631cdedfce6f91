"""The audit page (superusers): who did what to which record, when, from where; CSV export."""

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from intake.audit import record_view

from .forms import AuditFilterForm
from .models import AuditExport, patient_ids_of
from .selectors import audit_entries


def _require_superuser(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied("The audit log is for administrators.")


def audit_log(request):
    _require_superuser(request.user)
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries(form.filters())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    shown = {i for e in page for i in patient_ids_of(e.additional_data)}
    if shown:
        record_view(page="audit_log", patients=shown)
    return render(request, "audit/log.html", {"form": form, "page": page})


class _Echo:
    def write(self, value):
        return value


def audit_export(request):
    """CSV of the filtered entries. The export itself is recorded (and so audited)."""
    _require_superuser(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    entries = audit_entries(filters)
    AuditExport.objects.create(
        exported_by=request.user, filters=filters.as_dict(), rows=entries.count()
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(
            ["time", "user", "action", "record type", "record", "patient", "address", "changes"]
        )
        for e in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    e.timestamp.isoformat(),
                    e.actor.get_username() if e.actor else "",
                    e.get_action_display(),
                    e.content_type.model if e.content_type else "",
                    e.object_repr,
                    (e.additional_data or {}).get("patient_id", ""),
                    e.remote_addr or "",
                    e.changes_str if e.action != e.Action.ACCESS else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="stepwise-audit.csv"'
    response["Cache-Control"] = "no-store"
    return response
