"""Writing the audit log of patient data: every create and change through django-auditlog's
model registry (each app registers its models), and every response that shows a patient's
identity or clinical data through one ACCESS entry (user, time and source address filled in by
the audit middleware):

- ``record_access(instance)`` for a page about one record;
- ``record_view(page=..., patients=...)`` for a page that shows several patients (a list, a
  search, the review queue, the home page), naming every patient shown.

Searches are recorded as performed - what kind of search and a keyed digest of the term, so an
auditor holding a term can check whether it was searched - never the term itself."""

from __future__ import annotations

import hashlib
import hmac

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

# The model a page that shows several patients is logged against (by name: the audit writer
# sits below the apps whose pages it records and imports none of them).
PATIENT_MODEL = ("intake", "patient")

# What each page is called in the audit log.
PAGES = {
    "home": "Home page",
    "patient_list": "Patient list",
    "patient_search": "Patient search",
    "patient_register": "Possible duplicates when registering a patient",
    "review_queue": "Review queue",
    "audit_log": "Audit log",
}


def search_digest(term: str) -> str:
    """A keyed digest of a search term (case and spacing ignored): the same term always gives
    the same digest, and the term cannot be read back from it."""
    normal = " ".join(term.lower().split())
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()[:32]


def record_access(instance, page: str = "") -> LogEntry:
    """One ACCESS entry for a page about ``instance`` (its patient comes from the model's
    ``get_additional_data``)."""
    extra = dict(instance.get_additional_data()) if hasattr(instance, "get_additional_data") else {}
    if page:
        extra["page"] = page
    return LogEntry.objects.log_create(
        instance, force_log=True, action=LogEntry.Action.ACCESS, additional_data=extra
    )


def record_view(*, page: str, patients, **detail) -> LogEntry:
    """One ACCESS entry for a page that showed ``patients`` (ids)."""
    ids = sorted({int(p) for p in patients})
    label = PAGES.get(page, page)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_by_natural_key(*PATIENT_MODEL),
        object_pk="",
        object_repr=f"{label}: {len(ids)} patient{'s' if len(ids) != 1 else ''} shown",
        action=LogEntry.Action.ACCESS,
        additional_data={"page": page, "patient_ids": ids, **detail},
    )
