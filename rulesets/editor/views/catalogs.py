"""A version's catalogs: levels, dimensions and questions, each edited on its own page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rulesets.services.editing import (
    RuleEditError,
    dimension_save,
    level_save,
    question_save,
)

from ..catalog_forms import DimensionForm, LevelForm, QuestionForm
from ..selectors import (
    rule_set_get,
)
from .common import _context, _draft, _require_rule_admin

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
    form = LevelForm(
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
    form = DimensionForm(request.POST or None, scale=scale, initial=initial)
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
    form = QuestionForm(request.POST or None, steps=steps, question_type=q.type, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(rule_set=rule_set, question=q, data=dict(form.cleaned_data))
        except RuleEditError as exc:
            form.add_error("choices" if "choices" in form.fields else None, exc.problems[0])
        else:
            messages.success(request, f"Saved the question '{form.cleaned_data['label']}'.")
            return redirect("rules:catalog", name=name, version=version)
    return _catalog_item(request, rule_set, form, f"Question {code}", 400 if form.errors else 200)
