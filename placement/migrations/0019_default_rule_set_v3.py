"""Add asam3-default version 3 (../shared/asam/rules-default-3rd.md section 9; file:
data/asam3-default-v3.yaml), verified, with its test cases, and publish it in place of version
2, which is retired, never changed: every recommendation made with versions 1 and 2 still
replays with them.

A site that has published its own edit of the default keeps it: the shipped version then
arrives as the next free version number, a verified draft for the rule administrator to compare
and decide."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

from rulesets.migrations import _frozen

NAME = "asam3-default"


def seed_v3(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = _frozen.read("asam3-default-v3.yaml")
    if RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).exists():
        return  # already here
    v2_data = _frozen.read("asam3-default-v2.yaml")
    taken = RuleSet.objects.filter(name=NAME).aggregate(v=Max("version"))["v"] or 0
    version = max(3, taken + 1)
    verification = _frozen.checked(data, version, "The default rule set v3")
    models = _frozen.models(apps)
    current = RuleSet.objects.filter(name=NAME, status="published").first()
    shipped_v2_in_force = current is not None and current.version == 2
    if shipped_v2_in_force:
        shipped_v2_in_force = _frozen.same_as_file(current, models, v2_data)
    now = timezone.now()
    rule_set = RuleSet.objects.create(
        name=NAME,
        edition=data["edition"],
        version=version,
        status="draft",
        notes=data["notes"],
        release_notes=data["release_notes"],
        primary_track=data["primary_track"],
        withdrawal_track=data["withdrawal_track"],
        adolescent_flag=data["adolescent_flag"],
        cloned_from=current,
    )
    _frozen.write_rows(data, rule_set, models)
    rule_set.verified_at = now
    rule_set.verification = verification
    if shipped_v2_in_force or current is None:
        if current is not None:
            RuleSet.objects.filter(pk=current.pk).update(status="retired", retired_at=now)
        rule_set.status = "published"
        rule_set.published_at = now
    rule_set.save()


def unseed_v3(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = _frozen.read("asam3-default-v3.yaml")
    shipped = RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).first()
    if shipped is None:
        return
    was_published = shipped.status == "published"
    shipped.delete()
    if was_published:
        RuleSet.objects.filter(name=NAME, version=2).update(status="published", retired_at=None)


class Migration(migrations.Migration):
    dependencies = [("placement", "0018_rule_set_carry_over_and_modifier_texts")]

    operations = [migrations.RunPython(seed_v3, unseed_v3)]
