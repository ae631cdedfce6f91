"""Celery tasks of rule sets: thin wrappers around services. Every task is idempotent.

Each task also answers to the name it had when rule sets lived in the placement app, so that
a message queued before an upgrade still runs after it."""

from celery import shared_task

from rulesets import impact
from rulesets.services import imports


def impact_run(job_id: int) -> None:
    impact.impact_run(job_id=job_id)


def import_run(job_id: int) -> None:
    imports.rule_set_import_run(job_id=job_id)


def sweep_imports() -> int:
    return imports.rule_set_imports_sweep()


impact_run_task = shared_task(name="rulesets.impact_run")(impact_run)
rule_set_import_task = shared_task(name="rulesets.import_run")(import_run)
sweep_imports_task = shared_task(name="rulesets.sweep_imports")(sweep_imports)
# The names before rule sets had their own app (messages already queued).
shared_task(name="placement.impact_run")(impact_run)
shared_task(name="placement.rule_set_import")(import_run)
