"""Notification emails through a durable outbox (``OutboxEmail``), one row per recipient.

Emails never carry patient names, record numbers or birth dates (email is not a secure
channel): only a placement number, the program, and a link to sign in.

Exactly once per recipient: ``outbox_add`` commits the row (keyed, so adding it twice adds
nothing); ``outbox_deliver`` claims the row - status *sending*, attempt counted - in its own
committed transaction, then calls the mail server, then records *sent*. Whatever fails after
the claim (the database connection, the worker being killed) leaves the row *sending*: it is
never sent again automatically but becomes *unknown* for a superuser to look at. A refusal
from the mail server leaves the row *pending* with a growing wait (temporary, 4xx) or marks
it *failed* (permanent, 5xx, or after ``OutboxEmail.MAX_ATTEMPTS``)."""

from __future__ import annotations

import smtplib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from placement.models import EmailStatus, OutboxEmail, Placement
from placement.selectors import overdue_counts_by_supervisor

# A row still *sending* this long after it was claimed was interrupted mid-send.
SENDING_STALE_S = 10 * 60


def backoff(attempts: int) -> timedelta:
    """The wait before the next try: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def outbox_add(*, key: str, user, subject: str, template: str, context: dict, work_item=None):
    """The row for one email (created once per key). None when the person has no address."""
    if not user.email:
        return None
    body = render_to_string(template, {**context, "user": user, "base": settings.STEPWISE_BASE_URL})
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    email, _ = OutboxEmail.objects.get_or_create(
        key=key,
        defaults={
            "work_item": work_item,
            "recipient": user,
            "to_address": user.email,
            "subject": subject,
            "body": body,
            "message_id": f"<{uuid.uuid4().hex}@{domain}>",
        },
    )
    return email


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return min(codes) if codes else None
    return getattr(exc, "smtp_code", None)


def _describe(exc: Exception) -> str:
    code = _smtp_code(exc)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]


def outbox_deliver(*, email_id: int) -> str:
    """Send one pending, due email. Returns the row's status afterwards ("skipped" when the
    row was not pending, not due, or claimed by someone else)."""
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=EmailStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if email is None:
            return "skipped"
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.claimed_at = now
        email.save(update_fields=["status", "attempts", "claimed_at"])
    # Committed. From here on a crash leaves the row "sending": never a second copy.
    try:
        EmailMessage(
            email.subject,
            email.body,
            settings.DEFAULT_FROM_EMAIL,
            [email.to_address],
            headers={"Message-ID": email.message_id} if email.message_id else None,
        ).send()
    except Exception as exc:  # the mail server refused, or could not be reached
        code = _smtp_code(exc)
        permanent = code is not None and 500 <= code < 600
        if permanent or email.attempts >= OutboxEmail.MAX_ATTEMPTS:
            status, wait = EmailStatus.FAILED, None
        else:
            status, wait = EmailStatus.PENDING, timezone.now() + backoff(email.attempts)
        OutboxEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
            status=status, next_attempt_at=wait, last_error=_describe(exc)
        )
        return status
    _mark_sent(email)
    return EmailStatus.SENT


def _mark_sent(email: OutboxEmail) -> None:
    OutboxEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def outbox_mark_interrupted(*, older_than_s: int = SENDING_STALE_S) -> int:
    """Rows left *sending* by a process that died: *unknown* (not re-sent)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return OutboxEmail.objects.filter(status=EmailStatus.SENDING, claimed_at__lt=cutoff).update(
        status=EmailStatus.UNKNOWN, last_error="interrupted while sending"
    )


def outbox_due():
    """Pending emails whose wait is over."""
    now = timezone.now()
    return (
        OutboxEmail.objects.filter(status=EmailStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
    )


def program_supervisors(program):
    return (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__program=program, memberships__role=Role.SUPERVISOR
        )
        .distinct()
        .order_by("pk")
    )


# -- the notifications: each plans its rows (the work item then delivers them) ---------------


def notify_supervisors_of_submission(placement: Placement, work_item=None) -> None:
    urgent = "Urgent: " if placement.emergency else ""
    subject = f"{urgent}Placement {placement.label} is waiting for review"
    for user in program_supervisors(placement.program):
        outbox_add(
            key=f"submitted:{placement.pk}:{user.pk}",
            user=user,
            subject=subject,
            template="emails/submitted.txt",
            context={
                "placement": placement,
                "url": reverse("placement:review_detail", args=[placement.pk]),
            },
            work_item=work_item,
        )


def notify_clinician_of_return(placement: Placement, work_item=None) -> None:
    outbox_add(
        key=f"returned:{placement.pk}",
        user=placement.submitted_by,
        subject=f"Placement {placement.label} was returned for revision",
        template="emails/returned.txt",
        context={
            "placement": placement,
            "url": reverse("portal:assessment_detail", args=[placement.assessment_id]),
        },
        work_item=work_item,
    )


def notify_clinician_of_approval(placement: Placement, work_item=None) -> None:
    outbox_add(
        key=f"approved:{placement.pk}",
        user=placement.submitted_by,
        subject=f"Placement {placement.label} was approved",
        template="emails/approved.txt",
        context={
            "placement": placement,
            "url": reverse("portal:assessment_detail", args=[placement.assessment_id]),
        },
        work_item=work_item,
    )


def send_overdue_digest(*, on_date) -> int:
    """One email per supervisor with placements waiting longer than their program's review
    target. Keyed by date: running the digest twice a day sends it once."""

    sent = 0
    for user, count in overdue_counts_by_supervisor():
        email = outbox_add(
            key=f"digest:{on_date.isoformat()}:{user.pk}",
            user=user,
            subject=f"{count} placement review(s) overdue",
            template="emails/digest.txt",
            context={"count": count, "url": reverse("placement:review_queue") + "?overdue=1"},
        )
        if email is not None:
            sent += outbox_deliver(email_id=email.pk) == EmailStatus.SENT
    return sent
