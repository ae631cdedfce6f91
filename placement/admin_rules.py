"""Django admin for rule tables: for rule administrators (and superusers) only.

Drafts are edited inline with validation; published and retired versions are read-only. Extra
views: clone into a draft, verify, impact preview, publish, export and import."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from placement.models import (
    Condition,
    Dimension,
    Flag,
    ImmutableRuleSetError,
    Level,
    Modifier,
    Question,
    Rule,
    RuleSet,
    RuleSetStatus,
)
from placement.rule_scope import programs_using_rule_set
from placement.rules.errors import RuleSetError
from placement.rules.model import ANY_LEVEL
from placement.rules.serialize import LEVEL_FIELDS
from placement.ruleset_io import conditions_data, parse_code
from placement.services import (
    RuleSetWorkflowError,
    rule_set_clone,
    rule_set_export,
    rule_set_import,
    rule_set_is_verified,
    rule_set_problems,
    rule_set_publish,
    rule_set_verify,
)

DEFAULTS_NOTE = (
    "The default rule set is a starting configuration built from publicly documented "
    "structure, in our own words. Review every rule against your program's licensed copy of "
    "The ASAM Criteria and your state's rules before publishing it for clinical use."
)


# -- helpers ---------------------------------------------------------------------------------


def posted_codes(data, prefix: str, *fields: str) -> list[tuple] | None:
    """The (field, ...) values of the rows of another inline formset in the same POST (rows
    marked for deletion left out), or None when that formset was not posted."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return None
    rows = []
    for i in range(total):
        if data.get(f"{prefix}-{i}-DELETE"):
            continue
        values = tuple((data.get(f"{prefix}-{i}-{f}") or "").strip() for f in fields)
        if values[0]:
            rows.append(values)
    return rows


def scale_of(text: str) -> list:
    return [parse_code(x) for x in text.split(",") if x.strip()]


class DraftOnlyInline:
    """Inline rows are editable only while the parent rule set is a draft."""

    def _editable(self, request, obj) -> bool:
        rule_set = obj if isinstance(obj, RuleSet) else getattr(obj, "rule_set", None)
        return rule_set is None or rule_set.status == RuleSetStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


class DraftOnlyHistory:
    """simple-history's "revert to this version" form: a POST on a rule set that is no longer
    a draft (or a rule of one) is refused with the reason, never a server error."""

    def _rule_set_of(self, obj):
        return obj if isinstance(obj, RuleSet) else getattr(obj, "rule_set", None)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        back = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
            args=[object_id],
        )
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            rule_set = self._rule_set_of(obj) if obj is not None else None
            if rule_set is not None and rule_set.status != RuleSetStatus.DRAFT:
                messages.error(
                    request,
                    f"{rule_set.label} is {rule_set.get_status_display().lower()}: nothing was "
                    "changed. Clone it into a draft to change it.",
                )
                return HttpResponseRedirect(back)
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except ImmutableRuleSetError as exc:
            messages.error(request, f"Nothing was changed: {exc.message}")
            return HttpResponseRedirect(back)


# -- inline formsets with cross-checks -------------------------------------------------------


class DuplicateCodeFormSet(forms.BaseInlineFormSet):
    code_field = "code"
    what = "code"

    def clean(self):
        # Our message first: Django's own unique check stops at the first duplicate with a
        # generic message.
        seen: dict[str, int] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data.get(self.code_field)
            if not code:
                continue
            if code in seen:
                form.add_error(
                    self.code_field, f"The {self.what} {code} is already used in this rule set."
                )
            seen[code] = 1
        super().clean()


class DimensionForm(forms.ModelForm):
    class Meta:
        model = Dimension
        fields = ["code", "name", "order", "scale", "anchors"]
        widgets = {"anchors": forms.Textarea(attrs={"rows": 3, "cols": 40})}

    def clean_scale(self):
        scale = scale_of(self.cleaned_data["scale"])
        if not scale:
            raise ValidationError("Give at least one rating code.")
        if len(set(scale)) != len(scale):
            raise ValidationError("A rating code appears twice.")
        return ",".join(str(x) for x in scale)

    def clean(self):
        cleaned = super().clean()
        anchors = [a for a in (cleaned.get("anchors") or "").splitlines() if a.strip()]
        scale = scale_of(cleaned.get("scale") or "")
        if anchors and scale and len(anchors) != len(scale):
            self.add_error("anchors", f"Give one line per rating ({len(scale)} lines).")
        return cleaned


