"""The review queue orders by the indicated level's care intensity (one scale for every rule
set and edition) instead of its rank within its own rule set, and knows each placement's
edition (the level filter lists each edition's levels). Existing placements are filled from the
levels of the rule set their recommendation used."""

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Level = apps.get_model("placement", "Level")
    Placement = apps.get_model("placement", "Placement")
    RuleSet = apps.get_model("placement", "RuleSet")
    used = Placement.objects.values_list("recommendation__rule_set_id", flat=True).distinct()
    for rule_set in RuleSet.objects.filter(pk__in=used):
        mine = Placement.objects.filter(recommendation__rule_set_id=rule_set.pk)
        mine.update(edition=str(rule_set.edition)[:2])
        for code, intensity in Level.objects.filter(rule_set=rule_set).values_list(
            "code", "intensity"
        ):
            mine.filter(indicated_level=code).update(indicated_intensity=intensity or 0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_program_edition"),
        ("intake", "0010_assessment_notices"),
        ("placement", "0020_level_intensity_and_crosswalk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="placement",
            name="placement_open_queue",
        ),
        migrations.RemoveIndex(
            model_name="placement",
            name="placement_open_by_status",
        ),
        migrations.RemoveIndex(
            model_name="placement",
            name="placement_open_by_level",
        ),
        migrations.RemoveField(
            model_name="placement",
            name="indicated_rank",
        ),
        migrations.AddField(
            model_name="placement",
            name="edition",
            field=models.CharField(default="3", max_length=2),
        ),
        migrations.AddField(
            model_name="placement",
            name="indicated_intensity",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("status__in", ["submitted", "in_review"])),
                fields=["-emergency", "-indicated_intensity", "submitted_at", "id"],
                name="placement_open_queue_i",
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("status__in", ["submitted", "in_review"])),
                fields=["status", "-emergency", "-indicated_intensity", "submitted_at", "id"],
                name="placement_open_by_status_i",
            ),
        ),
        migrations.AddIndex(
            model_name="placement",
            index=models.Index(
                condition=models.Q(("status__in", ["submitted", "in_review"])),
                fields=[
                    "edition",
                    "indicated_level",
                    "-emergency",
                    "-indicated_intensity",
                    "submitted_at",
                    "id",
                ],
                name="placement_open_by_level_i",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
