"""Add asam4-default version 2 (file: data/asam4-default-v2.yaml): the emergency screen asked
first and each subdimension's question filed under its subdimension; needs and determination as
in version 1. Verified, and published in place of version 1, which is retired, never changed:
every recommendation made with it still replays with it.

A site that has published its own edit of the 4th-edition default keeps it: the shipped version
then arrives as the next free version number, a verified draft for the rule administrator to
compare and decide."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

from rulesets.migrations import _frozen

NAME = "asam4-default"


def seed_4th_v2(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = _frozen.read("asam4-default-v2.yaml")
    if RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).exists():
        return  # already here
    v1_data = _frozen.read("asam4-default-v1.yaml")
    taken = RuleSet.objects.filter(name=NAME).aggregate(v=Max("version"))["v"] or 0
    version = max(2, taken + 1)
    verification = _frozen.checked(data, version, "The 4th-edition default v2")
    models = _frozen.models(apps)
    current = RuleSet.objects.filter(name=NAME, status="published").first()
    shipped_v1_in_force = current is not None and current.version == 1
    if shipped_v1_in_force:
        shipped_v1_in_force = _frozen.same_as_file(current, models, v1_data)
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
    if shipped_v1_in_force or current is None:
        if current is not None:
            RuleSet.objects.filter(pk=current.pk).update(status="retired", retired_at=now)
        rule_set.status = "published"
        rule_set.published_at = now
    rule_set.save()


def unseed_4th_v2(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = _frozen.read("asam4-default-v2.yaml")
    shipped = RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).first()
    if shipped is None:
        return
    was_published = shipped.status == "published"
    shipped.delete()
    if was_published:
        RuleSet.objects.filter(name=NAME, version=1).update(status="published", retired_at=None)


class Migration(migrations.Migration):
    dependencies = [("placement", "0015_default_rule_set_4th")]

    operations = [migrations.RunPython(seed_4th_v2, unseed_4th_v2)]
