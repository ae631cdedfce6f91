"""Supervisor pages: the review queue and the review of one placement; the placement PDF."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Program
from accounts.reauth import ReauthLocked
from accounts.roles import Role
from accounts.selectors import user_has_role
from audit import writer as audit
from intake.consents import DisclosureForm, disclosure_record
from intake.models import ConsentScope
from placement.explain import level_choices
from placement.forms import OverrideForm, ReturnForm, SignatureForm
from placement.models import PlacementDocument, PlacementStatus
from placement.selectors import (
    QUEUE_VIEWS,
    QueueFilters,
    is_overdue,
    placement_context,
    placement_get_for_supervisor,
    placement_get_for_user,
    queue_counts,
    queue_level_choices,
    queue_view,
    review_queue_for_user,
    supervised_program_ids,
)
from placement.services.documents import placement_render_pdf, render_html_pdf
from placement.services.reviews import (
    ReviewError,
    review_approve,
    review_claim,
    review_override,
    review_release,
    review_return,
)
from rulesets.loader import engine_rule_set

PAGE_SIZE = 25
MAX_PAGES = 40  # the queue is worked from the top; filters find the rest


def _require_supervisor(user) -> None:
    if not user_has_role(user=user, role=Role.SUPERVISOR):
        raise PermissionDenied("The review queue is for supervisors.")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request) -> QueueFilters:
    g = request.GET
    discrepancy = {"yes": True, "no": False}.get(g.get("discrepancy", ""))
    return QueueFilters(
        program=_int(g.get("program")),
        clinician=_int(g.get("clinician")),
        level=g.get("level") or None,
        discrepancy=discrepancy,
        waiting_hours=_int(g.get("waiting")),
        overdue=g.get("overdue") == "1",
        status=g.get("status") or None,
    )


def review_queue(request):
    _require_supervisor(request.user)
    filters = _filters(request)
    paginator = Paginator(review_queue_for_user(user=request.user, filters=filters), PAGE_SIZE)
    counts = queue_counts(user=request.user)
    view = queue_view(filters)
    unfiltered = filters == QueueFilters(status=filters.status)
    if unfiltered and view in ("open", "submitted", "in_review"):
        paginator.count = counts[view]  # already counted: do not count 100,000 rows twice
    wanted = _int(request.GET.get("page")) or 1
    if wanted > MAX_PAGES:  # deep pages would make the database skip every row before them
        messages.info(
            request,
            f"The queue lists the first {MAX_PAGES * PAGE_SIZE} placements in order; "
            "use the filters to find the others.",
        )
    page = paginator.get_page(min(wanted, MAX_PAGES))
    now = timezone.now()
    rows = [{"p": p, "overdue": is_overdue(p, now)} for p in page]
    if rows:
        audit.record_view(
            page="review_queue", patients=[r["p"].assessment.patient_id for r in rows]
        )
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "view": view,
        "view_title": QUEUE_VIEWS[view]
        if not (filters.overdue and view == "open")
        else "Past the review target",
        "counts": counts,
        "filters_active": any(
            (
                filters.program,
                filters.clinician,
                filters.level,
                filters.discrepancy is not None,
                filters.waiting_hours,
                filters.overdue,
            )
        ),
    }
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "placement/_queue_results.html", context)
    program_ids = supervised_program_ids(request.user)

    context.update(
        {
            "programs": Program.objects.filter(pk__in=program_ids),
            "clinicians": get_user_model()
            .objects.filter(
                memberships__program_id__in=program_ids, memberships__role=Role.CLINICIAN
            )
            .distinct()
            .order_by("last_name", "first_name"),
            "level_groups": queue_level_choices(user=request.user),
        }
    )
    return render(request, "placement/review_queue.html", context)


@require_POST
def queue_claim(request, pk):
    """htmx: claim from the queue; the row is swapped in place."""
    _require_supervisor(request.user)
    placement = placement_get_for_supervisor(user=request.user, pk=pk)
    error = None
    try:
        placement = review_claim(placement_id=placement.pk, user=request.user)
    except ReviewError as exc:
        error = str(exc)
        placement = placement_get_for_supervisor(user=request.user, pk=pk)
    row = {"p": placement, "overdue": is_overdue(placement), "error": error}
    if request.htmx:
        audit.record_view(page="review_queue", patients=[placement.assessment.patient_id])
        shown = parse_qs(urlsplit(request.htmx.current_url or "").query)
        filters = QueueFilters(
            status=(shown.get("status") or [None])[0], overdue=shown.get("overdue") == ["1"]
        )
        context = {
            "row": row,
            "oob_counts": queue_counts(user=request.user),
            "view": queue_view(filters),
            "filters": filters,
        }
        return render(request, "placement/_queue_row.html", context)
    if error:
        messages.error(request, error)
    return redirect("placement:review_detail", pk=pk)


def review_detail(request, pk):
    _require_supervisor(request.user)
    placement = placement_get_for_supervisor(user=request.user, pk=pk)
    audit.record_access(placement.assessment)
    return render(request, "placement/review_detail.html", _review_context(request, placement))


def _review_context(request, placement, **forms) -> dict:
    context = placement_context(placement)
    rs = engine_rule_set(placement.recommendation.rule_set)
    adolescent = context["explanation"].adolescent
    mine = (
        placement.status == PlacementStatus.IN_REVIEW and placement.reviewer_id == request.user.pk
    )
    context.update(
        {
            "mine": mine,
            "overdue": is_overdue(placement),
            "sign_form": forms.get("sign_form") or SignatureForm(user=request.user),
            "return_form": forms.get("return_form") or ReturnForm(),
            "override_form": forms.get("override_form")
            or OverrideForm(
                user=request.user,
                treatment_choices=level_choices(rs, rs.primary_track, adolescent),
                withdrawal_choices=level_choices(rs, rs.withdrawal_track, adolescent)
                if placement.indicated_withdrawal_level
                else [],
                initial={"override_level": placement.provided_level},
            ),
            "rounds": list(
                placement.assessment.placements.exclude(pk=placement.pk)
                .select_related("reviewer")
                .order_by("round")
            ),
        }
    )
    return context


def _respond(request, placement, error=None, status=200, **forms):
    """The review page again, with the forms' errors or the refusal's reason."""
    if error:
        messages.error(request, error)
    placement = placement_get_for_supervisor(user=request.user, pk=placement.pk)
    audit.record_access(placement.assessment)
    return render(
        request,
        "placement/review_detail.html",
        _review_context(request, placement, **forms),
        status=status,
    )


@require_POST
def review_action(request, pk, action):
    _require_supervisor(request.user)
    placement = placement_get_for_supervisor(user=request.user, pk=pk)
    try:
        if action == "claim":
            review_claim(placement_id=pk, user=request.user)
            return redirect("placement:review_detail", pk=pk)
        if action == "release":
            review_release(placement_id=pk, user=request.user)
            messages.info(request, "Released: the placement is back in the queue.")
            return redirect("placement:review_queue")
        if action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return _respond(request, placement, status=400, return_form=form)
            review_return(placement_id=pk, user=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, "Returned to the clinician with your comment.")
            return redirect("placement:review_queue")
        if action == "approve":
            form = SignatureForm(request.POST, user=request.user, request=request)
            if not form.is_valid():
                return _respond(request, placement, status=400, sign_form=form)
            review_approve(placement_id=pk, user=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, "Approved and signed.")
            return redirect("placement:review_detail", pk=pk)
        if action == "override":
            rs = engine_rule_set(placement.recommendation.rule_set)
            adolescent = bool(placement.recommendation.flags.get(rs.adolescent_flag))
            form = OverrideForm(
                request.POST,
                user=request.user,
                request=request,
                treatment_choices=level_choices(rs, rs.primary_track, adolescent),
                withdrawal_choices=level_choices(rs, rs.withdrawal_track, adolescent)
                if placement.indicated_withdrawal_level
                else [],
            )
            if not form.is_valid():
                return _respond(request, placement, status=400, override_form=form)
            review_override(
                placement_id=pk,
                user=request.user,
                level=form.cleaned_data["override_level"],
                withdrawal_level=form.cleaned_data.get("override_withdrawal_level", ""),
                reason=form.cleaned_data["override_reason"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, "Overridden and signed.")
            return redirect("placement:review_detail", pk=pk)
    except ReviewError as exc:
        return _respond(request, placement, error=str(exc), status=409)
    except ReauthLocked as exc:
        messages.error(request, str(exc))
        return redirect("login")
    raise Http404


def placement_pdf(request, pk):
    """The signed placement's PDF, for members of its program (each download is audited)."""
    placement = placement_get_for_user(user=request.user, pk=pk)
    if placement.status != PlacementStatus.SIGNED:
        raise Http404
    document = PlacementDocument.objects.filter(placement=placement).first()
    if document is None:  # the worker has not rendered it yet: render it now, once
        document = placement_render_pdf(placement)
    audit.record_access(placement)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="placement-{placement.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def placement_disclose(request, pk):
    """Disclose a signed placement's PDF to a recipient under a consent: the consent is chosen,
    the disclosure is recorded, and the PDF names the recipient and carries the Part 2 notice."""

    placement = placement_get_for_user(user=request.user, pk=pk)
    if placement.status != PlacementStatus.SIGNED:
        raise Http404
    patient = placement.assessment.patient
    form = DisclosureForm(request.POST or None, patient=patient, scope=ConsentScope.PLACEMENT)
    if request.method == "POST" and form.is_valid():
        try:
            disclosure = disclosure_record(
                consent=form.cleaned_data["consent"],
                user=request.user,
                what=f"Level-of-care placement {placement.label} (PDF)",
                method="PDF download",
                placement_id=placement.pk,
                scope=ConsentScope.PLACEMENT,
            )
        except ValidationError as exc:
            form.add_error("consent", exc)
        else:
            context = {**placement_context(placement), "disclosure": disclosure}
            pdf = render_html_pdf(render_to_string("pdf/placement.html", context))
            audit.record_access(placement)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="placement-{placement.pk}-disclosure-{disclosure.pk}.pdf"'
            )
            response["Cache-Control"] = "no-store"
            return response
    audit.record_access(placement, page="disclose")
    return render(
        request,
        "placement/disclose.html",
        {"placement": placement, "patient": patient, "form": form},
        status=400 if form.errors else 200,
    )
