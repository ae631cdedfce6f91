"""Django admin pages of patient data: reading them is audited like any other page."""

from __future__ import annotations

from django.contrib import admin

from .writer import record_access, record_view


class AccessLoggedAdmin:
    """For Django admin pages of patient data: the list writes one entry naming the patients
    on the page; a record's page (and its history) writes one entry about that record."""

    def patient_of(self, obj) -> int | None:
        data = obj.get_additional_data() if hasattr(obj, "get_additional_data") else {}
        return data.get("patient_id")

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None and response.status_code == 200:
            ids = [self.patient_of(o) for o in cl.result_list]
            record_view(page=f"admin:{self.model._meta.model_name}", patients=filter(None, ids))
        return response

    def _log_object(self, request, object_id, response, page):
        if response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_access(obj, page=page)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_object(request, object_id, response, "admin")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_object(request, object_id, response, "admin history")


class ReadOnlyForSuperusers(AccessLoggedAdmin, admin.ModelAdmin):
    """Reading these pages is audited like any other page of patient data."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
