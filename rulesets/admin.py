"""Django admin for rule tables: a superuser's read-only view.

Rule sets are changed in one place, the rule editor (/rules/), which checks every row, keeps
drafts apart from published versions and records who did what. Here a superuser can look at
every table of every version, follow a link to the same version in the editor, and read the
row history; nothing can be added, changed, deleted or reverted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from rulesets.models import (
    Condition,
    Dimension,
    Flag,
    Level,
    Modifier,
    Question,
    Rule,
    RuleSet,
    RuleSetStatus,
)

DEFAULTS_NOTE = (
    "The default rule set is a starting configuration built from publicly documented "
    "structure, in our own words. Review every rule against your program's licensed copy of "
    "The ASAM Criteria and your state's rules before publishing it for clinical use."
)
READ_ONLY_NOTE = (
    "Read-only. Rule sets are edited, tested, verified and published in the rule editor, "
    "the one place where they change."
)


class ReadOnly:
    """Superusers may look; nobody may add, change or delete here."""

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


class ReadOnlyHistory:
    """simple-history's "revert to this version" form: a POST is refused with the reason,
    never applied and never a server error."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            messages.error(
                request,
                "Rule tables are read-only here: nothing was changed. Make a draft in the rule "
                "editor to change them.",
            )
            back = reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
                args=[object_id],
            )
            return HttpResponseRedirect(back)
        return super().history_form_view(request, object_id, version_id, extra_context)


class RowsInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("id", "rule_set")]


class DimensionInline(RowsInline):
    model = Dimension


class LevelInline(RowsInline):
    model = Level
    classes = ["collapse"]


class FlagInline(RowsInline):
    model = Flag


class ModifierInline(RowsInline):
    model = Modifier


class QuestionInline(RowsInline):
    model = Question
    classes = ["collapse"]


class RuleInline(RowsInline):
    model = Rule
    fields = readonly_fields = ["rule_link", "kind", "order", "track", "level", "text"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description="rule")
    def rule_link(self, rule):
        url = reverse("admin:rulesets_rule_change", args=[rule.pk])
        return format_html('<a href="{}">{}</a>', url, rule.rule_id)


class ConditionInline(RowsInline):
    model = Condition

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("id", "rule")]


def editor_url(rule_set: RuleSet) -> str:
    return reverse("rules:version", args=[rule_set.name, rule_set.version])


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnly, ReadOnlyHistory, SimpleHistoryAdmin):
    list_display = ["name", "version", "edition", "status", "verified", "published_at", "editor"]
    list_filter = ["status", "name"]
    inlines = [
        DimensionInline,
        LevelInline,
        FlagInline,
        ModifierInline,
        QuestionInline,
        RuleInline,
    ]
    change_form_template = "admin/rulesets/ruleset/change_form.html"
    change_list_template = "admin/rulesets/ruleset/change_list.html"

    def get_fields(self, request, obj=None):
        return [*RuleSet.CONTENT_FIELDS, *self._record_fields]

    _record_fields = [
        "status",
        "cloned_from",
        "verified_at",
        "verified_by",
        "published_at",
        "published_by",
        "retired_at",
        "created_at",
        "created_by",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(boolean=True)
    def verified(self, obj):
        if obj.status != RuleSetStatus.DRAFT:
            return obj.status == RuleSetStatus.PUBLISHED or None
        return bool(obj.verified_at and obj.verification.get("ok"))

    @admin.display(description="rule editor")
    def editor(self, obj):
        return format_html('<a href="{}">Open {}</a>', editor_url(obj), obj.label)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"defaults_note": DEFAULTS_NOTE, "read_only_note": READ_ONLY_NOTE}
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra["editor_url"] = editor_url(obj)
        return super().changeform_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )

    def changelist_view(self, request, extra_context=None):
        extra = {"defaults_note": DEFAULTS_NOTE, "read_only_note": READ_ONLY_NOTE}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


@admin.register(Rule)
class RuleAdmin(ReadOnly, ReadOnlyHistory, SimpleHistoryAdmin):
    """One rule with its conditions (reached from its rule set's page)."""

    inlines = [ConditionInline]
    list_display = ["rule_id", "rule_set", "kind", "track", "level", "text"]
    list_filter = ["rule_set", "kind"]
    change_form_template = "admin/rulesets/rule/change_form.html"

    def has_module_permission(self, request):
        return False  # reached through a rule set

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "id"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra = {"read_only_note": READ_ONLY_NOTE}
        obj = self.get_object(request, object_id) if object_id else None
        if obj is not None:
            extra["editor_url"] = reverse(
                "rules:rule_edit", args=[obj.rule_set.name, obj.rule_set.version, obj.rule_id]
            )
        return super().changeform_view(
            request, object_id, form_url, {**extra, **(extra_context or {})}
        )
