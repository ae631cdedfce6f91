"""manage.py rules_import FILE

Creates a new draft from a rule-set file (a spreadsheet, YAML or JSON) and prints its name and
version. A bad file exits with status 2 and messages that name the sheet, row and column (or
the field); nothing is written. YAML aliases and anchors, oversized files and deep nesting are
refused, as everywhere."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from engine import MAX_FILE_BYTES, RuleSetError, TextRefused, decode
from rulesets.services import rule_set_import
from rulesets.spreadsheet import data_from_workbook


class Command(BaseCommand):
    requires_system_checks = []
    help = "Import a rule-set file (xlsx, yaml or json) as a new draft."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user", default=None, help="username recorded as the draft's creator (optional)"
        )

    def fail(self, problems: list[str]):
        for p in problems:
            self.stderr.write(f"error: {p}")
        sys.exit(2)

    def handle(self, *args, **options):
        path = options["file"]
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.fail([f"cannot read {path}: {exc.strerror}"])
        if len(raw) > MAX_FILE_BYTES:
            self.fail([f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB"])
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                self.fail([f"--user: no user named {options['user']}"])
        try:
            if path.lower().endswith(".xlsx") or raw[:2] == b"PK":
                draft = rule_set_import(data=data_from_workbook(raw), user=user)
            else:
                fmt = "json" if path.lower().endswith(".json") else None
                draft = rule_set_import(text=decode(raw), fmt=fmt, user=user)
        except TextRefused as exc:
            self.fail([f"{path}: not acceptable ({exc})"])
        except RuleSetError as exc:
            self.fail(exc.problems)
        self.stdout.write(f"{draft.name} {draft.version}")
