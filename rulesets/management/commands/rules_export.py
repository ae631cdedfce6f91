"""manage.py rules_export NAME@VERSION --format xlsx|yaml|json -o FILE

Writes one version of a rule set to a file (a spreadsheet, YAML or JSON), test cases included.
Exit status 2 with a message when the version does not exist or the file cannot be written."""

import sys

from django.core.management.base import BaseCommand

from rulesets.models import RuleSet
from rulesets.rows import rule_set_to_data
from rulesets.services import rule_set_export, rule_set_resolve
from rulesets.spreadsheet import workbook_bytes


class Command(BaseCommand):
    requires_system_checks = []
    help = "Export a rule-set version as a spreadsheet, YAML or JSON."

    def add_arguments(self, parser):
        parser.add_argument("rule_set", help="NAME@VERSION (or NAME for the published version)")
        parser.add_argument("--format", choices=["xlsx", "yaml", "json"], default="yaml")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def fail(self, message: str):
        self.stderr.write(f"error: {message}")
        sys.exit(2)

    def handle(self, *args, **options):
        try:
            rule_set = rule_set_resolve(spec=options["rule_set"])
        except RuleSet.DoesNotExist as exc:
            self.fail(f"{options['rule_set']}: {exc or 'no such rule set'}")
        fmt = options["format"]
        if fmt == "xlsx":
            body = workbook_bytes(rule_set_to_data(rule_set))
        else:
            body = rule_set_export(rule_set=rule_set, fmt=fmt).encode("utf-8")
        try:
            with open(options["output"], "wb") as fh:
                fh.write(body)
        except OSError as exc:
            self.fail(f"cannot write {options['output']}: {exc.strerror}")
        self.stdout.write(f"Wrote {rule_set.label} ({fmt}) to {options['output']}.")
