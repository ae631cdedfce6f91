"""Background work a placement needs (notifications, its PDF), made impossible to lose.

``work_add`` writes a WorkItem row in the caller's transaction and enqueues the task only after
commit. If the broker is down the enqueue fails quietly: the row stays undone and the periodic
sweeper sends it again later. ``work_run`` is idempotent: it locks the row, does nothing if the
work is done, and marks it done in the same transaction as the work's own records (the stored PDF,
the sent-notification keys), so a task run twice changes nothing the second time."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from placement.models import Placement, WorkItem, WorkKind

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send ``task`` after the transaction commits; a broker failure is logged, not raised
    (the database row is the truth, and the sweeper re-sends)."""

    def send():
        try:
            task.delay(*args)
        except Exception as exc:  # broker unreachable: leave it to the sweeper
            log.warning("could not enqueue %s%s: %s", task.name, args, type(exc).__name__)

    transaction.on_commit(send, robust=True)


def work_add(*, placement: Placement, kind: str) -> WorkItem:
    from placement.tasks import run_work_item

    item, _ = WorkItem.objects.get_or_create(placement=placement, kind=kind)
    WorkItem.objects.filter(pk=item.pk).update(last_sent_at=timezone.now())
    enqueue_on_commit(run_work_item, item.pk)
    return item


def _handlers():
    from placement.services import documents, notifications

    return {
        WorkKind.NOTIFY_SUPERVISORS: notifications.notify_supervisors_of_submission,
        WorkKind.NOTIFY_RETURNED: notifications.notify_clinician_of_return,
        WorkKind.NOTIFY_APPROVED: notifications.notify_clinician_of_approval,
        WorkKind.RENDER_PDF: documents.placement_render_pdf,
    }


def work_run(*, item_id: int) -> bool:
    """Do one work item if it is not done yet. Returns True when this call did the work."""
    with transaction.atomic():
        item = (
            WorkItem.objects.select_for_update()
            .select_related("placement")
            .filter(pk=item_id)
            .first()
        )
        if item is None or item.done_at is not None:
            return False
        WorkItem.objects.filter(pk=item.pk).update(attempts=F("attempts") + 1)
        _handlers()[item.kind](item.placement)
        WorkItem.objects.filter(pk=item.pk).update(done_at=timezone.now(), last_error="")
        return True


def work_record_failure(*, item_id: int, error: str) -> None:
    WorkItem.objects.filter(pk=item_id).update(last_error=error[:200])


def work_sweep(*, older_than_s: int | None = None) -> int:
    """Re-send every undone work item not sent in the last ``older_than_s`` seconds.
    Returns how many were re-sent."""
    from placement.tasks import run_work_item

    age = settings.STEPWISE_SWEEP_AFTER_S if older_than_s is None else older_than_s
    cutoff = timezone.now() - timedelta(seconds=age)
    stale = WorkItem.objects.filter(done_at__isnull=True).filter(
        Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=cutoff)
    )
    sent = 0
    for item_id in stale.values_list("pk", flat=True)[:500]:
        try:
            run_work_item.delay(item_id)
        except Exception as exc:
            log.warning("sweeper could not reach the broker: %s", type(exc).__name__)
            break
        WorkItem.objects.filter(pk=item_id).update(last_sent_at=timezone.now())
        sent += 1
    return sent
