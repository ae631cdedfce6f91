"""What each role's home page shows. Each section's data comes from the app that owns it."""

from django.utils import timezone

from accounts.editions import edition_name
from accounts.selectors import programs_for_user, user_roles
from intake.selectors import drafts_for_clinician
from placement.selectors import (
    failed_work_counts,
    queue_counts,
    recently_signed_for_clinician,
    returned_for_clinician,
    review_queue_for_user,
    reviews_due_for_clinician,
)
from rulesets.editor.selectors import new_rules_notices
from rulesets.models import RuleSet


def _patients_shown(sections) -> list[int]:
    """The patients whose names or levels the page will show (for the audit entry)."""
    ids = []
    for section in sections:
        for key in ("returned", "reviews_due", "signed", "top"):
            ids.extend(p.assessment.patient_id for p in section.get(key, ()))
        ids.extend(a.patient_id for a in section.get("drafts", ()))
    return ids


def home_sections(*, user) -> dict:
    roles = user_roles(user=user)
    sections = []
    if "clinician" in roles:
        sections.append(
            {
                "template": "accounts/_home_clinician.html",
                "returned": list(returned_for_clinician(user=user)[:20]),
                "drafts": list(drafts_for_clinician(user=user)[:20]),
                "reviews_due": reviews_due_for_clinician(user=user, limit=20),
                "signed": list(recently_signed_for_clinician(user=user)[:10]),
            }
        )
    if "supervisor" in roles:
        sections.append(
            {
                "template": "accounts/_home_supervisor.html",
                "counts": queue_counts(user=user),
                "top": list(
                    review_queue_for_user(user=user).select_related("recommendation__rule_set")[:5]
                ),
            }
        )
    if "rule_admin" in roles or "admin" in roles:
        sections.append(
            {
                "template": "accounts/_home_rule_admin.html",
                "rule_sets": list(
                    RuleSet.objects.exclude(status="retired").order_by("name", "-version")
                ),
            }
        )
    if "admin" in roles:
        sections.append({"template": "accounts/_home_admin.html", **failed_work_counts()})
    new_rules, switches = [], []
    if roles & {"clinician", "supervisor"}:
        new_rules = new_rules_notices(user=user)
        today = timezone.localdate()
        switches = [
            {
                "program": p,
                "edition": edition_name(p.switch_to),
                "on": p.switch_on,
            }
            for p in programs_for_user(user=user)
            if p.switch_to and p.switch_on and p.switch_on > today
        ]
    return {
        "new_rules": new_rules,
        "edition_switches": switches,
        "patients_shown": _patients_shown(sections),
        "roles": roles,
        "programs": list(programs_for_user(user=user)),
        "sections": sections,
        "today": timezone.localdate(),
    }
