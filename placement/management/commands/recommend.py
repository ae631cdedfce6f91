"""manage.py recommend [--rule-set NAME[@VERSION]] [FILE|-]

Reads one JSON case or an array of cases and prints the recommendation for each:

    {"ratings": {"D1": 2, ..., "D6": 1}, "flags": {"pregnant": true}, "answers": {...}}

With ``answers`` and no ``ratings`` the suggested ratings are used; flags derived from the
answers are combined with the flags given (given flags win). Invalid input: exit status 2 and a
message naming the bad field on stderr; nothing is printed on stdout."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from engine import (
    InputError,
    TextRefused,
    decode,
    evaluate,
    load_json,
    suggest_ratings,
    validate_input,
)
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet
from rulesets.services import rule_set_resolve

CASE_FIELDS = {"ratings", "flags", "answers"}
MAX_INPUT_BYTES = 200_000_000


class BadInput(Exception):
    pass


def recommend_case(rs, case, where: str) -> dict:
    if not isinstance(case, dict):
        raise BadInput(f"{where}: expected an object with ratings, flags or answers")
    for key in case:
        if key not in CASE_FIELDS:
            raise BadInput(f"{where}.{key}: unknown field")
    try:
        suggested = None
        flags = {}
        if "answers" in case:
            suggested, flags, _ = suggest_ratings(rs, case["answers"])
        if "ratings" in case:
            ratings = case["ratings"]
        elif suggested is not None:
            ratings = suggested
        else:
            raise BadInput(f"{where}.ratings: missing (give ratings or answers)")
        given = case.get("flags", {})
        validate_input(rs, ratings, given)
        flags = {**flags, **given}
        decision = evaluate(rs, ratings, flags)
    except InputError as exc:
        raise BadInput(f"{where}.{exc.field}: {exc.message}") from None
    return {
        "level": decision.level,
        "withdrawal_level": decision.withdrawal_level,
        "modifiers": list(decision.modifiers),
        "ratings": dict(ratings),
        "suggested_ratings": suggested,
        "flags": {k: v for k, v in flags.items() if v},
        "reasons": [r.as_dict() for r in decision.reasons],
        "rule_set": rs.label,
    }


class Command(BaseCommand):
    requires_system_checks = []  # start fast: this command only reads rule sets
    help = "Recommend a level of care for JSON cases (a file, or - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="JSON file, or - for stdin")
        parser.add_argument(
            "--rule-set",
            default=None,
            help="NAME or NAME@VERSION (default: the published default rule set)",
        )

    def fail(self, message: str):
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args, **options):
        spec = options["rule_set"] or settings.STEPWISE_DEFAULT_RULE_SET
        try:
            rs = engine_rule_set(rule_set_resolve(spec=spec))
        except RuleSet.DoesNotExist as exc:
            self.fail(f"--rule-set: {exc}")
        try:
            if options["file"] == "-":
                raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
            else:
                with open(options["file"], "rb") as fh:
                    raw = fh.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        if len(raw) > MAX_INPUT_BYTES:
            self.fail(f"input: larger than {MAX_INPUT_BYTES // 1_000_000} MB")
        try:
            data = load_json(decode(raw))
        except TextRefused as exc:
            self.fail(f"input: {exc}")
        try:
            if isinstance(data, list):
                out = [recommend_case(rs, c, f"[{i}]") for i, c in enumerate(data)]
                text = json.dumps(out, ensure_ascii=False)
            else:
                text = json.dumps(recommend_case(rs, data, "input"), indent=2)
        except BadInput as exc:
            self.fail(str(exc))
        self.stdout.write(text)
