"""Notification emails. They never carry patient names, record numbers or birth dates (email is
not a secure channel): only a placement number, the program, and a link to sign in.
Each email has an idempotency key so that a task run twice sends nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.roles import Role
from placement.models import Placement, SentNotification


def _send_once(*, key: str, user, subject: str, template: str, context: dict) -> bool:
    if not user.email or SentNotification.objects.filter(key=key).exists():
        return False
    body = render_to_string(template, {**context, "user": user, "base": settings.STEPWISE_BASE_URL})
    SentNotification.objects.create(key=key, recipient=user, subject=subject)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


def program_supervisors(program):
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__program=program, memberships__role=Role.SUPERVISOR
        )
        .distinct()
    )


def notify_supervisors_of_submission(placement: Placement) -> None:
    urgent = "Urgent: " if placement.emergency else ""
    subject = f"{urgent}Placement {placement.pk} is waiting for review"
    for user in program_supervisors(placement.program):
        _send_once(
            key=f"submitted:{placement.pk}:{user.pk}",
            user=user,
            subject=subject,
            template="emails/submitted.txt",
            context={
                "placement": placement,
                "url": reverse("placement:review_detail", args=[placement.pk]),
            },
        )


def notify_clinician_of_return(placement: Placement) -> None:
    _send_once(
        key=f"returned:{placement.pk}",
        user=placement.submitted_by,
        subject=f"Placement {placement.pk} was returned for revision",
        template="emails/returned.txt",
        context={
            "placement": placement,
            "url": reverse("intake:assessment_detail", args=[placement.assessment_id]),
        },
    )


def notify_clinician_of_approval(placement: Placement) -> None:
    _send_once(
        key=f"approved:{placement.pk}",
        user=placement.submitted_by,
        subject=f"Placement {placement.pk} was approved",
        template="emails/approved.txt",
        context={
            "placement": placement,
            "url": reverse("intake:assessment_detail", args=[placement.assessment_id]),
        },
    )


def send_overdue_digest(*, on_date) -> int:
    """One email per supervisor with placements waiting longer than their program's review
    target. Keyed by date: running the digest twice a day sends it once."""
    from placement.selectors import overdue_counts_by_supervisor

    sent = 0
    for user, count in overdue_counts_by_supervisor():
        sent += _send_once(
            key=f"digest:{on_date.isoformat()}:{user.pk}",
            user=user,
            subject=f"{count} placement review(s) overdue",
            template="emails/digest.txt",
            context={"count": count, "url": reverse("placement:review_queue") + "?overdue=1"},
        )
    return sent
