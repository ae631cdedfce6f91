"""A suggested ID for a new rule: its track (or kind), what its conditions read and its
outcome, unique in the version."""

from __future__ import annotations

from typing import Any

_ID_PREFIX = {
    "substitution": "S",
    "modifier": "M",
    "rating": "R",
    "flag": "F",
    "need": "N",
    "determination": "L",
}


def _reads(when: list[dict]) -> list[str]:
    """The dimensions, flags and questions conditions read, in order, once each."""
    out: list[str] = []
    for cond in when:
        if "any_of" in cond:
            found = _reads(cond["any_of"])
        elif "rating" in cond:
            found = [str(cond["rating"])]
        elif "at_least" in cond:
            found = [f"{cond['at_least']}-OF-{len(cond.get('of', []))}"]
        elif "flag" in cond:
            found = [str(cond["flag"])]
        elif "answer" in cond:
            found = [str(cond["answer"])]
        elif "need" in cond:
            found = ["NEEDS"]
        else:
            found = []
        out.extend(x for x in found if x not in out)
    return out


def suggested_rule_id(kind: str, fields: dict, when: list[dict], taken: set[str], rs: Any) -> str:
    """A rule ID from the track (or kind), what the conditions read and the outcome, e.g.
    T-D5-D6-3.5 for "When D5 ... and D6 ...: treatment at least 3.5"; unique in the version."""
    if kind == "placement":
        prefix = "T" if fields.get("track") == rs.primary_track else "W"
    else:
        prefix = _ID_PREFIX.get(kind, "X")
    outcome = {
        "placement": fields.get("level"),
        "substitution": fields.get("level"),
        "modifier": fields.get("modifier"),
        "rating": f"{fields.get('dimension')}-{fields.get('rating')}",
        "flag": fields.get("flag"),
        "need": fields.get("level") or fields.get("modifier"),
        "determination": fields.get("level"),
    }.get(kind)
    parts = [prefix, *_reads(when)[:3], str(outcome or "")]
    base = "-".join(p for p in parts if p)
    base = "".join(ch if ch.isalnum() or ch in ".-_" else "-" for ch in base.upper())[:50]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
