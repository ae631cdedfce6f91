"""Add asam4-default version 1: the ASAM Criteria 4th edition (../shared/asam/fourth-edition.md;
file: data/asam4-default-v1.yaml), verified (total, and monotone in needs) and published beside
the 3rd-edition default. Programs keep the 3rd edition until their setting says otherwise."""

from pathlib import Path
from types import SimpleNamespace

import yaml
from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).parent / "data"
NAME = "asam4-default"
MODELS = ("Dimension", "Level", "Flag", "Modifier", "Question", "Rule", "Condition", "RuleTestCase")


def seed_4th(apps, schema_editor):
    from engine.serialize import from_data
    from engine.validate import problems
    from engine.verify import verify
    from placement.ruleset_io import write_rule_set_rows

    RuleSet = apps.get_model("placement", "RuleSet")
    if RuleSet.objects.filter(name=NAME).exists():
        return
    data = yaml.safe_load((DATA / "asam4-default-v1.yaml").read_text(encoding="utf-8"))
    engine = from_data(data, version=1)
    found = problems(engine)
    if found:
        raise RuntimeError("The 4th-edition default rule set is invalid: " + "; ".join(found))
    report = verify(engine)
    if not report.ok:
        raise RuntimeError("The 4th-edition default fails verification: " + report.examples[0].text)
    models = SimpleNamespace(**{n: apps.get_model("placement", n) for n in MODELS})
    now = timezone.now()
    rule_set = RuleSet.objects.create(
        name=NAME,
        edition=data["edition"],
        version=1,
        status="draft",
        notes=data["notes"],
        release_notes=data["release_notes"],
        primary_track=data["primary_track"],
        withdrawal_track=data["withdrawal_track"],
        adolescent_flag=data["adolescent_flag"],
    )
    write_rule_set_rows(data, rule_set, models=models)
    rule_set.verified_at = now
    rule_set.verification = {"ok": True, **report.as_dict()}
    rule_set.status = "published"
    rule_set.published_at = now
    rule_set.save()


def unseed_4th(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    for rs in RuleSet.objects.filter(name=NAME):
        rs.delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0014_fourth_edition_data_types")]

    operations = [migrations.RunPython(seed_4th, unseed_4th)]
