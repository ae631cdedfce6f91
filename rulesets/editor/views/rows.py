"""One rule row: editing it inline with the condition builder, adding, deleting and moving
rows; verifying and publishing a version; and its test cases."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from rulesets.models import Rule, RuleSet, RuleSetStatus
from rulesets.rows import rule_data
from rulesets.scope import programs_using_rule_set, publish_refusal
from rulesets.services import (
    RuleSetWorkflowError,
    rule_set_is_verified,
    rule_set_publish,
    rule_set_test_results,
    rule_set_verify,
)
from rulesets.services.editing import (
    RuleEditError,
    rule_row_delete,
    rule_row_move,
    rule_row_save,
    test_case_add,
    test_case_delete,
)

from .. import forms as f
from ..rule_ids import suggested_rule_id
from ..selectors import (
    identical_rules,
    rule_set_get,
    version_tables,
)
from .common import KINDS, _catalogs, _context, _draft, _require_rule_admin, _version_url

# -- one rule ----------------------------------------------------------------------------------


def _rule_forms(
    rule_set, kind, data=None, rule: Rule | None = None, extra_condition=False, track=""
):

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
    form = f.RuleForm(
        data, kind=kind, catalogs=catalogs, taken=taken, initial=initial, new=rule is None
    )
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
        fields, when = form.rule_fields(), conditions.when()
        if not fields["rule_id"]:
            fields["rule_id"] = suggested_rule_id(kind, fields, when, form.taken, form.catalogs.rs)
        try:
            saved = rule_row_save(rule_set=rule_set, rule=rule, fields=fields, when=when)
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
    same = [
        {"id": rid, "url": _version_url(rule_set, f"rule-{rid}")}
        for rid in identical_rules(rule_set, rule.rule_id)
    ]
    warning = (
        format_html(
            "{} does exactly what {} already does (the same conditions and outcome); "
            "keep one of them.",
            rule.rule_id,
            format_html_join(", ", '<a href="{}">{}</a>', ((s["url"], s["id"]) for s in same)),
        )
        if same
        else ""
    )
    if request.htmx and row is not None:
        results = rule_set_test_results(rule_set=rule_set)
        return render(
            request,
            "rules/_rule_saved.html",
            _context(
                rule_set,
                row=row,
                message=message,
                warning=warning,
                results=results,
                failing=[r for r in results if not r.passed],
            ),
        )
    messages.success(request, message)
    if warning:
        messages.warning(request, warning)
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
