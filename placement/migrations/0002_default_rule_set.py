"""Seed the default rule set asam3-default version 1, row for row and ID for ID as
../shared/asam/rules-default-3rd.md specifies (file: data/asam3-default-v1.yaml), published."""

from pathlib import Path
from types import SimpleNamespace

import yaml
from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).parent / "data" / "asam3-default-v1.yaml"


def seed(apps, schema_editor):
    from engine.serialize import from_data
    from engine.validate import problems
    from engine.verify import verify
    from placement.ruleset_io import write_rule_set_rows

    RuleSet = apps.get_model("placement", "RuleSet")
    if RuleSet.objects.filter(name="asam3-default", version=1).exists():
        return
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    engine = from_data(data, version=1)
    found = problems(engine)
    if found:
        raise RuntimeError("The default rule set is invalid: " + "; ".join(found))
    report = verify(engine)
    if not report.ok:
        raise RuntimeError("The default rule set fails verification: " + report.examples[0].text)
    rule_set = RuleSet.objects.create(
        name=data["name"],
        edition=data["edition"],
        version=1,
        status="draft",
        notes=data["notes"],
        primary_track=data["primary_track"],
        withdrawal_track=data["withdrawal_track"],
        adolescent_flag=data["adolescent_flag"],
    )
    models = SimpleNamespace(
        **{
            name: apps.get_model("placement", name)
            for name in ("Dimension", "Level", "Flag", "Modifier", "Question", "Rule", "Condition")
        }
    )
    write_rule_set_rows(data, rule_set, models=models)
    now = timezone.now()
    rule_set.status = "published"
    rule_set.published_at = now
    rule_set.verified_at = now
    rule_set.verification = {"ok": True, **report.as_dict()}
    rule_set.save()


def unseed(apps, schema_editor):
    apps.get_model("placement", "RuleSet").objects.filter(name="asam3-default", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
