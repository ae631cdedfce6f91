"""Drafts saved with "Save and exit" and no rating chosen stored an empty string as the
confirmed rating, which later pages could not read. Empty means not yet rated: remove those
entries from the drafts (submitted and signed assessments never held one)."""

from django.db import migrations


def drop_empty_ratings(apps, schema_editor):
    Assessment = apps.get_model("intake", "Assessment")
    for assessment in Assessment.objects.filter(status__in=["draft", "returned"]).iterator():
        ratings = assessment.confirmed_ratings or {}
        kept = {k: v for k, v in ratings.items() if v not in ("", None)}
        if kept != ratings:
            Assessment.objects.filter(pk=assessment.pk).update(confirmed_ratings=kept)


class Migration(migrations.Migration):
    dependencies = [("intake", "0008_assessment_assessment_returned")]

    operations = [migrations.RunPython(drop_empty_ratings, migrations.RunPython.noop)]
