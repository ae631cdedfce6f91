"""Comparing two versions, exporting and importing files (YAML, JSON, XLSX), and impact
previews (a job with progress)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from engine import MAX_FILE_BYTES, RuleSetError
from rulesets.impact import (
    ImpactScopeError,
    impact_cases,
    impact_counts,
    impact_job_for_user,
    impact_scope,
    impact_start,
)
from rulesets.models import ImpactJob, RuleSet, RuleSetImport
from rulesets.rows import rule_set_to_data
from rulesets.services import (
    rule_set_export,
)
from rulesets.services.imports import rule_set_import_file, rule_set_import_job_for_user
from rulesets.spreadsheet import workbook_bytes

from .. import forms as f
from ..selectors import (
    replaced_version,
    rule_set_diff,
    rule_set_get,
)
from .common import DEFAULTS_NOTE, _context, _require_rule_admin, _version_url

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

    _require_rule_admin(request.user)
    try:
        job = impact_job_for_user(user=request.user, job_id=job_id)
    except ImpactJob.DoesNotExist:
        raise Http404 from None
    template = "rules/_impact_progress.html" if request.htmx else "rules/impact.html"
    return render(request, template, _context(job.rule_set, job=job))
