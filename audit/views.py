"""The audit page (superusers): who did what to which record, when, from where; exports of it
as a background job whose file is downloaded only when complete (and the download audited)."""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.writer import record_view

from .forms import AuditFilterForm
from .models import AuditExport, patient_ids_of
from .selectors import (
    audit_entries,
    audit_page,
    describe_changes,
    describe_entry,
    entry_patients,
)
from .services import audit_export_start


def _require_superuser(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied("The audit log is for administrators.")


def audit_log(request):
    _require_superuser(request.user)
    form = AuditFilterForm(request.GET or None)
    filters = form.filters()
    rows, following = [], ""
    if filters is not None:
        entries, following = audit_page(audit_entries(filters), request.GET.get("after", ""))
        patients = entry_patients(entries)
        rows = [
            {
                "e": e,
                "what": describe_entry(e),
                "changes": describe_changes(e),
                "patients": patients[e.pk],
            }
            for e in entries
        ]
        shown = {i for e in entries for i in patient_ids_of(e.additional_data)}
        if shown:
            record_view(page="audit_log", patients=shown)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "rows": rows,
            "following": following,
            "query": query.urlencode(),
            "first_page": not request.GET.get("after"),
            "time_zone": settings.TIME_ZONE,
            "tz_name": timezone.localtime().strftime("%Z"),
            "exports": AuditExport.objects.filter(exported_by=request.user).order_by("-pk")[:5],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def audit_export(request):
    """Start an export of the filtered entries (a job); its page shows the progress."""
    _require_superuser(request.user)
    form = AuditFilterForm(request.POST)
    filters = form.filters()
    if filters is None:
        messages.error(
            request,
            "Correct the filters first: "
            + "; ".join(e for errors in form.errors.values() for e in errors),
        )
        return redirect("audit:log")
    export = audit_export_start(user=request.user, filters=filters)
    return redirect("audit:export_status", pk=export.pk)


def _own_export(request, pk) -> AuditExport:
    _require_superuser(request.user)
    export = AuditExport.objects.filter(pk=pk, exported_by=request.user).first()
    if export is None:
        raise Http404("No such export.")
    return export


def export_status(request, pk):
    export = _own_export(request, pk)
    template = "audit/_export_progress.html" if request.htmx else "audit/export.html"
    return render(request, template, {"export": export})


def export_download(request, pk):
    """The finished file, once; every download is audited (it holds patient data)."""

    export = _own_export(request, pk)
    if export.status != AuditExport.Status.DONE or not export.file:
        raise Http404("The export is not ready.")
    LogEntry.objects.log_create(
        export,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        additional_data={"page": "audit export download", "rows": export.rows},
    )
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename=f"stepwise-audit-{export.pk}.csv"
    )
    response["Content-Type"] = "text/csv"
    response["Cache-Control"] = "no-store"
    return response
