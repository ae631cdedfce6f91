"""Records in Django admin: superusers only, and read-only. Signed placements, signatures and
recommendations are never edited anywhere; corrections are new records."""

from django.contrib import admin

from audit.admin_mixins import ReadOnlyForSuperusers
from placement.models import (
    OutboxEmail,
    Placement,
    Recommendation,
    ReviewEvent,
    Signature,
    WorkItem,
)
from placement.services.work import work_retry


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


class FailedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "failed"

    def lookups(self, request, model_admin):
        return [("yes", "Failed"), ("waiting", "Waiting"), ("done", "Done")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failed_at__isnull=False)
        if self.value() == "waiting":
            return queryset.filter(done_at__isnull=True, failed_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


class SuperusersOnly(admin.ModelAdmin):
    """Operational records with no patient data: superusers only, read-only."""

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


@admin.register(WorkItem)
class WorkItemAdmin(SuperusersOnly):
    list_display = ["__str__", "state", "attempts", "next_attempt_at", "last_error", "created_at"]
    list_filter = [FailedFilter, "kind"]
    actions = ["try_again"]

    @admin.display(description="state")
    def state(self, obj):
        return obj.state

    @admin.action(description="Try the selected failed work again")
    def try_again(self, request, queryset):

        items = list(queryset.filter(failed_at__isnull=False))
        for item in items:
            work_retry(item=item)
        self.message_user(request, f"{len(items)} item(s) will be tried again.")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            return {}
        return actions


@admin.register(OutboxEmail)
class OutboxEmailAdmin(SuperusersOnly):
    list_display = ["pk", "subject", "recipient", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status"]
    exclude = ["body"]
