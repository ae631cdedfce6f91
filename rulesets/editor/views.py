"""Rule-set pages under /rules/: the release notes of a version (every member of staff), and
the rule administrators' editor - decision tables in plain words, inline row editing with a
condition builder, catalogs, test cases, verification, compare, publish, spreadsheets.
Everything that records something is a POST; a published or retired version is refused on
the server, whatever the page showed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import user_has_role
from engine import MAX_FILE_BYTES, RuleSetError
from rulesets.models import Rule, RuleSet, RuleSetStatus
from rulesets.scope import is_network_rule_admin, programs_using_rule_set, publish_refusal
from rulesets.services import (
    RuleSetWorkflowError,
    is_usable_name,
    rule_set_clone,
    rule_set_export,
    rule_set_is_verified,
    rule_set_problems,
    rule_set_publish,
    rule_set_test_results,
    rule_set_verify,
)
from rulesets.services.editing import (
    RuleEditError,
    dimension_save,
    level_save,
    question_save,
    rule_row_delete,
    rule_row_move,
    rule_row_save,
    test_case_add,
    test_case_delete,
)

from . import forms as f
from .selectors import (
    impact_for_user,
    ownership,
    replaced_version,
    rule_set_diff,
    rule_set_get,
    version_tables,
)

DEFAULTS_NOTE = (
    "The default rule set is a starting configuration built from publicly documented "
    "structure, in our own words. Review every rule against your program's licensed copy of "
    "The ASAM Criteria and your state's rules before publishing it for clinical use."
)
KINDS = ("placement", "substitution", "modifier", "rating", "flag", "need", "determination")


def changes(request, name: str, version: int):
    """Release notes of one version: what changed, rule by rule, since the version it
    replaced, why (with the sources), and what it means for the programs' stored
    assessments (counts only). For every signed-in member of staff."""
    new = rule_set_get(name=name, version=version)
    old = replaced_version(new)
    context = {"rule_set": new, "previous": old, "diff": None, "impact": None}
    if old is not None:
        context["diff"] = rule_set_diff(old, new)
        context["impact"] = impact_for_user(user=request.user, old=old, new=new)
    return render(request, "rules/changes.html", context)


# -- helpers -----------------------------------------------------------------------------------


def _require_rule_admin(user) -> None:
    if not (
        user_has_role(user=user, role=Role.RULE_ADMIN) or is_network_rule_admin(user)
    ):  # superusers are network rule administrators
        raise PermissionDenied("The rule editor is for rule administrators.")


def _draft(name: str, version: int) -> RuleSet:
    """A version that may be changed; anything else is refused here, on the server."""
    rule_set = rule_set_get(name=name, version=version)
    if rule_set.status != RuleSetStatus.DRAFT:
        raise PermissionDenied(
            f"{rule_set.label} is {rule_set.get_status_display().lower()}: clone it into a draft "
            "to change it."
        )
    return rule_set


def _catalogs(rule_set: RuleSet) -> f.Catalogs:
    from engine import serialize
    from rulesets.rows import rule_set_to_data

    data = rule_set_to_data(rule_set)
    data = {**data, "rules": []}  # the catalogs stand even when a rule is broken
    catalogs = f.Catalogs(serialize.from_data(data, version=rule_set.version))
    # Whether the version decides from needs is a fact of its rules, read without them.
    catalogs.determines = rule_set.rules.filter(kind="need").exists()
    return catalogs


def _version_url(rule_set: RuleSet, anchor: str = "") -> str:
    url = reverse("rules:version", args=[rule_set.name, rule_set.version])
    return f"{url}#{anchor}" if anchor else url


def _context(rule_set: RuleSet, **extra) -> dict:
    return {"rule_set": rule_set, "defaults_note": DEFAULTS_NOTE, **extra}


# -- rule sets and versions ------------------------------------------------------------------


def rule_sets(request):
    _require_rule_admin(request.user)
    by_name: dict[str, list] = {}
    unusable: list[RuleSet] = []
    for rs in RuleSet.objects.select_related("published_by").order_by("name", "-version"):
        if is_usable_name(rs.name):
            by_name.setdefault(rs.name, []).append(rs)
        else:  # stored before names were checked: listed, never linked (no address fits it)
            rs.shown_name = ascii(rs.name)[1:-1][:80]
            unusable.append(rs)
    from accounts.models import Program

    owners: dict[str, str] = {}
    for program_name, set_name in (
        Program.objects.filter(rule_sets__name__in=by_name)
        .values_list("name", "rule_sets__name")
        .distinct()
        .order_by("name")
    ):
        owners[set_name] = (
            f"{owners[set_name]}, {program_name}" if set_name in owners else program_name
        )
    sets = [
        {
            "name": name,
            "versions": versions,
            "owner": f"Variant for {owners[name]}"
            if name in owners
            else ("Network default" if versions[0].is_network_default else "Not used by a program"),
        }
        for name, versions in by_name.items()
    ]
    return render(
        request,
        "rules/list.html",
        {"sets": sets, "unusable": unusable, "defaults_note": DEFAULTS_NOTE},
    )


def version(request, name: str, version: int):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    filters = {k: request.GET.get(k, "").strip()[:60] for k in ("dimension", "level", "text")}
    tables, _engine, _data = version_tables(rule_set, **filters)
    results = rule_set_test_results(rule_set=rule_set)
    catalogs = _catalogs(rule_set)
    return render(
        request,
        "rules/version.html",
        _context(
            rule_set,
            tables=tables,
            filters=filters,
            dimensions=catalogs.dimensions,
            levels=catalogs.levels,
            problems=rule_set_problems(rule_set=rule_set) if rule_set.is_draft else [],
            results=results,
            failing=[r for r in results if not r.passed],
            is_verified=rule_set_is_verified(rule_set=rule_set) if rule_set.is_draft else None,
            previous=replaced_version(rule_set),
            others=RuleSet.objects.filter(name=name).exclude(pk=rule_set.pk).order_by("-version"),
            **ownership(user=request.user, rule_set=rule_set),
        ),
    )


@require_POST
def clone(request, name: str, version: int):
    _require_rule_admin(request.user)
    source = rule_set_get(name=name, version=version)
    draft = rule_set_clone(rule_set=source, user=request.user)
    messages.success(request, f"Created draft {draft.label} from {source.label}.")
    return redirect(_version_url(draft))


@require_POST
def make_variant(request, name: str, version: int):
    """A program variant of this version: a new rule set for the programs chosen (among those
    the rule administrator administers), a draft to edit, test and publish for them only."""
    from accounts.models import Program
    from rulesets.services import RuleSetWorkflowError, rule_set_make_variant

    _require_rule_admin(request.user)
    source = rule_set_get(name=name, version=version)
    chosen = Program.objects.filter(
        pk__in=[p for p in request.POST.getlist("programs") if p.isdigit()]
    )
    try:
        draft = rule_set_make_variant(
            rule_set=source,
            user=request.user,
            name=request.POST.get("variant_name", "").strip()[:60],
            programs=chosen,
        )
    except RuleSetWorkflowError as exc:
        messages.error(request, str(exc))
        return redirect(_version_url(source, "variant"))
    programs = ", ".join(p.name for p in draft.programs.order_by("name"))
    messages.success(
        request, f"Created the variant {draft.label} of {source.label} for {programs}."
    )
    return redirect(_version_url(draft))


# -- one rule ----------------------------------------------------------------------------------


def _rule_forms(
    rule_set, kind, data=None, rule: Rule | None = None, extra_condition=False, track=""
):
    from rulesets.rows import rule_data

    catalogs = _catalogs(rule_set)
    taken = set(rule_set.rules.values_list("rule_id", flat=True))
    initial, cond_initial = ({"track": track} if track else {}), []
    if rule is not None:
        taken.discard(rule.rule_id)
        item = rule_data(rule, rule.conditions.order_by("order", "id"))
        initial = {k: v for k, v in item.items() if k not in ("when", "to_level")}
        initial["rule_id"] = rule.rule_id
        if kind == "substitution":
            initial["level"] = item["to_level"]
        cond_initial = f.condition_initial(item["when"])
    form = f.RuleForm(data, kind=kind, catalogs=catalogs, taken=taken, initial=initial)
    conditions = f.ConditionFormSet(
        data,
        prefix="cond",
        initial=cond_initial,
        catalogs=catalogs,
        answers_only=kind in ("rating", "flag"),
    )
    if extra_condition:
        conditions = _with_one_more(conditions, data, catalogs, kind)
    return form, conditions


def _with_one_more(conditions, data, catalogs, kind):
    """The same condition rows plus an empty one ("Add a condition")."""
    data = data.copy()
    total = int(data.get("cond-TOTAL_FORMS", "0") or 0)
    data["cond-TOTAL_FORMS"] = str(total + 1)
    data[f"cond-{total}-kind"] = "answer" if kind in ("rating", "flag") else "rating"
    fresh = f.ConditionFormSet(
        data, prefix="cond", catalogs=catalogs, answers_only=kind in ("rating", "flag")
    )
    fresh.adding = True
    return fresh


def _rule_page(request, rule_set, form, conditions, rule=None, kind="", status=200):
    history = []
    if rule is not None and rule.pk:
        history = list(rule.history.select_related("history_user").order_by("-history_date")[:20])
    context = _context(
        rule_set,
        form=form,
        conditions=conditions,
        rule=rule,
        kind=kind or rule.kind,
        history=history,
    )
    if request.htmx:
        # The inline form comes back with its errors as the swap's content: a 200, so the
        # browser's console does not report a failed request for a form to correct.
        return render(request, "rules/_rule_form.html", context)
    return render(request, "rules/rule_edit.html", context, status=status)


def _save_rule(request, rule_set, kind, rule: Rule | None):
    data = request.POST
    if "add_condition" in data:
        form, conditions = _rule_forms(rule_set, kind, data, rule, extra_condition=True)
        form.is_valid()
        return _rule_page(request, rule_set, form, conditions, rule, kind)
    form, conditions = _rule_forms(rule_set, kind, data, rule)
    valid = form.is_valid() & conditions.is_valid()
    if valid:
        try:
            saved = rule_row_save(
                rule_set=rule_set, rule=rule, fields=form.rule_fields(), when=conditions.when()
            )
        except RuleEditError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            return _saved(request, rule_set, saved)
    return _rule_page(request, rule_set, form, conditions, rule, kind, status=400)


def _saved(request, rule_set, rule):
    tables, _engine, _ = version_tables(rule_set, text=rule.rule_id)
    row = next((r for t in tables for r in t["rows"] if r["id"] == rule.rule_id), None)
    sentence = row["sentence"] if row else rule.text
    message = f"Saved {rule.rule_id}: {sentence}."
    if request.htmx and row is not None:
        results = rule_set_test_results(rule_set=rule_set)
        return render(
            request,
            "rules/_rule_saved.html",
            _context(
                rule_set,
                row=row,
                message=message,
                results=results,
                failing=[r for r in results if not r.passed],
            ),
        )
    messages.success(request, message)
    return redirect(_version_url(rule_set, f"rule-{rule.rule_id}"))


@require_http_methods(["GET", "POST"])
def rule_edit(request, name: str, version: int, rule_id: str):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    rule = Rule.objects.filter(rule_set=rule_set, rule_id=rule_id).first()
    if rule is None:
        raise Http404("No such rule.")
    if request.method == "POST":
        rule_set = _draft(name, version)
        return _save_rule(request, rule_set, rule.kind, rule)
    if not rule_set.is_draft:
        # A published rule: its history and sentence only.
        return render(
            request,
            "rules/rule_view.html",
            _context(
                rule_set,
                rule=rule,
                history=list(
                    rule.history.select_related("history_user").order_by("-history_date")[:20]
                ),
            ),
        )
    form, conditions = _rule_forms(rule_set, rule.kind, rule=rule)
    return _rule_page(request, rule_set, form, conditions, rule)


@require_http_methods(["GET", "POST"])
def rule_new(request, name: str, version: int, kind: str):
    _require_rule_admin(request.user)
    if kind not in KINDS:
        raise Http404
    rule_set = _draft(name, version)
    if request.method == "POST":
        return _save_rule(request, rule_set, kind, None)
    form, conditions = _rule_forms(rule_set, kind, track=request.GET.get("track", "")[:30])
    return _rule_page(request, rule_set, form, conditions, None, kind)


@require_POST
def rule_delete(request, name: str, version: int, rule_id: str):
    _require_rule_admin(request.user)
    rule_set = _draft(name, version)
    rule = Rule.objects.filter(rule_set=rule_set, rule_id=rule_id).first()
    if rule is None:
        raise Http404
    rule_row_delete(rule_set=rule_set, rule=rule)
    messages.success(request, f"Deleted {rule_id}.")
    return redirect(_version_url(rule_set))


@require_POST
def rule_move(request, name: str, version: int, rule_id: str):
    _require_rule_admin(request.user)
    rule_set = _draft(name, version)
    rule = Rule.objects.filter(rule_set=rule_set, rule_id=rule_id).first()
    if rule is None:
        raise Http404
    up = request.POST.get("direction") == "up"
    if rule_row_move(rule_set=rule_set, rule=rule, up=up):
        messages.success(request, f"Moved {rule_id} {'up' if up else 'down'}.")
    return redirect(_version_url(rule_set, f"rule-{rule_id}"))


# -- verify, publish -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request, name: str, version: int):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    problems, report = [], None
    if request.method == "POST":
        problems, report = rule_set_verify(rule_set=rule_set, user=request.user)
    rules = set(rule_set.rules.values_list("rule_id", flat=True))
    return render(
        request,
        "rules/verify.html",
        _context(
            rule_set,
            problems=problems,
            report=report,
            ran=request.method == "POST",
            known_rules=rules,
        ),
    )


@require_http_methods(["GET", "POST"])
def publish(request, name: str, version: int):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    if request.method == "POST":
        try:
            rule_set_publish(rule_set=rule_set, user=request.user)
        except RuleSetWorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("rules:publish", name=name, version=version)
        messages.success(request, f"Published {rule_set.label}; the previous version is retired.")
        return redirect(_version_url(rule_set))
    current = RuleSet.objects.filter(name=name, status=RuleSetStatus.PUBLISHED).first()
    results = rule_set_test_results(rule_set=rule_set)
    programs = programs_using_rule_set(name=name)
    return render(
        request,
        "rules/publish.html",
        _context(
            rule_set,
            current=current,
            results=results,
            failing=[r for r in results if not r.passed],
            is_verified=rule_set_is_verified(rule_set=rule_set) if rule_set.is_draft else False,
            programs=programs,
            refusal=publish_refusal(user=request.user, name=name, programs=programs),
        ),
    )


# -- test cases ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def test_cases(request, name: str, version: int):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    catalogs = _catalogs(rule_set)
    form = f.TestCaseForm(request.POST or None, catalogs=catalogs) if rule_set.is_draft else None
    status = 200
    if request.method == "POST":
        rule_set = _draft(name, version)
        if form.is_valid():
            case = test_case_add(rule_set=rule_set, fields=form.case_fields())
            results = rule_set_test_results(rule_set=rule_set)
            mine = next((r for r in results if r.case.name == case.name), None)
            outcome = "passes" if mine and mine.passed else "fails"
            messages.success(request, f"Added the test case '{case.name}': it {outcome}.")
            return redirect("rules:tests", name=name, version=version)
        status = 400
    results = rule_set_test_results(rule_set=rule_set)
    rows = list(rule_set.ruletestcases.order_by("order", "id"))
    return render(
        request,
        "rules/tests.html",
        _context(
            rule_set, form=form, results=results, cases=list(zip(rows, results, strict=False))
        ),
        status=status,
    )


test_cases.__test__ = False


@require_POST
def test_case_remove(request, name: str, version: int, pk: int):
    _require_rule_admin(request.user)
    rule_set = _draft(name, version)
    case = rule_set.ruletestcases.filter(pk=pk).first()
    if case is None:
        raise Http404
    test_case_delete(rule_set=rule_set, case=case)
    messages.success(request, f"Deleted the test case '{case.name}'.")
    return redirect("rules:tests", name=name, version=version)


# -- catalogs --------------------------------------------------------------------------------


def catalog(request, name: str, version: int):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    return render(
        request,
        "rules/catalog.html",
        _context(
            rule_set,
            levels=rule_set.levels.order_by("track", "rank"),
            dimensions=rule_set.dimensions.order_by("order", "id"),
            questions=rule_set.questions.order_by("step", "order", "id"),
        ),
    )


def _catalog_item(request, rule_set, form, title, status=200):
    return render(
        request,
        "rules/catalog_edit.html",
        _context(rule_set, form=form, title=title),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def level_edit(request, name: str, version: int, code: str):
    _require_rule_admin(request.user)
    rule_set = (
        _draft(name, version)
        if request.method == "POST"
        else rule_set_get(name=name, version=version)
    )
    level = rule_set.levels.filter(code=code).first()
    if level is None:
        raise Http404
    fields = (
        "name",
        "adolescent_name",
        "hours_adult",
        "hours_adolescent",
        "review_days",
        "setting",
        "suits",
        "intensity",
        "crosswalk_3rd",
    )
    form = f.LevelForm(
        request.POST or None,
        initial={k: getattr(level, k) for k in fields},
        fourth_edition=rule_set.edition == "4",
    )
    if request.method == "POST" and form.is_valid():
        level_save(rule_set=rule_set, level=level, data=form.cleaned_data)
        messages.success(request, f"Saved level {code} ({form.cleaned_data['name']}).")
        return redirect("rules:catalog", name=name, version=version)
    return _catalog_item(request, rule_set, form, f"Level {code}", 400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def dimension_edit(request, name: str, version: int, code: str):
    _require_rule_admin(request.user)
    rule_set = (
        _draft(name, version)
        if request.method == "POST"
        else rule_set_get(name=name, version=version)
    )
    dim = rule_set.dimensions.filter(code=code).first()
    if dim is None:
        raise Http404
    scale = [x.strip() for x in dim.scale.split(",") if x.strip()]
    anchors = dim.anchors.splitlines() if dim.anchors else []
    initial = {
        "name": dim.name,
        "short_name": dim.short_name,
        **{f"anchor_{c}": a for c, a in zip(scale, anchors, strict=False)},
    }
    form = f.DimensionForm(request.POST or None, scale=scale, initial=initial)
    if request.method == "POST" and form.is_valid():
        dimension_save(
            rule_set=rule_set,
            dimension=dim,
            name=form.cleaned_data["name"],
            anchors=form.anchors(),
            short_name=form.cleaned_data["short_name"],
        )
        messages.success(request, f"Saved dimension {code} and its rating descriptions.")
        return redirect("rules:catalog", name=name, version=version)
    return _catalog_item(request, rule_set, form, f"Dimension {code}", 400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def question_edit(request, name: str, version: int, code: str):
    _require_rule_admin(request.user)
    rule_set = (
        _draft(name, version)
        if request.method == "POST"
        else rule_set_get(name=name, version=version)
    )
    q = rule_set.questions.filter(code=code).first()
    if q is None:
        raise Http404
    steps = [("substances", "Substances and diagnosis")] + [
        (d.code, f"{d.code} {d.name}") for d in rule_set.dimensions.order_by("order", "id")
    ]
    if q.step not in dict(steps):
        steps.append((q.step, q.step))
    initial = {
        "label": q.label,
        "help_text": q.help_text,
        "step": q.step,
        "order": q.order,
        "required": q.required,
        "choices": q.choices,
    }
    form = f.QuestionForm(request.POST or None, steps=steps, question_type=q.type, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(rule_set=rule_set, question=q, data=dict(form.cleaned_data))
        except RuleEditError as exc:
            form.add_error("choices" if "choices" in form.fields else None, exc.problems[0])
        else:
            messages.success(request, f"Saved the question '{form.cleaned_data['label']}'.")
            return redirect("rules:catalog", name=name, version=version)
    return _catalog_item(request, rule_set, form, f"Question {code}", 400 if form.errors else 200)


# -- compare, export, import -----------------------------------------------------------------


def compare(request, name: str):
    _require_rule_admin(request.user)
    versions = list(RuleSet.objects.filter(name=name).order_by("-version"))
    if not versions:
        raise Http404
    by_number = {rs.version: rs for rs in versions}

    def pick(key, default):
        try:
            return by_number[int(request.GET.get(key, ""))]
        except (ValueError, KeyError):
            return default

    new = pick("b", versions[0])
    old = pick("a", replaced_version(new) or versions[-1])
    other = request.GET.get("a_name", "").strip()[:60]
    if other and other != name:  # a variant against the default it came from, say
        try:
            old = RuleSet.objects.get(name=other, version=int(request.GET.get("a", "")))
        except (ValueError, RuleSet.DoesNotExist):
            raise Http404("No such version to compare with.") from None
    context = {
        "name": name,
        "versions": versions,
        "old": old,
        "new": new,
        "diff": None,
        "impact": None,
        "problem": "",
    }
    try:
        context["diff"] = rule_set_diff(old, new)
        context["impact"] = _impact(request.user, old, new)
    except RuleSetError as exc:
        context["problem"] = "; ".join(exc.problems[:3])
    return render(request, "rules/compare.html", context)


def _impact(user, old, new) -> dict | None:
    """Counts at once for a small preview; None when it is large enough to need a job (the
    page then offers the preview with progress)."""
    from django.conf import settings

    from rulesets.impact import impact_cases, impact_counts, impact_scope

    _, program_ids = impact_scope(user, new)  # the programs publishing ``new`` would change
    cases = impact_cases(all_programs=False, program_ids=program_ids, edition=new.edition).count()
    if cases > settings.STEPWISE_IMPACT_SYNC_LIMIT:
        return None
    return impact_counts(old=old, new=new, program_ids=program_ids)


def export(request, name: str, version: int, fmt: str):
    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    filename = f"{rule_set.name}-v{rule_set.version}.{fmt}"
    if fmt == "xlsx":
        from rulesets.rows import rule_set_to_data
        from rulesets.spreadsheet import workbook_bytes

        body = workbook_bytes(rule_set_to_data(rule_set))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt in ("yaml", "json"):
        body = rule_set_export(rule_set=rule_set, fmt=fmt)
        content_type = "application/json" if fmt == "json" else "application/yaml"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportForm(f.forms.Form):
    file = f.forms.FileField(
        label="Rule-set file",
        help_text="A spreadsheet (.xlsx), YAML or JSON file exported from Stepwise. It becomes "
        "a new draft; nothing in force changes.",
    )


@require_http_methods(["GET", "POST"])
def import_view(request):
    from rulesets.models import RuleSetImport
    from rulesets.services.imports import rule_set_import_file

    _require_rule_admin(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE_BYTES:
                raise RuleSetError([f"The file is larger than {MAX_FILE_BYTES // 1_000_000} MB."])
            result = rule_set_import_file(
                user=request.user, file_name=upload.name, raw=upload.read()
            )
        except RuleSetError as exc:
            problems = exc.problems
        else:
            if isinstance(result, RuleSetImport):
                return redirect("rules:import_job", job_id=result.pk)
            messages.success(request, f"Imported as draft {result.label}.")
            return redirect(_version_url(result))
    return render(
        request,
        "rules/import.html",
        {"form": form, "problems": problems, "defaults_note": DEFAULTS_NOTE},
        status=400 if problems or form.errors else 200,
    )


def import_job(request, job_id: int):
    """A large import read in the background: its progress, then its draft or its problems
    (for the person who uploaded it only)."""
    from rulesets.models import RuleSetImport
    from rulesets.services.imports import rule_set_import_job_for_user

    _require_rule_admin(request.user)
    try:
        job = rule_set_import_job_for_user(user=request.user, job_id=job_id)
    except RuleSetImport.DoesNotExist:
        raise Http404 from None
    template = "rules/_import_progress.html" if request.htmx else "rules/import_job.html"
    return render(request, template, {"job": job, "defaults_note": DEFAULTS_NOTE})


# -- impact preview (a job with progress) ------------------------------------------------------


@require_POST
def impact(request, name: str, version: int):
    """Start an impact preview of this version against the one in force (or ``against``)."""
    from rulesets.impact import ImpactScopeError, impact_start

    _require_rule_admin(request.user)
    rule_set = rule_set_get(name=name, version=version)
    baseline = None
    against = request.POST.get("against", "").strip()
    if against:
        if not against.isdigit() or not against.isascii() or len(against) > 9:
            messages.error(
                request, f"'{against[:20]}' is not a version number of {name}: nothing was started."
            )
            return redirect(_version_url(rule_set))
        baseline = RuleSet.objects.filter(name=name, version=int(against)).first()
        if baseline is None:
            messages.error(request, f"{name} has no version {against}: nothing was started.")
            return redirect(_version_url(rule_set))
    try:
        job = impact_start(rule_set=rule_set, user=request.user, baseline=baseline)
    except ImpactScopeError as exc:
        messages.error(request, str(exc))
        return redirect(_version_url(rule_set))
    return redirect("rules:impact_job", job_id=job.pk)


def impact_job(request, job_id: int):
    """A preview's progress and result, for the person who started it only."""
    from rulesets.impact import impact_job_for_user
    from rulesets.models import ImpactJob

    _require_rule_admin(request.user)
    try:
        job = impact_job_for_user(user=request.user, job_id=job_id)
    except ImpactJob.DoesNotExist:
        raise Http404 from None
    template = "rules/_impact_progress.html" if request.htmx else "rules/impact.html"
    return render(request, template, _context(job.rule_set, job=job))
