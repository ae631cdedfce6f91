"""Clinician pages: patients, the assessment wizard, the recommendation and the decision.
Views stay thin: they fetch through selectors, write through services, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import programs_for_user, user_has_role
from placement.explain import emergency_triggers, explain, handout_plan, level_choices
from placement.forms import DecisionForm
from placement.loader import engine_rule_set
from placement.selectors import patient_timeline
from placement.services.recommendations import (
    assessment_save_decision,
    placement_submit,
    recommendation_compute,
    recommendation_is_current,
)

from . import audit
from .catalog import SUBSTANCES, SUMMARY, get_step, step_codes, substance_rows, wizard_steps
from .forms import PatientForm, PatientSearchForm, StartAssessmentForm, StepForm, SubstanceFormSet
from .models import AssessmentKind
from .selectors import (
    assessment_get_for_user,
    patient_get_for_user,
    patients_for_user,
    search_kind,
)
from .services import (
    ConcurrentEditError,
    IntakeError,
    assessment_save_step,
    assessment_start,
    assessment_suggestions,
    current_rules_for,
    missing_steps,
    moved_notice,
    next_step,
    patient_register,
    previous_step,
    unjustified_lower_ratings,
)


def _require_clinical_role(user) -> None:
    if not (
        user_has_role(user=user, role=Role.CLINICIAN)
        or user_has_role(user=user, role=Role.SUPERVISOR)
    ):
        raise PermissionDenied("Patient records are for clinicians and supervisors.")


# -- patients --------------------------------------------------------------------------------


def patient_list(request):
    _require_clinical_role(request.user)
    form = PatientSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(patients_for_user(user=request.user, query=query), 25).get_page(
        request.GET.get("page")
    )
    shown = [p.pk for p in page]
    if query.strip():
        audit.record_view(
            page="patient_search",
            patients=shown,
            search={"kind": search_kind(query), "digest": audit.search_digest(query)},
        )
    elif shown:
        audit.record_view(page="patient_list", patients=shown)
    return render(
        request,
        "intake/patient_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_register": user_has_role(user=request.user, role=Role.CLINICIAN),
        },
    )


@require_http_methods(["GET", "POST"])
def patient_create(request):
    programs = programs_for_user(user=request.user, roles=(Role.CLINICIAN,))
    if not programs.exists():
        raise PermissionDenied("Only clinicians register patients.")
    form = PatientForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("program", "confirm_not_duplicate")
        }
        try:
            patient = patient_register(
                user=request.user, program=form.cleaned_data["program"], data=data
            )
        except IntakeError as exc:
            form.add_error("mrn", str(exc))
        else:
            messages.success(request, "Patient registered.")
            return redirect("intake:patient_detail", pk=patient.pk)
    if getattr(form, "duplicates", None):
        audit.record_view(page="patient_register", patients=[p.pk for p in form.duplicates])
    return render(request, "intake/patient_form.html", {"form": form})


def _patient_page(request, patient, *, start_form=None, status=200):
    audit.record_access(patient)
    can_edit = _is_clinician_of(request.user, patient)
    if can_edit and start_form is None:
        start_form = StartAssessmentForm(patient=patient)
    return render(
        request,
        "intake/patient_detail.html",
        {
            "patient": patient,
            "timeline": patient_timeline(patient=patient),
            "start_form": start_form if can_edit else None,
            "can_edit": can_edit,
        },
        status=status,
    )


def patient_detail(request, pk):
    patient = patient_get_for_user(user=request.user, pk=pk)
    return _patient_page(request, patient)


@require_POST
def assessment_create(request, pk):
    patient = patient_get_for_user(user=request.user, pk=pk, edit=True)
    form = StartAssessmentForm(request.POST, patient=patient)
    if not form.is_valid():
        return _patient_page(request, patient, start_form=form, status=400)
    assessment = assessment_start(
        user=request.user,
        patient=patient,
        kind=form.cleaned_data["kind"],
        assessment_date=form.cleaned_data["assessment_date"],
    )
    if assessment.kind != AssessmentKind.INITIAL and assessment.previous is not None:
        messages.info(request, "Started from the answers of the previous assessment.")
    return redirect("intake:assessment_step", pk=assessment.pk, step=SUBSTANCES)


# -- assessments -----------------------------------------------------------------------------


def assessment_detail(request, pk):
    """The whole assessment, read-only; the entry point for resuming a draft."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    audit.record_access(assessment)
    rs = engine_rule_set(assessment.rule_set)
    recommendation = assessment.recommendations.first()
    can_edit = assessment.editable and _can_edit(request.user, assessment)
    return render(
        request,
        "intake/assessment_detail.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "steps": _step_view(assessment, rs),
            "substance_rows": substance_rows(assessment.substances),
            "recommendation": recommendation,
            "explanation": explain(recommendation, assessment) if recommendation else None,
            "placements": assessment.placements.select_related(
                "submitted_by", "reviewer", "recommendation__rule_set"
            )
            .prefetch_related("events__actor")
            .order_by("round"),
            "can_edit": can_edit,
        },
    )


