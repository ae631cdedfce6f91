"""django-auditlog's entries in Django admin: superusers only, and reading them is audited like
any other admin page of patient data (an entry's change record can hold a patient's name, MRN
and birth date). Each list page and each entry's page writes one ACCESS entry naming the
patients it showed."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from audit.writer import record_view

from .models import PatientLink, patient_ids_of

admin.site.unregister(LogEntry)


def _patients_of(entries) -> list[int]:
    ids = {i for e in entries for i in patient_ids_of(e.additional_data)}
    ids.update(
        PatientLink.objects.filter(entry_id__in=[e.pk for e in entries]).values_list(
            "patient_id", flat=True
        )
    )
    return sorted(ids)


@admin.register(LogEntry)
class AuditedLogEntryAdmin(LogEntryAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None and response.status_code == 200:
            shown = _patients_of(list(cl.result_list))
            if shown:
                record_view(page="admin:logentry", patients=shown)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            entry = self.get_object(request, object_id)
            if entry is not None:
                record_view(
                    page="admin:logentry entry", patients=_patients_of([entry]), entry=entry.pk
                )
        return response
