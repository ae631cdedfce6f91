"""manage.py verify_rules [NAME[@VERSION]]

Checks totality and monotonicity of a rule set over every rating profile and every flag
combination; prints the results with counts and exits non-zero on any violation, listing the
first counterexamples."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from engine import RuleSetError, problems, verify
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet
from rulesets.services import rule_set_resolve


class Command(BaseCommand):
    requires_system_checks = []  # start fast: this command only reads rule sets
    help = "Verify a rule set: totality and monotonicity over every profile."

    def add_arguments(self, parser):
        parser.add_argument("rule_set", nargs="?", default=None, help="NAME or NAME@VERSION")

    def handle(self, *args, **options):
        spec = options["rule_set"] or settings.STEPWISE_DEFAULT_RULE_SET
        try:
            model = rule_set_resolve(spec=spec)
            rs = engine_rule_set(model)
        except RuleSet.DoesNotExist as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(2)
        except RuleSetError as exc:
            self.stderr.write(f"{spec}: the rows have problems:")
            for p in exc.problems:
                self.stderr.write(f"  - {p}")
            sys.exit(1)
        found = problems(rs)
        if found:
            self.stdout.write(f"{rs.label}: the rows have problems:")
            for p in found:
                self.stdout.write(f"  - {p}")
            sys.exit(1)
        report = verify(rs)
        self.stdout.write(f"{rs.label} ({model.get_status_display().lower()})")
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        counts = report.counts
        self.stdout.write(
            "  totality violations: {}; population violations: {}; monotonicity violations: {}"
            "{}".format(
                counts.get("total", 0),
                counts.get("population", 0),
                counts.get("monotone", 0),
                f"; unproven: {counts['unproven']}" if counts.get("unproven") else "",
            )
        )
        self.stdout.write(f"  verified in {report.seconds:.2f} s")
        if not report.ok:
            self.stdout.write("First counterexamples:")
            for v in report.examples[:10]:
                at_fault = f" Rules at fault: {', '.join(v.rules)}." if v.rules else ""
                self.stdout.write(f"  - [{v.property}] {v.text}{at_fault}")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("OK: total and monotone."))