def _can_edit(user, assessment) -> bool:
    return _is_clinician_of(user, assessment.patient)


def _step_view(assessment, rs) -> list[dict]:
    """Each step with its saved answers, as the read-only page and the summary show them."""
    from .catalog import display_answer

    out = []
    for step in wizard_steps(rs):
        if step.code == SUMMARY:
            continue
        out.append(
            {
                "step": step,
                "answers": [
                    (q.label, display_answer(q, assessment.answers.get(q.code)))
                    for q in step.questions
                ],
                "rating": assessment.confirmed_ratings.get(step.code),
                "suggested": assessment.suggested_ratings.get(step.code),
                "justification": assessment.justifications.get(step.code, ""),
                "notes": assessment.notes.get(step.code, ""),
                "done": step.code in assessment.completed_steps,
            }
        )
    return out


def _step_form(assessment, step, data=None, partial=False):
    rs = engine_rule_set(assessment.rule_set)
    initial = {"version": assessment.version, "notes": assessment.notes.get(step.code, "")}
    for q in step.questions:
        initial[f"q_{q.code}"] = assessment.answers.get(q.code)
    if step.dimension is not None:
        rating = assessment.confirmed_ratings.get(step.code)
        if rating is None:
            rating = assessment.suggested_ratings.get(step.code, step.dimension.scale[0])
        initial["rating"] = str(rating)
        initial["justification"] = assessment.justifications.get(step.code, "")
    form = StepForm(
        data,
        questions=step.questions,
        dimension=step.dimension,
        partial=partial,
        initial=initial,
    )
    substances = None
    if step.code == SUBSTANCES:
        substances = SubstanceFormSet(
            data,
            prefix="substances",
            initial=assessment.substances,
            form_kwargs={"assessment_date": assessment.assessment_date},
        )
    return rs, form, substances


