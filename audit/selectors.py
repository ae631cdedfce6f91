"""Reads of the audit trail (django-auditlog's LogEntry), for superusers.

At a million entries the page must not count them or sort them all: entries are read newest
first through the timestamp index, a page at a time with a cursor (the time and id of the last
entry shown), and a patient filter goes through the (patient, time) index of PatientLink."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.editions import NAMES as EDITIONS
from accounts.editions import edition_name
from intake.models import Patient

from .models import PatientLink, patient_ids_of
from .signins import EVENTS

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}
PAGE_SIZE = 50


@dataclass
class AuditFilters:
    patient: str = ""  # a name or an MRN, as typed
    user: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    patient_ids: list[int] = field(default_factory=list)  # resolved from ``patient``

    def as_dict(self) -> dict:
        return {
            "patient_ids": self.patient_ids,
            "user": self.user,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def patients_matching(text: str) -> list:
    """Patients whose MRN is ``text``, or whose name matches it (given, family, or both)."""

    text = " ".join(text.split())
    if not text:
        return []
    words = text.split(" ")
    q = Q(mrn__iexact=text)
    if len(words) == 1:
        q |= Q(given_name__iexact=text) | Q(family_name__iexact=text)
    else:
        q |= Q(given_name__iexact=words[0], family_name__iexact=" ".join(words[1:]))
        q |= Q(family_name__iexact=words[0], given_name__iexact=" ".join(words[1:]))
    return list(Patient.objects.filter(q).select_related("program")[:20])


def _day_start(d: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))


def audit_entries(filters: AuditFilters) -> QuerySet[LogEntry]:
    """Entries matching the filters, newest first (a timestamp range, not a date cast)."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    if filters.patient_ids:
        links = PatientLink.objects.filter(patient_id__in=filters.patient_ids)
        if filters.since:
            links = links.filter(timestamp__gte=_day_start(filters.since))
        if filters.until:
            links = links.filter(timestamp__lt=_day_start(filters.until + datetime.timedelta(1)))
        qs = qs.filter(pk__in=links.values("entry_id"))
    if filters.user:
        qs = qs.filter(actor__username__iexact=filters.user)
    if filters.action in ACTIONS:
        qs = qs.filter(action=ACTIONS[filters.action])
    if filters.since:
        qs = qs.filter(timestamp__gte=_day_start(filters.since))
    if filters.until:
        qs = qs.filter(timestamp__lt=_day_start(filters.until + datetime.timedelta(1)))
    return qs


