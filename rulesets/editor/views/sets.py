"""Rule sets and versions: the list, a version's tables, its release notes and changes,
cloning and program variants."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Program
from rulesets.models import RuleSet
from rulesets.services import (
    RuleSetWorkflowError,
    is_usable_name,
    rule_set_clone,
    rule_set_is_verified,
    rule_set_make_variant,
    rule_set_problems,
    rule_set_test_results,
)
from rulesets.services.editing import RuleEditError, rule_set_release_notes_save

from ..selectors import (
    impact_for_user,
    ownership,
    replaced_version,
    rule_set_diff,
    rule_set_get,
    version_tables,
)
from .common import (
    DEFAULTS_NOTE,
    _catalogs,
    _context,
    _draft,
    _require_rule_admin,
    _version_url,
)

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
def release_notes(request, name: str, version: int):
    """A draft's release notes, written on its page (they travel with every export)."""
    _require_rule_admin(request.user)
    rule_set = _draft(name, version)
    try:
        rule_set_release_notes_save(rule_set=rule_set, text=request.POST.get("release_notes", ""))
    except RuleEditError as exc:
        messages.error(request, exc.problems[0])
    else:
        messages.success(request, "Release notes saved.")
    return redirect(_version_url(rule_set, "release-notes"))


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
