"""The ASAM Criteria editions a program can run: one list of names for programs, rule sets and
the audit log."""

import datetime

from django.utils import timezone

NAMES = {"3": "3rd edition", "4": "4th edition"}
YEARS = {"3": 2013, "4": 2023}
CHOICES = [(code, f"{name} ({YEARS[code]})") for code, name in NAMES.items()]


def edition_name(code) -> str:
    """ "4th edition" for "4"; an edition not listed is named by its code."""
    return NAMES.get(str(code), f"edition {code}")


def edition_plan(program, today=None) -> str:
    """In words, which edition the program's new assessments use, now and after a switch:
    "3rd edition until 1 July 2027, then 4th edition"."""

    today = today or timezone.localdate()
    now = edition_name(program.edition_on(today))
    if program.switch_to and program.switch_on and program.switch_on > today:
        day = program.switch_on
        when = f"{day.day} {day.strftime('%B %Y')}" if isinstance(day, datetime.date) else day
        return f"{now}; from {when}, {edition_name(program.switch_to)}"
    return now
