"""Add asam4-default version 1: the ASAM Criteria 4th edition (../shared/asam/fourth-edition.md;
file: data/asam4-default-v1.yaml), verified (total, and monotone in needs) and published beside
the 3rd-edition default. Programs keep the 3rd edition until their setting says otherwise."""

from django.db import migrations
from django.utils import timezone

from rulesets.migrations import _frozen

NAME = "asam4-default"


def seed_4th(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    if RuleSet.objects.filter(name=NAME).exists():
        return
    data = _frozen.read("asam4-default-v1.yaml")
    verification = _frozen.checked(data, 1, "The 4th-edition default rule set")
    models = _frozen.models(apps)
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
    _frozen.write_rows(data, rule_set, models)
    rule_set.verified_at = now
    rule_set.verification = verification
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
