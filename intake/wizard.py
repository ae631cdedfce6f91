"""The assessment wizard's pages: each step with its questions and ratings, the live suggestion,
and the summary. A page rates one dimension (3rd edition) or a dimension's subdimensions
together (4th edition); either way it is saved at once, all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from audit import writer as audit
from engine import emergency_triggers

from . import ports
from .catalog import (
    SUBSTANCES,
    SUMMARY,
    display_answer,
    flat_steps,
    get_step,
    page_of,
    step_codes,
    substance_rows,
    wizard_steps,
)
from .forms import StepForm, SubstanceFormSet
from .selectors import assessment_get_for_user
from .services import (
    ConcurrentEditError,
    IntakeError,
    assessment_save_page,
    assessment_suggestions,
    current_rules_for,
    edition_note,
    missing_steps,
    moved_notice,
    next_step,
    previous_step,
    unjustified_lower_ratings,
)


def step_view(assessment, rs) -> list[dict]:
    """Each rated or recorded step with its saved answers, as the read-only page and the
    summary show them (a 4th-edition dimension page as its subdimensions)."""
    out = []
    for step in flat_steps(rs):
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


def _key(prefix: str | None, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def _page_forms(assessment, page, data=None, partial=False):
    """A form per part of the page (the page itself when it has no parts), and the
    substances table on the first page."""
    multi = bool(page.parts)
    forms = []
    for i, step in enumerate(page.parts or (page,)):
        questions = step.questions
        if multi and i == 0:
            # Questions filed under the dimension itself (as in asam4-default version 1) are
            # asked with its first subdimension.
            questions = page.questions + questions
        initial = {"version": assessment.version, "notes": assessment.notes.get(step.code, "")}
        for q in questions:
            initial[f"q_{q.code}"] = assessment.answers.get(q.code)
        if step.dimension is not None:
            rating = assessment.confirmed_ratings.get(step.code)
            if rating is None:
                rating = assessment.suggested_ratings.get(step.code, step.dimension.scale[0])
            initial["rating"] = str(rating)
            initial["justification"] = assessment.justifications.get(step.code, "")
        form = StepForm(
            data,
            questions=questions,
            dimension=step.dimension,
            partial=partial,
            initial=initial,
            prefix=step.code if multi else None,
        )
        forms.append((step, form))
    substances = None
    if page.code == SUBSTANCES:
        substances = SubstanceFormSet(
            data,
            prefix="substances",
            initial=assessment.substances,
            form_kwargs={"assessment_date": assessment.assessment_date},
        )
    return forms, substances


def _answers_on_screen(forms, valid_only=False) -> dict:
    out = {}
    for _, form in forms:
        out.update(form.answers(valid_only=valid_only))
    return out


@require_http_methods(["GET", "POST"])
def assessment_step(request, pk, step):
    assessment = assessment_get_for_user(user=request.user, pk=pk, edit=True)
    if not assessment.editable:
        messages.info(request, "This assessment was submitted; it is shown read-only.")
        return redirect("portal:assessment_detail", pk=pk)
    rs = ports.compiled(assessment.rule_set)
    page = page_of(rs, step)
    if page is None:
        raise Http404
    if page.code != step:  # a subdimension: its dimension's page, scrolled to it
        url = reverse("intake:assessment_step", args=[pk, page.code])
        return redirect(f"{url}#rate-{step}")
    if page.code == SUMMARY:
        return _summary(request, assessment, rs)
    action = request.POST.get("action", "next")
    autosave = bool(request.POST.get("autosave_before_signout"))
    # An emergency must not wait for the rest of the step: like a draft save, the values given
    # are checked but required ones are not insisted on.
    partial = autosave or action in ("save_exit", "emergency")
    data = request.POST if request.method == "POST" else None
    forms, substances = _page_forms(assessment, page, data, partial=partial)
    if request.method == "GET":
        return _render_step(request, assessment, rs, page, forms, substances)
    checked = [form.is_valid() for _, form in forms]  # every form, for every error
    valid = all(checked)
    valid &= substances.is_valid() if substances is not None else True
    if valid and any(s.dimension is not None for s, _ in forms):
        suggested, _, _ = assessment_suggestions(
            assessment=assessment, override=_answers_on_screen(forms)
        )
        for s, form in forms:
            if s.dimension is None:
                continue
            suggested_rating = suggested.get(s.code)
            if (
                _rating_follows_suggestion(request.POST, form.prefix)
                and suggested_rating is not None
            ):
                # The clinician left the pre-selected suggestion alone: it follows the answers.
                form.cleaned_data["rating"] = suggested_rating
            form.check_justification(suggested_rating)
        valid = not any(form.errors for _, form in forms)
    if not valid:
        if autosave:
            logout(request)
            messages.warning(
                request,
                "You were signed out after a period without activity. The step you were on had "
                "errors and was not saved; the earlier steps are kept.",
            )
            return redirect("login")
        return _render_step(request, assessment, rs, page, forms, substances, status=400)
    go_to = {
        "next": next_step(assessment, page.code),
        "back": previous_step(assessment, page.code),
    }.get(action, page.code)
    parts = [
        {
            "step": s.code,
            "answers": form.answers(),
            "notes": form.cleaned_data.get("notes", ""),
            "rating": form.cleaned_data.get("rating"),
            "justification": form.cleaned_data.get("justification", ""),
        }
        for s, form in forms
    ]
    try:
        saved = assessment_save_page(
            user=request.user,
            assessment_id=assessment.pk,
            version=forms[0][1].cleaned_data["version"],
            page=page.code,
            parts=parts,
            substances=substances.rows() if substances is not None else None,
            complete=not partial,
            go_to=go_to,
        )
    except ConcurrentEditError as exc:
        messages.error(request, str(exc))
        return _render_step(request, assessment, rs, page, forms, substances, status=409)
    except IntakeError as exc:
        messages.error(request, str(exc))
        return redirect("portal:assessment_detail", pk=pk)
    if autosave:
        logout(request)
        messages.info(request, "Your work was saved before you were signed out.")
        return redirect(
            reverse("login") + f"?next={reverse('portal:assessment_detail', args=[pk])}"
        )
    notice = moved_notice(saved)
    if notice:
        messages.info(request, notice)
    if action == "emergency":
        return _to_recommendation(request, saved)
    if action == "save_exit":
        messages.success(request, "Draft saved. Resume it from the patient's page.")
        return redirect("portal:patient_detail", pk=assessment.patient_id)
    return redirect("intake:assessment_step", pk=pk, step=go_to)


def _to_recommendation(request, assessment):
    """The emergency banner's link: the recommendation at once when every step is done,
    otherwise its page in emergency mode (what to do now, and the steps still to do)."""
    if not missing_steps(assessment):
        try:
            ports.recommend(assessment=assessment, user=request.user)
        except IntakeError as exc:
            messages.error(request, str(exc))
    return redirect("placement:recommendation", pk=assessment.pk)


def _rating_follows_suggestion(post, prefix=None) -> bool:
    """True when the rating on screen was the suggestion and the clinician did not change it
    (without JavaScript too: the posted rating equals the one the page was rendered with)."""
    return post.get(_key(prefix, "rating_follows")) == "1" and post.get(
        _key(prefix, "rating")
    ) == post.get(_key(prefix, "rating_initial"))


def _posted_rating(post, step, prefix=None):
    """The rating the clinician picked on this page (None while it follows the suggestion)."""
    if step.dimension is None or post.get(_key(prefix, "rating_follows")) != "0":
        return None
    for code in step.dimension.scale:
        if str(code) == post.get(_key(prefix, "rating")):
            return code
    return None


def _rating_locked(assessment, code) -> bool:
    """A rating the clinician chose against the suggestion is never moved by the page."""
    return code in assessment.confirmed_ratings and assessment.confirmed_ratings[
        code
    ] != assessment.suggested_ratings.get(code)


def _live(assessment, post, forms):
    """The suggestion context for what is on screen (one engine run for the whole page)."""
    bound = any(form.is_bound for _, form in forms)
    override = None
    chosen = {}
    if bound:
        for _, form in forms:
            form.is_valid()  # cleaned_data holds every field that passed
        override = _answers_on_screen(forms, valid_only=True)
        for s, form in forms:
            rating = _posted_rating(post, s, form.prefix)
            if rating is not None:
                chosen[s.code] = rating
    return suggestion_context(assessment, [s for s, _ in forms], override, chosen)


def _render_step(request, assessment, rs, page, forms, substances, status=200):
    audit.record_access(assessment, page=f"wizard {page.code}")
    codes = step_codes(rs)
    live = _live(assessment, request.POST, forms)
    parts = [
        {
            "step": s,
            "form": form,
            "suffix": f"-{s.code}" if form.prefix else "",
            "key": form.prefix + "-" if form.prefix else "",
            "suggestion": live["parts"].get(s.code),
            "rating_locked": _rating_locked(assessment, s.code),
        }
        for s, form in forms
    ]
    return render(
        request,
        "intake/assessment_step.html",
        {
            "assessment": assessment,
            "patient": assessment.patient,
            "steps": wizard_steps(rs),
            "step": page,
            "parts": parts,
            "multi": bool(page.parts),
            "step_number": codes.index(page.code) + 1,
            "step_count": len(codes),
            "errors": any(form.errors for _, form in forms),
            "substances": substances,
            "emergency": live["emergency"],
            "profile": _profile(assessment, rs),
            "moving_to": current_rules_for(assessment),
            "edition_note": edition_note(assessment),
            "notices": [
                text
                for code in dict.fromkeys([page.code, *(s.code for s, _ in forms)])
                for text in assessment.notices.get(code, [])
            ],
            "is_first": codes.index(page.code) == 0,
        },
        status=status,
    )


def _profile(assessment, rs) -> list[dict]:
    """The ratings so far, for the strip on every step."""
    return [
        {
            "code": d.code,
            "label": d.label,
            "rating": assessment.confirmed_ratings.get(d.code),
            "done": d.code in assessment.completed_steps,
        }
        for d in rs.dimensions
    ]


def suggestion_context(assessment, steps, override, chosen_ratings=None) -> dict:
    """The suggestion for each rated step on screen, given the answers on screen, and whether
    the profile as it now stands is an emergency (with the answers that make it one).
    ``chosen_ratings``: ratings the clinician picked on this page, by step code."""
    chosen_ratings = chosen_ratings or {}
    rs = ports.compiled(assessment.rule_set)
    suggested, flags, reasons = assessment_suggestions(assessment=assessment, override=override)
    here = {s.code for s in steps}
    profile = {}
    chosen = set()
    for d in rs.dimensions:
        rating = suggested.get(d.code)
        if d.code in here and d.code in chosen_ratings:
            rating = chosen_ratings[d.code]
        elif d.code not in here and d.code in assessment.confirmed_ratings:
            rating = assessment.confirmed_ratings[d.code]
        if rating != suggested.get(d.code):
            chosen.add(d.code)
        profile[d.code] = rating
    parts = {}
    for s in steps:
        dim = s.dimension
        if dim is None:
            continue
        rating = suggested.get(s.code)
        parts[s.code] = {
            "rating": rating,
            "anchor": dim.anchors[dim.position(rating)] if dim.anchors else "",
            "rules": [r for r in reasons if r.kind == "rating" and r.track == s.code],
        }
    return {
        "emergency": emergency_triggers(rs, profile, flags, reasons, chosen),
        "flags": [code for code, on in flags.items() if on],
        "parts": parts,
    }


@require_POST
def step_suggest(request, pk, step):
    """htmx: the suggested rating for the answers on screen (nothing is saved)."""
    assessment = assessment_get_for_user(user=request.user, pk=pk, edit=True)
    rs = ports.compiled(assessment.rule_set)
    current = get_step(rs, step)
    page = page_of(rs, step)
    if current is None or current.dimension is None:
        raise Http404
    forms, _ = _page_forms(assessment, page, request.POST, partial=True)
    audit.record_access(assessment, page=f"suggestion {current.code}")
    checked = [form.is_valid() for _, form in forms]
    valid = all(checked)
    live = _live(assessment, request.POST, forms)
    return render(
        request,
        "intake/_suggestion.html",
        {
            "suggestion": live["parts"][current.code] if valid else None,
            "invalid": not valid,
            "emergency": live["emergency"],
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
                "Confirm the ratings together first: tick the box above the button.",
            )
        else:
            try:
                ports.recommend(assessment=assessment, user=request.user)
            except IntakeError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("placement:recommendation", pk=assessment.pk)
    audit.record_access(assessment, page="wizard summary")
    steps = step_view(assessment, rs)
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
    titles = {s.code: s.title for s in wizard_steps(rs)}
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
            "missing": [(m, titles.get(m, m)) for m in missing_steps(assessment)],
            "unjustified": unjustified_lower_ratings(assessment, suggested),
            "flags": [f for f in rs.flags if flags.get(f.code)],
        },
    )