@require_http_methods(["GET", "POST"])
def assessment_step(request, pk, step):
    assessment = assessment_get_for_user(user=request.user, pk=pk, edit=True)
    if not assessment.editable:
        messages.info(request, "This assessment was submitted; it is shown read-only.")
        return redirect("intake:assessment_detail", pk=pk)
    rs = engine_rule_set(assessment.rule_set)
    current = get_step(rs, step)
    if current is None:
        raise Http404
    if current.code == SUMMARY:
        return _summary(request, assessment, rs)
    action = request.POST.get("action", "next")
    autosave = bool(request.POST.get("autosave_before_signout"))
    # An emergency must not wait for the rest of the step: like a draft save, the values given
    # are checked but required ones are not insisted on.
    partial = autosave or action in ("save_exit", "emergency")
    data = request.POST if request.method == "POST" else None
    rs, form, substances = _step_form(assessment, current, data, partial=partial)
    suggested_rating = None
    if request.method == "POST":
        valid = form.is_valid() & (substances.is_valid() if substances is not None else True)
        if valid and current.dimension is not None:
            suggested, _, _ = assessment_suggestions(assessment=assessment, override=form.answers())
            suggested_rating = suggested.get(current.code)
            if _rating_follows_suggestion(request.POST) and suggested_rating is not None:
                # The clinician left the pre-selected suggestion alone: it follows the answers.
                form.cleaned_data["rating"] = suggested_rating
            form.check_justification(suggested_rating)
            valid = not form.errors
        if valid:
            go_to = {
                "next": next_step(assessment, current.code),
                "back": previous_step(assessment, current.code),
            }.get(action, current.code)
            try:
                saved = assessment_save_step(
                    user=request.user,
                    assessment_id=assessment.pk,
                    version=form.cleaned_data["version"],
                    step=current.code,
                    answers=form.answers(),
                    notes=form.cleaned_data.get("notes", ""),
                    rating=form.cleaned_data.get("rating"),
                    justification=form.cleaned_data.get("justification", ""),
                    substances=substances.rows() if substances is not None else None,
                    complete=not partial,
                    go_to=go_to,
                )
            except ConcurrentEditError as exc:
                messages.error(request, str(exc))
                return _render_step(request, assessment, rs, current, form, substances, status=409)
            except IntakeError as exc:
                messages.error(request, str(exc))
                return redirect("intake:assessment_detail", pk=pk)
            if autosave:
                logout(request)
                messages.info(request, "Your work was saved before you were signed out.")
                return redirect(
                    reverse("login") + f"?next={reverse('intake:assessment_detail', args=[pk])}"
                )
            notice = moved_notice(saved)
            if notice:
                messages.info(request, notice)
            if action == "emergency":
                return _to_recommendation(request, saved)
            if action == "save_exit":
                messages.success(request, "Draft saved. Resume it from the patient's page.")
                return redirect("intake:patient_detail", pk=assessment.patient_id)
            return redirect("intake:assessment_step", pk=pk, step=go_to)
        if autosave:
            logout(request)
            messages.warning(
                request,
                "You were signed out after a period without activity. The step you were on had "
                "errors and was not saved; the earlier steps are kept.",
            )
            return redirect("login")
        return _render_step(request, assessment, rs, current, form, substances, status=400)
    return _render_step(request, assessment, rs, current, form, substances)


def _to_recommendation(request, assessment):
    """The emergency banner's link: the recommendation at once when every step is done,
    otherwise its page in emergency mode (what to do now, and the steps still to do)."""
    if not missing_steps(assessment):
        try:
            recommendation_compute(assessment=assessment, user=request.user)
        except IntakeError as exc:
            messages.error(request, str(exc))
    return redirect("intake:recommendation", pk=assessment.pk)


def _rating_follows_suggestion(post) -> bool:
    """True when the rating on screen was the suggestion and the clinician did not change it
    (without JavaScript too: the posted rating equals the one the page was rendered with)."""
    return post.get("rating_follows") == "1" and post.get("rating") == post.get("rating_initial")


def _render_step(request, assessment, rs, step, form, substances, status=200):
    audit.record_access(assessment, page=f"wizard {step.code}")
    codes = step_codes(rs)
    suggestion = None
    override = None
    if form.is_bound:
        form.is_valid()  # cleaned_data holds every field that passed
        override = form.answers(valid_only=True)
    posted = _posted_rating(request.POST, step) if form.is_bound else None
    if step.dimension is not None:
        suggestion = _suggestion_context(assessment, step, override, posted)
    emergency = (
        suggestion["emergency"]
        if suggestion
        else _suggestion_context(assessment, step, override, None)["emergency"]
    )
    return render(
        request,
        "intake/assessment_step.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "steps": wizard_steps(rs),
            "step": step,
            "step_number": codes.index(step.code) + 1,
            "step_count": len(codes),
            "form": form,
            "substances": substances,
            "suggestion": suggestion,
            "emergency": emergency,
            "profile": _profile(assessment, rs),
            "moving_to": current_rules_for(assessment),
            "is_first": codes.index(step.code) == 0,
            # A rating the clinician chose against the suggestion is never moved by the page.
            "rating_locked": step.code in assessment.confirmed_ratings
            and assessment.confirmed_ratings[step.code]
            != assessment.suggested_ratings.get(step.code),
        },
        status=status,
    )


def _profile(assessment, rs) -> list[dict]:
    """The six ratings so far, for the strip on every step."""
    return [
        {
            "code": d.code,
            "label": d.label,
            "rating": assessment.confirmed_ratings.get(d.code),
            "done": d.code in assessment.completed_steps,
        }
        for d in rs.dimensions
    ]


def _posted_rating(post, step):
    """The rating the clinician picked on this page (None while it follows the suggestion)."""
    if step.dimension is None or post.get("rating_follows") != "0":
        return None
    for code in step.dimension.scale:
        if str(code) == post.get("rating"):
            return code
    return None


