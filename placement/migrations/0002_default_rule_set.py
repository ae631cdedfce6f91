"""Seed the default rule set asam3-default version 1, row for row and ID for ID as
../shared/asam/rules-default-3rd.md specifies (file: data/asam3-default-v1.yaml), published."""

from django.db import migrations
from django.utils import timezone

from rulesets.migrations import _frozen


def seed(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    if RuleSet.objects.filter(name="asam3-default", version=1).exists():
        return
    data = _frozen.read("asam3-default-v1.yaml")
    verification = _frozen.checked(data, 1, "The default rule set")
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
    models = _frozen.models(apps, test_cases=False)
    _frozen.write_rows(data, rule_set, models)
    now = timezone.now()
    rule_set.status = "published"
    rule_set.published_at = now
    rule_set.verified_at = now
    rule_set.verification = verification
    rule_set.save()


def unseed(apps, schema_editor):
    apps.get_model("placement", "RuleSet").objects.filter(name="asam3-default", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