class DimensionFormSet(DuplicateCodeFormSet):
    what = "dimension code"


class LevelForm(forms.ModelForm):
    class Meta:
        model = Level
        fields = list(LEVEL_FIELDS)
        widgets = {f: forms.Textarea(attrs={"rows": 2, "cols": 30}) for f in ("setting", "suits")}


class LevelFormSet(DuplicateCodeFormSet):
    what = "level code"

    def clean(self):
        super().clean()
        ranks: dict[tuple, str] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or data.get("rank") is None:
                continue
            key = (data.get("track"), data["rank"])
            if key in ranks:
                form.add_error(
                    "rank", f"{ranks[key]} already has order {data['rank']} on this track."
                )
            ranks[key] = data.get("code")


class FlagFormSet(DuplicateCodeFormSet):
    what = "flag"


class ModifierFormSet(DuplicateCodeFormSet):
    what = "modifier"


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "code",
            "label",
            "type",
            "step",
            "order",
            "required",
            "min_value",
            "max_value",
            "choices",
            "help_text",
            "source",
        ]
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 3, "cols": 30}),
            "help_text": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }

    def clean(self):
        cleaned = super().clean()
        lo, hi = cleaned.get("min_value"), cleaned.get("max_value")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("max_value", "The maximum is below the minimum.")
        if cleaned.get("type") in ("choice", "multichoice"):
            lines = [x for x in (cleaned.get("choices") or "").splitlines() if x.strip()]
            if not lines:
                self.add_error("choices", "A list question needs choices, one per line.")
            elif any("|" not in x for x in lines):
                self.add_error("choices", "Write each choice as: value | label")
        return cleaned


class QuestionFormSet(DuplicateCodeFormSet):
    what = "question code"


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "rule_id",
            "kind",
            "order",
            "track",
            "level",
            "from_level",
            "modifier",
            "dimension",
            "rating",
            "flag",
            "text",
            "note",
        ]

    REQUIRED = {
        "placement": ("track", "level"),
        "substitution": ("track", "from_level", "level"),
        "modifier": ("modifier",),
        "rating": ("dimension", "rating"),
        "flag": ("flag",),
    }

    def clean(self):
        cleaned = super().clean()
        for field in self.REQUIRED.get(cleaned.get("kind"), ()):
            if not cleaned.get(field):
                self.add_error(field, f"A {cleaned['kind']} rule needs this.")
        return cleaned


class RuleFormSet(DuplicateCodeFormSet):
    code_field = "rule_id"
    what = "rule ID"

    def clean(self):
        super().clean()
        rule_set = self.instance
        levels = posted_codes(self.data, "levels", "code", "track")
        if levels is None:
            levels = list(rule_set.levels.values_list("code", "track"))
        dims = posted_codes(self.data, "dimensions", "code", "scale")
        if dims is None:
            dims = list(rule_set.dimensions.values_list("code", "scale"))
        scales = {code: scale_of(scale) for code, scale in dims}
        flags = {c for (c,) in (posted_codes(self.data, "flags", "code") or [])} or set(
            rule_set.flags.values_list("code", flat=True)
        )
        modifiers = {c for (c,) in (posted_codes(self.data, "modifiers", "code") or [])} or set(
            rule_set.modifiers.values_list("code", flat=True)
        )
        by_track: dict[str, set] = {}
        for code, track in levels:
            by_track.setdefault(track, set()).add(code)
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            kind = data.get("kind")
            track = data.get("track")
            if kind in ("placement", "substitution"):
                if track and track not in by_track:
                    form.add_error("track", f"No level belongs to a track called '{track}'.")
                for field in ("level", "from_level") if kind == "substitution" else ("level",):
                    code = data.get(field)
                    if field == "from_level" and code == ANY_LEVEL:
                        continue  # "*": a substitution from any level
                    if code and track in by_track and code not in by_track[track]:
                        form.add_error(field, f"Unknown level '{code}' on the {track} track.")
            if kind == "modifier" and data.get("modifier") not in modifiers:
                form.add_error("modifier", f"Unknown modifier '{data.get('modifier')}'.")
            if kind == "flag" and data.get("flag") not in flags:
                form.add_error("flag", f"Unknown flag '{data.get('flag')}'.")
            if kind == "rating":
                dim = data.get("dimension")
                if dim not in scales:
                    form.add_error("dimension", f"Unknown dimension '{dim}'.")
                elif parse_code(data.get("rating") or "") not in scales[dim]:
                    form.add_error("rating", f"Not a rating on the {dim} scale.")


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = [
            "order",
            "any_group",
            "kind",
            "dimension",
            "low",
            "high",
            "flag",
            "flag_value",
            "count",
            "dimensions",
            "minimum",
            "question",
            "op",
            "value",
        ]


class ConditionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        rule = self.instance
        rule_set = rule.rule_set
        scales = {d.code: scale_of(d.scale) for d in rule_set.dimensions.all()}
        flags = set(rule_set.flags.values_list("code", flat=True))
        questions = set(rule_set.questions.values_list("code", flat=True))
        answers_only = rule.kind in ("rating", "flag")
        from placement.rules.model import ANSWER_OPS

        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            kind = data.get("kind")
            if answers_only and kind != "answer":
                form.add_error("kind", "Rating and flag rules can only test intake answers.")
                continue
            if not answers_only and kind == "answer":
                form.add_error("kind", "Placement rules test ratings and flags, not answers.")
                continue
            if kind == "rating":
                dim = data.get("dimension")
                if dim not in scales:
                    form.add_error("dimension", f"Unknown dimension '{dim}'.")
                    continue
                lo, hi = parse_code(data.get("low") or ""), parse_code(data.get("high") or "")
                scale = scales[dim]
                if lo not in scale:
                    form.add_error("low", f"Not a rating on the {dim} scale.")
                elif hi not in scale:
                    form.add_error("high", f"Not a rating on the {dim} scale.")
                elif scale.index(lo) > scale.index(hi):
                    form.add_error(
                        "high", f"The range {lo}-{hi} is inverted: the low end is above the high."
                    )
            elif kind == "flag":
                if data.get("flag") not in flags:
                    form.add_error("flag", f"Unknown flag '{data.get('flag')}'.")
            elif kind == "at_least":
                listed = [c.strip() for c in (data.get("dimensions") or "").split(",") if c.strip()]
                unknown = [c for c in listed if c not in scales]
                if not listed or unknown:
                    form.add_error(
                        "dimensions",
                        f"Unknown dimension '{unknown[0]}'." if unknown else "List dimensions.",
                    )
                    continue
                count = data.get("count") or 0
                if not 1 <= count <= len(listed):
                    form.add_error(
                        "count",
                        f"Give a number from 1 to {len(listed)} (an empty range otherwise).",
                    )
                minimum = parse_code(data.get("minimum") or "")
                if any(minimum not in scales[c] for c in listed):
                    form.add_error("minimum", "Not a rating on every listed dimension's scale.")
            elif kind == "answer":
                op = data.get("op")
                if op not in ANSWER_OPS:
                    form.add_error("op", f"Choose one of: {', '.join(ANSWER_OPS)}.")
                if (
                    op not in ("age_under", "age_at_least")
                    and data.get("question") not in questions
                ):
                    form.add_error("question", f"Unknown question '{data.get('question')}'.")


# -- inlines ---------------------------------------------------------------------------------


class DimensionInline(DraftOnlyInline, admin.TabularInline):
    model = Dimension
    form = DimensionForm
    formset = DimensionFormSet
    extra = 0


class LevelInline(DraftOnlyInline, admin.StackedInline):
    model = Level
    form = LevelForm
    formset = LevelFormSet
    extra = 0
    classes = ["collapse"]


class FlagInline(DraftOnlyInline, admin.TabularInline):
    model = Flag
    formset = FlagFormSet
    fields = ["code", "description"]
    extra = 0


class ModifierInline(DraftOnlyInline, admin.TabularInline):
    model = Modifier
    formset = ModifierFormSet
    fields = ["code", "name", "description", "emergency"]
    extra = 0


