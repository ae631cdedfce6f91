"""Patient data in Django admin: superusers only. Patients' demographics can be corrected there;
assessments are read-only (they change only through the wizard, which detects concurrent edits)."""

from django.contrib import admin

from accounts.admin import SuperuserOnlyAdmin
from audit.admin_mixins import AccessLoggedAdmin, ReadOnlyForSuperusers

from .models import Assessment, Patient


@admin.register(Patient)
class PatientAdmin(AccessLoggedAdmin, SuperuserOnlyAdmin):
    list_display = ["pk", "mrn", "program", "created_at"]
    list_filter = ["program"]
    search_fields = ["mrn"]

    def has_delete_permission(self, request, obj=None):
        return False  # records are kept; a mistaken registration is corrected, not deleted


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyForSuperusers):
    list_display = ["pk", "patient", "kind", "assessment_date", "status"]
    list_filter = ["status", "kind"]