def _suggestion_context(assessment, step, override, chosen_rating=None) -> dict:
    """The suggestion for the answers on screen, and whether the profile as it now stands
    is an emergency (with the answers that make it one)."""
    rs = engine_rule_set(assessment.rule_set)
    suggested, flags, reasons = assessment_suggestions(assessment=assessment, override=override)
    profile = {}
    chosen = set()
    here = step.code if step is not None else None
    for d in rs.dimensions:
        rating = suggested.get(d.code)
        if d.code == here and chosen_rating is not None:
            rating = chosen_rating
        elif d.code != here and d.code in assessment.confirmed_ratings:
            rating = assessment.confirmed_ratings[d.code]
        if rating != suggested.get(d.code):
            chosen.add(d.code)
        profile[d.code] = rating
    context = {
        "emergency": emergency_triggers(rs, profile, flags, reasons, chosen),
        "flags": [code for code, on in flags.items() if on],
    }
    dim = step.dimension if step is not None else None
    if dim is not None:
        rating = suggested.get(step.code)
        context.update(
            {
                "rating": rating,
                "anchor": dim.anchors[dim.position(rating)] if dim.anchors else "",
                "rules": [r for r in reasons if r.kind == "rating" and r.track == step.code],
            }
        )
    return context


@require_POST
def step_suggest(request, pk, step):
    """htmx: the suggested rating for the answers on screen (nothing is saved)."""
    assessment = assessment_get_for_user(user=request.user, pk=pk, edit=True)
    rs = engine_rule_set(assessment.rule_set)
    current = get_step(rs, step)
    if current is None or current.dimension is None:
        raise Http404
    form = StepForm(
        request.POST, questions=current.questions, dimension=current.dimension, partial=True
    )
    audit.record_access(assessment, page=f"suggestion {current.code}")
    valid = form.is_valid()
    suggestion = _suggestion_context(
        assessment, current, form.answers(valid_only=True), _posted_rating(request.POST, current)
    )
    return render(
        request,
        "intake/_suggestion.html",
        {
            "suggestion": suggestion if valid else None,
            "invalid": not valid,
            "emergency": suggestion["emergency"],
            "oob": True,
            "assessment": assessment,
            "step": current,
        },
    )


