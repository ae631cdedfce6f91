"""Add asam3-default version 2 (../shared/asam/rules-default-3rd.md section 8; file:
data/asam3-default-v2.yaml), verified, and publish it in place of version 1, which is retired,
never changed: every recommendation made with it still replays with it.

A site that has already made its own version 2, or published its own edit of the default,
keeps what it has: the shipped version then arrives as the next free version number, and is
published only if the version in force is the shipped version 1 (otherwise it waits as a
verified draft for the rule administrator to compare and decide)."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

from rulesets.migrations import _frozen

NAME = "asam3-default"


def seed_v2(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    v1_data = _frozen.read("asam3-default-v1.yaml")
    RuleSet.objects.filter(name=NAME, version=1).update(release_notes=v1_data["release_notes"])
    data = _frozen.read("asam3-default-v2.yaml")
    if RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).exists():
        return  # already here
    verification = _frozen.checked(data, 2, "The default rule set v2")
    taken = RuleSet.objects.filter(name=NAME).aggregate(v=Max("version"))["v"] or 0
    version = 2 if taken < 2 else taken + 1
    models = _frozen.models(apps, test_cases=False)
    current = RuleSet.objects.filter(name=NAME, status="published").first()
    shipped_v1_in_force = current is not None and current.version == 1
    if shipped_v1_in_force:
        # The rows as stored must still be the shipped ones (nobody edits published sets,
        # but a site could have replaced the table by hand).
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
    if shipped_v1_in_force:
        RuleSet.objects.filter(pk=current.pk).update(status="retired", retired_at=now)
        rule_set.status = "published"
        rule_set.published_at = now
    rule_set.save()


def unseed_v2(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = _frozen.read("asam3-default-v2.yaml")
    shipped = RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).first()
    if shipped is None:
        return
    was_published = shipped.status == "published"
    shipped.delete()
    if was_published:
        RuleSet.objects.filter(name=NAME, version=1).update(status="published", retired_at=None)


class Migration(migrations.Migration):
    dependencies = [("placement", "0006_rule_set_release_notes")]

    operations = [migrations.RunPython(seed_v2, unseed_v2)]
