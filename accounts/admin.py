from django.contrib import admin

from .editions import edition_plan
from .models import Membership, Program
from .services import membership_grant, membership_revoke


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Programs and memberships decide who sees which patients: superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(SuperuserOnlyAdmin):
    list_display = [
        "name",
        "code",
        "edition",
        "edition_plan",
        "phone",
        "review_target_hours",
        "require_2fa_for_clinicians",
    ]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]
    readonly_fields = ["edition_plan"]

    @admin.display(description="ASAM Criteria edition of new assessments")
    def edition_plan(self, obj) -> str:
        return edition_plan(obj) if obj and obj.pk else "-"

    def save_formset(self, request, form, formset, change):
        # Memberships go through the service so that groups and staff status follow.
        memberships = formset.save(commit=False)
        for removed in formset.deleted_objects:
            membership_revoke(user=removed.user, program=removed.program, role=removed.role)
        for membership in memberships:
            if membership.pk:
                old = Membership.objects.get(pk=membership.pk)
                membership_revoke(user=old.user, program=old.program, role=old.role)
            membership_grant(user=membership.user, program=form.instance, role=membership.role)