def _summary(request, assessment, rs):
    suggested, flags, _ = assessment_suggestions(assessment=assessment)
    if request.method == "POST":
        if not missing_steps(assessment) and not request.POST.get("confirm_ratings"):
            messages.error(
                request,
                "Confirm the six ratings together first: tick the box above the button.",
            )
        else:
            try:
                recommendation_compute(assessment=assessment, user=request.user)
            except IntakeError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("intake:recommendation", pk=assessment.pk)
    audit.record_access(assessment, page="wizard summary")
    steps = _step_view(assessment, rs)
    previous = assessment.previous
    for s in steps:
        dim = s["step"].dimension
        s["chosen"] = (
            dim is not None and s["rating"] is not None and s["rating"] != suggested.get(dim.code)
        )
        s["suggested"] = suggested.get(dim.code) if dim is not None else None
        if dim is not None and previous is not None:
            before = previous.confirmed_ratings.get(dim.code)
            s["previous"] = before
            if before is not None and s["rating"] is not None:
                s["change"] = dim.position(s["rating"]) - dim.position(before)
    codes = step_codes(rs)
    return render(
        request,
        "intake/assessment_summary.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "steps": wizard_steps(rs),
            "step": get_step(rs, SUMMARY),
            "step_number": len(codes),
            "step_count": len(codes),
            "rows": steps,
            "substance_rows": substance_rows(assessment.substances),
            "missing": missing_steps(assessment),
            "unjustified": unjustified_lower_ratings(assessment, suggested),
            "flags": [f for f in rs.flags if flags.get(f.code)],
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation(request, pk):
    """The recommendation with its reasoning, and the clinician's decision."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    rec = assessment.recommendations.first()
    if rec is None:
        emergency = _suggestion_context(assessment, None, None)["emergency"]
        if not emergency:
            messages.info(request, "Complete the steps and compute the recommendation first.")
            return redirect("intake:assessment_detail", pk=pk)
        # An emergency comes first: say what to do now, before the level can be worked out.
        audit.record_access(assessment, page="emergency")
        return render(
            request,
            "intake/emergency.html",
            {
                "assessment": assessment,
                "patient": assessment.patient,
                "emergency": emergency,
                "missing": missing_steps(assessment),
                "can_edit": assessment.editable and _can_edit(request.user, assessment),
            },
        )
    audit.record_access(assessment)
    rs = engine_rule_set(assessment.rule_set)
    explanation = explain(rec, assessment)
    can_decide = assessment.editable and _can_edit(request.user, assessment)
    current = recommendation_is_current(rec, assessment)
    form = None
    if can_decide:
        initial = {
            "provided_level": rec.level,
            "provided_withdrawal_level": rec.withdrawal_level,
            **assessment.decision,
        }
        form = DecisionForm(
            request.POST or None,
            initial=initial,
            recommendation=rec,
            treatment_choices=level_choices(rs, rs.primary_track, explanation.adolescent),
            withdrawal_choices=level_choices(rs, rs.withdrawal_track, explanation.adolescent)
            if rec.withdrawal_level
            else [],
        )
        if request.method == "POST" and form.is_valid():
            decision = form.decision()
            try:
                if request.POST.get("action") == "save":
                    assessment_save_decision(
                        assessment=assessment, user=request.user, decision=decision
                    )
                    messages.success(request, "Decision saved as a draft.")
                    return redirect("intake:recommendation", pk=pk)
                placement = placement_submit(
                    assessment=assessment, user=request.user, decision=decision
                )
            except IntakeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    f"Submitted for supervisor review (placement {placement.label}). "
                    "The assessment is now read-only.",
                )
                return redirect("intake:assessment_detail", pk=pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "intake/recommendation.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "recommendation": rec,
            "explanation": explanation,
            "form": form,
            "is_current": current,
            "returned": assessment.placements.filter(status="returned").order_by("-round").first(),
        },
    )


def handout(request, pk):
    """A one-page, plain-language explanation of the recommended level for the patient."""
    assessment = assessment_get_for_user(user=request.user, pk=pk)
    rec = assessment.recommendations.first()
    if rec is None:
        raise Http404
    audit.record_access(assessment)
    return render(
        request,
        "intake/handout.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "program": assessment.patient.program,
            "explanation": explain(rec, assessment),
            "plan": handout_plan(rec, assessment),
        },
    )


# -- 42 CFR Part 2: consents and disclosures -------------------------------------------------


def consents(request, pk):
    """A patient's consents; clinicians of the program record new ones."""
    from .consents import ConsentForm, consent_record

    patient = patient_get_for_user(user=request.user, pk=pk)
    can_edit = _is_clinician_of(request.user, patient)
    form = ConsentForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            consent_record(patient=patient, user=request.user, data=form.cleaned_data)
            messages.success(request, "Consent recorded.")
            return redirect("intake:consents", pk=pk)
    audit.record_access(patient)
    return render(
        request,
        "intake/consents.html",
        {
            "patient": patient,
            "consents": patient.consents.select_related("created_by", "revoked_by"),
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def consent_revoke(request, pk):
    from .consents import consent_revoke as revoke
    from .models import Consent

    consent = Consent.objects.filter(pk=pk).select_related("patient").first()
    if consent is None or not _is_clinician_of(request.user, consent.patient):
        raise Http404
    revoke(consent=consent, user=request.user)
    messages.success(request, "Consent revoked: it no longer covers any disclosure.")
    return redirect("intake:consents", pk=consent.patient_id)


def disclosures(request, pk):
    """The accounting of disclosures for the last three years."""
    from .consents import ACCOUNTING_YEARS, accounting_of_disclosures

    patient = patient_get_for_user(user=request.user, pk=pk)
    audit.record_access(patient)
    return render(
        request,
        "intake/disclosures.html",
        {
            "patient": patient,
            "disclosures": accounting_of_disclosures(patient=patient),
            "years": ACCOUNTING_YEARS,
            "now": timezone.now(),
        },
    )


def _is_clinician_of(user, patient) -> bool:
    try:
        patient_get_for_user(user=user, pk=patient.pk, edit=True)
    except Http404:
        return False
    return True