def audit_page(qs: QuerySet[LogEntry], cursor: str = "") -> tuple[list[LogEntry], str]:
    """One page of entries after ``cursor`` ("<timestamp>_<id>" of the last one shown) and
    the cursor of the next page ("" at the end). No count of the whole result."""
    if cursor:
        try:
            stamp, _, last_id = cursor.rpartition("_")
            at = datetime.datetime.fromisoformat(stamp)
            qs = qs.filter(Q(timestamp__lt=at) | Q(timestamp=at, id__lt=int(last_id)))
        except ValueError:
            pass
    rows = list(qs[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    following = f"{rows[-1].timestamp.isoformat()}_{rows[-1].pk}" if more and rows else ""
    return rows, following


# -- in words --------------------------------------------------------------------------------

PAGE_WORDS = {
    "home": "Viewed the home page",
    "patient_list": "Viewed the patient list",
    "patient_search": "Searched for patients",
    "patient_register": "Saw possible duplicates while registering a patient",
    "review_queue": "Viewed the review queue",
    "audit_log": "Viewed the audit log",
    "emergency": "Viewed an emergency notice",
    "disclose": "Opened the disclosure page",
    "impact preview": "Started an impact preview",
}
STATUS_WORDS = {
    "in_review": "claimed for review",
    "submitted": "released back to the queue",
    "returned": "returned to the clinician",
    "signed": "signed",
}


def describe_entry(e: LogEntry) -> str:
    """The entry in words: "Recommendation created", "Placement signed", "Viewed the
    assessment (wizard D3)", "Signed in"..."""
    data = e.additional_data or {}
    model = e.content_type.model_class() if e.content_type else None
    name = str(model._meta.verbose_name).capitalize() if model else "Record"
    if data.get("event"):
        return EVENTS.get(data["event"], data["event"])
    if e.action == LogEntry.Action.ACCESS:
        page = data.get("page", "")
        if page in PAGE_WORDS:
            return PAGE_WORDS[page]
        if page.startswith("admin"):
            return f"Viewed the {name.lower()} in administration"
        where = f" ({page})" if page else ""
        return f"Viewed the {name.lower()}{where}"
    edition = str(data.get("edition", ""))
    edition = f" ({edition_name(edition)})" if edition in EDITIONS else ""
    if e.action == LogEntry.Action.CREATE:
        return f"{name} created{edition}"
    if e.action == LogEntry.Action.DELETE:
        return f"{name} deleted"
    changes = e.changes_dict or {}
    status = changes.get("status")
    if status and len(status) == 2 and status[1] in STATUS_WORDS:
        return f"{name} {STATUS_WORDS[status[1]]}{edition}"
    fields = [str(k).replace("_", " ") for k in changes][:4]
    return f"{name} changed" + (f": {', '.join(fields)}" if fields else "")


def _local_value(value, *, iso: bool) -> str:
    """A stored value as people read it: timestamps (kept in UTC) in the one local time zone
    the page names, or ISO 8601 with the local offset for the CSV."""
    text = "" if value is None else str(value)
    if text in ("None", ""):
        return "(empty)"
    try:
        when = parse_datetime(text) if len(text) >= 19 and text[4:5] == "-" else None
    except ValueError:
        when = None
    if when is None:
        return text
    if timezone.is_naive(when):
        when = timezone.make_aware(when, datetime.UTC)
    local = timezone.localtime(when)
    return local.isoformat(timespec="seconds") if iso else local.strftime("%Y-%m-%d %H:%M")


def _structured(text) -> dict | list | None:
    """A stored JSON value (answers, ratings, steps) as data, or None for a plain value."""
    if not isinstance(text, str) or text[:1] not in ("{", "["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) else None


def _words(value) -> str:
    if value in (None, "", [], {}):
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value)
    return str(value).replace("_", " ")


def _structured_change(name: str, old, new, limit: int = 4) -> str:
    """A change of a JSON value in words: "answers: housing stable → homeless; craving 0 10
    (empty) → 6", or "completed steps: added D2", never the raw JSON."""
    if isinstance(old, list | type(None)) and isinstance(new, list | type(None)):
        before, after = old or [], new or []
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        said = [f"added {_words(added)}"] if added else []
        said += [f"removed {_words(removed)}"] if removed else []
        return f"{name}: {', '.join(said) or 'reordered'}"
    was: dict = old if isinstance(old, dict) else {}
    now: dict = new if isinstance(new, dict) else {}
    keys = [k for k in dict.fromkeys([*was, *now]) if was.get(k) != now.get(k)]
    said = [
        f"{str(k).replace('_', ' ')} {_words(was.get(k))} → {_words(now.get(k))}"
        for k in keys[:limit]
    ]
    if len(keys) > limit:
        said.append(f"and {len(keys) - limit} more")
    return f"{name}: {'; '.join(said) or 'no change'}"


def describe_changes(e: LogEntry, *, iso: bool = False, limit: int = 6) -> str:
    """What a change altered, field by field: "status: submitted → in review; decided at:
    (empty) → 2026-11-27 09:14". Times are local, never UTC."""
    if e.action == LogEntry.Action.ACCESS:
        return ""
    parts = []
    for attr, pair in list((e.changes_dict or {}).items())[:limit]:
        name = str(attr).replace("_", " ")
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old_data, new_data = (_structured(v) for v in pair)
            # JSON on both sides (or JSON beside nothing): say what changed inside it.
            plain = [
                v
                for v, d in ((pair[0], old_data), (pair[1], new_data))
                if d is None and v not in (None, "None", "")
            ]
            if (old_data is not None or new_data is not None) and not plain:
                parts.append(_structured_change(name, old_data, new_data))
                continue
            old, new = (_local_value(v, iso=iso) for v in pair)
            parts.append(f"{name}: {old} → {new}")
        else:
            parts.append(f"{name}: {_local_value(pair, iso=iso)}")
    return "; ".join(parts)


def entry_patients(entries: list[LogEntry]) -> dict[int, list]:
    """The patients each entry names (one query for the page)."""

    ids_by_entry = {e.pk: patient_ids_of(e.additional_data) for e in entries}
    wanted = {i for ids in ids_by_entry.values() for i in ids}
    patients = {p.pk: p for p in Patient.objects.filter(pk__in=wanted)}
    return {pk: [patients[i] for i in ids if i in patients] for pk, ids in ids_by_entry.items()}
