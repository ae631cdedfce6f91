"""Rule-set pages under /rules/."""

from __future__ import annotations

from django.shortcuts import render

from .selectors import impact_for_user, replaced_version, rule_set_diff, rule_set_get


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
