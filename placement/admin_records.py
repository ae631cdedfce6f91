"""Records in Django admin: superusers only, and read-only. Signed placements, signatures and
recommendations are never edited anywhere; corrections are new records."""

from django.contrib import admin

from intake.audit import AccessLoggedAdmin
from placement.models import Placement, Recommendation, ReviewEvent, Signature


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


@admin.register(Placement)
class PlacementAdmin(ReadOnlyForSuperusers):
    list_select_related = ["assessment", "program"]
    list_display = ["pk", "program", "status", "indicated_level", "final_level", "submitted_at"]
    list_filter = ["status", "program"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyForSuperusers):
    list_select_related = ["assessment"]
    list_display = ["pk", "assessment", "level", "withdrawal_level", "rule_set_label", "created_at"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyForSuperusers):
    list_select_related = ["placement__assessment"]
    list_display = ["placement", "signer_name", "signer_role", "signed_at"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyForSuperusers):
    list_display = ["placement", "action", "actor", "at"]
    list_select_related = ["placement__assessment"]

    def patient_of(self, obj):
        return obj.placement.assessment.patient_id