class QuestionInline(DraftOnlyInline, admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    classes = ["collapse"]


class RuleInline(DraftOnlyInline, admin.TabularInline):
    model = Rule
    form = RuleForm
    formset = RuleFormSet
    extra = 0
    readonly_fields = ["conditions_link"]
    fields = [
        "rule_id",
        "kind",
        "order",
        "track",
        "level",
        "from_level",
        "modifier",
        "dimension",
        "rating",
        "flag",
        "text",
        "note",
        "conditions_link",
    ]

    @admin.display(description="conditions")
    def conditions_link(self, rule):
        if not rule.pk:
            return "save first"
        from placement.rules import serialize
        from placement.rules.describe import describe_when

        reader = serialize._Reader()
        when = [
            serialize.condition_from_data(c, rule.rule_id, reader)
            for c in conditions_data(rule.conditions.all())
        ]
        text = describe_when([c for c in when if c is not None])
        url = reverse("admin:placement_rule_change", args=[rule.pk])
        return format_html('<a href="{}">{}</a>', url, text)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("conditions")


class ConditionInline(DraftOnlyInline, admin.TabularInline):
    model = Condition
    form = ConditionForm
    formset = ConditionFormSet
    extra = 1

    def _editable(self, request, obj) -> bool:
        return obj is None or obj.rule_set.status == RuleSetStatus.DRAFT


# -- rule sets -------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A YAML or JSON file exported from Stepwise.")

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 2_000_000:
            raise ValidationError("The file is larger than 2 MB.")
        try:
            return f.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text.") from None


@admin.register(RuleSet)
class RuleSetAdmin(DraftOnlyHistory, SimpleHistoryAdmin):
    list_display = ["name", "version", "edition", "status", "verified", "published_at"]
    list_filter = ["status", "name"]
    readonly_fields = [
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
    fields = [*RuleSet.CONTENT_FIELDS, *readonly_fields]
    inlines = [
        DimensionInline,
        LevelInline,
        FlagInline,
        ModifierInline,
        QuestionInline,
        RuleInline,
    ]
    change_form_template = "admin/placement/ruleset/change_form.html"
    change_list_template = "admin/placement/ruleset/change_list.html"

    @admin.display(boolean=True)
    def verified(self, obj):
        if obj.status != RuleSetStatus.DRAFT:
            return obj.status == RuleSetStatus.PUBLISHED or None
        return bool(obj.verified_at and obj.verification.get("ok"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["name", "version", *self.readonly_fields]
        return self.readonly_fields

    def has_module_permission(self, request):
        # Rule administrators use the rule editor (/rules/); admin is a superuser's raw view.
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        if obj is not None and obj.status != RuleSetStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        if obj is not None and obj.status != RuleSetStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            from placement.services.rulesets import _next_version

            obj.version = obj.version or _next_version(obj.name)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        self._report_problems(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._report_problems(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _report_problems(self, request, obj):
        for problem in rule_set_problems(rule_set=obj)[:20]:
            messages.warning(request, f"To fix before verifying: {problem}")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "defaults_note": DEFAULTS_NOTE}
        if object_id:
            obj = self.get_object(request, object_id)
            if obj is not None:
                extra_context["rule_set_obj"] = obj
                extra_context["is_verified"] = (
                    rule_set_is_verified(rule_set=obj) if obj.is_draft else None
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "defaults_note": DEFAULTS_NOTE}
        return super().changelist_view(request, extra_context)

    # -- extra views -------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="placement_ruleset_import"),
            path("<int:pk>/clone/", wrap(self.clone_view), name="placement_ruleset_clone"),
            path("<int:pk>/verify/", wrap(self.verify_view), name="placement_ruleset_verify"),
            path("<int:pk>/publish/", wrap(self.publish_view), name="placement_ruleset_publish"),
            path("<int:pk>/export/", wrap(self.export_view), name="placement_ruleset_export"),
            path("<int:pk>/impact/", wrap(self.impact_view), name="placement_ruleset_impact"),
            path(
                "impact/<int:job_id>/",
                wrap(self.impact_job_view),
                name="placement_ruleset_impact_job",
            ),
            *super().get_urls(),
        ]

    def _require(self, request, action: str) -> None:
        if not request.user.is_superuser:
            raise PermissionDenied

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": extra.pop("title", str(obj)),
            "defaults_note": DEFAULTS_NOTE,
            **extra,
        }

    def clone_view(self, request, pk):
        self._require(request, "add")
        source = get_object_or_404(RuleSet, pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:placement_ruleset_change", args=[pk]))
        draft = rule_set_clone(rule_set=source, user=request.user)
        messages.success(request, f"Created draft {draft.label} from {source.label}.")
        return HttpResponseRedirect(reverse("admin:placement_ruleset_change", args=[draft.pk]))

    def verify_view(self, request, pk):
        """Verifying a draft stamps it (a record): POST only."""
        self._require(request, "view")
        obj = get_object_or_404(RuleSet, pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if obj.is_draft:
            self._require(request, "change")
        found, report = rule_set_verify(rule_set=obj, user=request.user)
        return TemplateResponse(
            request,
            "admin/placement/ruleset/verify.html",
            self._context(request, obj, title=f"Verify {obj.label}", problems=found, report=report),
        )

    def publish_view(self, request, pk):
        self._require(request, "change")
        obj = get_object_or_404(RuleSet, pk=pk)
        if request.method == "POST":
            try:
                rule_set_publish(rule_set=obj, user=request.user)
            except RuleSetWorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, f"Published {obj.label}; the previous version is retired."
                )
            return HttpResponseRedirect(reverse("admin:placement_ruleset_change", args=[pk]))
        current = RuleSet.objects.filter(name=obj.name, status=RuleSetStatus.PUBLISHED).first()
        return TemplateResponse(
            request,
            "admin/placement/ruleset/publish.html",
            self._context(
                request,
                obj,
                title=f"Publish {obj.label}",
                current=current,
                is_verified=rule_set_is_verified(rule_set=obj) if obj.is_draft else False,
                programs=programs_using_rule_set(name=obj.name),
            ),
        )

    def export_view(self, request, pk):
        self._require(request, "view")
        obj = get_object_or_404(RuleSet, pk=pk)
        fmt = "json" if request.GET.get("format") == "json" else "yaml"
        response = HttpResponse(
            rule_set_export(rule_set=obj, fmt=fmt),
            content_type="application/json" if fmt == "json" else "application/yaml",
        )
        response["Content-Disposition"] = f'attachment; filename="{obj.name}-v{obj.version}.{fmt}"'
        return response

    def import_view(self, request):
        self._require(request, "add")
        form = ImportForm(request.POST or None, request.FILES or None)
        problems: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                draft = rule_set_import(text=form.cleaned_data["file"], user=request.user)
            except RuleSetError as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Imported as draft {draft.label}.")
                return HttpResponseRedirect(
                    reverse("admin:placement_ruleset_change", args=[draft.pk])
                )
        return TemplateResponse(
            request,
            "admin/placement/ruleset/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Import a rule set",
                "form": form,
                "problems": problems,
                "defaults_note": DEFAULTS_NOTE,
            },
        )

    def impact_view(self, request, pk):
        """Starting a preview records something (the job, an audit entry): POST only."""
        from placement.impact import ImpactScopeError, impact_start

        self._require(request, "view")
        obj = get_object_or_404(RuleSet, pk=pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            job = impact_start(rule_set=obj, user=request.user)
        except ImpactScopeError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:placement_ruleset_change", args=[pk]))
        return HttpResponseRedirect(reverse("admin:placement_ruleset_impact_job", args=[job.pk]))

    def impact_job_view(self, request, job_id):
        from placement.impact import impact_job_for_user
        from placement.models import ImpactJob

        self._require(request, "view")
        try:
            job = impact_job_for_user(user=request.user, job_id=job_id)
        except ImpactJob.DoesNotExist:
            raise Http404 from None
        template = (
            "admin/placement/ruleset/impact_progress.html"
            if request.headers.get("HX-Request")
            else "admin/placement/ruleset/impact.html"
        )
        return TemplateResponse(
            request,
            template,
            self._context(request, job.rule_set, title=f"Impact of {job.rule_set.label}", job=job),
        )


@admin.register(Rule)
class RuleAdmin(DraftOnlyHistory, SimpleHistoryAdmin):
    """Editing one rule's conditions (reached from the rule set page)."""

    form = RuleForm
    inlines = [ConditionInline]
    list_display = ["rule_id", "rule_set", "kind", "track", "level", "text"]
    list_filter = ["rule_set", "kind"]

    def has_module_permission(self, request):
        return False  # reached through a rule set

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        if obj is not None and obj.rule_set.status != RuleSetStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not request.user.is_superuser:
            return False
        if obj is not None and obj.rule_set.status != RuleSetStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request):
        return False  # rules are added on the rule set page

    def response_change(self, request, obj):
        return HttpResponseRedirect(
            reverse("admin:placement_ruleset_change", args=[obj.rule_set_id])
        )
