"""Background work a placement needs (notifications, its PDF), made impossible to lose or to
do twice.

``work_add`` writes a WorkItem row in the caller's transaction and enqueues the task only after
commit (``config.tasks``: one quick try). If the broker is down or frozen the enqueue fails
quietly within about a second: the row stays undone and the periodic sweeper sends it again.
``work_run`` counts the attempt in its own committed transaction, then does the work:

- notifications: the emails are planned as outbox rows (one per recipient, committed), then
  each is delivered once (see ``notifications``); the item is done when no email is waiting;
- the PDF: rendered and stored under the item's row lock (a second run finds it stored).

A failing item waits longer before each new try and is marked failed after
``WorkItem.MAX_ATTEMPTS``; failed items and emails are listed for superusers."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from config.tasks import enqueue, enqueue_on_commit
from placement.models import EmailStatus, OutboxEmail, Placement, WorkItem, WorkKind
from placement.services.documents import placement_render_pdf

from . import notifications

log = logging.getLogger(__name__)

NOTIFY = {
    WorkKind.NOTIFY_SUPERVISORS: notifications.notify_supervisors_of_submission,
    WorkKind.NOTIFY_RETURNED: notifications.notify_clinician_of_return,
    WorkKind.NOTIFY_APPROVED: notifications.notify_clinician_of_approval,
}


RUN_WORK_ITEM = "placement.run_work_item"


def work_add(*, placement: Placement, kind: str) -> WorkItem:
    item, _ = WorkItem.objects.get_or_create(placement=placement, kind=kind)
    WorkItem.objects.filter(pk=item.pk).update(last_sent_at=timezone.now())
    enqueue_on_commit(RUN_WORK_ITEM, item.pk)
    return item


def _claim_attempt(item_id: int) -> WorkItem | None:
    """Count one attempt, committed before any work starts; None when nothing is due."""
    now = timezone.now()
    with transaction.atomic():
        item = (
            WorkItem.objects.select_for_update()
            .select_related("placement")
            .filter(pk=item_id, done_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if item is None or (item.next_attempt_at and item.next_attempt_at > now):
            return None
        item.attempts += 1
        item.last_sent_at = now
        item.save(update_fields=["attempts", "last_sent_at"])
        return item


def _record_failure(item: WorkItem, exc: Exception) -> None:
    failed = item.attempts >= WorkItem.MAX_ATTEMPTS
    WorkItem.objects.filter(pk=item.pk).update(
        last_error=type(exc).__name__[:200],
        failed_at=timezone.now() if failed else None,
        next_attempt_at=None if failed else timezone.now() + notifications.backoff(item.attempts),
    )
    log.warning("work item %s failed (attempt %s): %s", item.pk, item.attempts, type(exc).__name__)


def _render_pdf(item: WorkItem) -> None:

    with transaction.atomic():
        locked = WorkItem.objects.select_for_update().get(pk=item.pk)
        if locked.done_at is not None:
            return
        placement_render_pdf(item.placement)
        WorkItem.objects.filter(pk=item.pk).update(done_at=timezone.now(), last_error="")


def _settle_notifications(item: WorkItem) -> None:
    """Done when no email of the item is waiting; failed when one of them failed or was
    interrupted; otherwise due again when its next email is."""
    emails = OutboxEmail.objects.filter(work_item=item)
    waiting = emails.filter(status__in=[EmailStatus.PENDING, EmailStatus.SENDING])
    if waiting.exists():
        due = waiting.aggregate(
            pending=Min("next_attempt_at", filter=Q(status=EmailStatus.PENDING)),
            sending=Min("claimed_at", filter=Q(status=EmailStatus.SENDING)),
        )
        later = [due["pending"] or timezone.now()]
        if due["sending"]:
            later.append(due["sending"] + timedelta(seconds=notifications.SENDING_STALE_S))
        WorkItem.objects.filter(pk=item.pk).update(next_attempt_at=min(later))
        return
    bad = emails.filter(status__in=[EmailStatus.FAILED, EmailStatus.UNKNOWN]).count()
    now = timezone.now()
    if bad:
        WorkItem.objects.filter(pk=item.pk).update(
            failed_at=now, last_error=f"{bad} email(s) could not be delivered"
        )
    else:
        WorkItem.objects.filter(pk=item.pk).update(done_at=now, last_error="")


def work_run(*, item_id: int) -> bool:
    """Do one work item if it is due and not done yet. Returns True when this call finished
    it. Never raises for a failure of the work itself: the failure is recorded."""
    item = _claim_attempt(item_id)
    if item is None:
        return False
    try:
        if item.kind == WorkKind.RENDER_PDF:
            _render_pdf(item)
        else:
            with transaction.atomic():
                NOTIFY[WorkKind(item.kind)](item.placement, work_item=item)
            pending = OutboxEmail.objects.filter(work_item=item, status=EmailStatus.PENDING)
            for email_id in pending.order_by("pk").values_list("pk", flat=True):
                notifications.outbox_deliver(email_id=email_id)
            _settle_notifications(item)
    except Exception as exc:
        _record_failure(item, exc)
        return False
    return WorkItem.objects.filter(pk=item.pk, done_at__isnull=False).exists()


def work_retry(*, item: WorkItem) -> None:
    """A superuser's "try again" on failed work: its failed or interrupted emails wait again
    (an interrupted one may then reach its recipient twice - the superuser decides)."""
    with transaction.atomic():
        OutboxEmail.objects.filter(
            work_item=item, status__in=[EmailStatus.FAILED, EmailStatus.UNKNOWN]
        ).update(status=EmailStatus.PENDING, attempts=0, next_attempt_at=None)
        WorkItem.objects.filter(pk=item.pk).update(
            failed_at=None, attempts=0, next_attempt_at=None, last_error=""
        )
        enqueue_on_commit(RUN_WORK_ITEM, item.pk)


def work_sweep(*, older_than_s: int | None = None) -> int:
    """Periodic: mark interrupted emails, deliver due emails that belong to no item (the
    digest), and re-send every undone item that is due - one not sent in the last
    ``older_than_s`` seconds, or whose wait after a failure is over. Returns how many items
    were re-sent."""
    notifications.outbox_mark_interrupted()
    orphans = notifications.outbox_due().filter(work_item=None).values_list("pk", flat=True)
    for email_id in orphans[:500]:
        notifications.outbox_deliver(email_id=email_id)
    age = settings.STEPWISE_SWEEP_AFTER_S if older_than_s is None else older_than_s
    now = timezone.now()
    cutoff = now - timedelta(seconds=age)
    due = WorkItem.objects.filter(done_at__isnull=True, failed_at__isnull=True).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, last_sent_at__isnull=True)
        | Q(next_attempt_at__isnull=True, last_sent_at__lte=cutoff)
    )
    sent = 0
    for item_id in due.order_by("pk").values_list("pk", flat=True)[:500]:
        if not enqueue(RUN_WORK_ITEM, item_id):
            break  # the broker is unreachable: the next sweep tries again
        WorkItem.objects.filter(pk=item_id).update(last_sent_at=timezone.now())
        sent += 1
    return sent
