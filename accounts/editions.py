"""The ASAM Criteria editions a program can run: one list of names for programs, rule sets and
the audit log."""

NAMES = {"3": "3rd edition", "4": "4th edition"}
YEARS = {"3": 2013, "4": 2023}
CHOICES = [(code, f"{name} ({YEARS[code]})") for code, name in NAMES.items()]


def edition_name(code) -> str:
    """ "4th edition" for "4"; an edition not listed is named by its code."""
    return NAMES.get(str(code), f"edition {code}")
