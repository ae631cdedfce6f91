"""Add asam4-default version 3 (file: data/asam4-default-v3.yaml): every level of the catalog
says what it is like and how much time it takes, from the 4th-edition reference's level
descriptions; needs and determination as in version 2. Verified, and published in place of
version 2, which is retired, never changed: every recommendation made with it replays with it.
Unsubmitted 4th-edition drafts move to version 3 at their next save and say so.

A site that has published its own edit of the 4th-edition default keeps it: the shipped version
then arrives as the next free version number, a verified draft for the rule administrator to
compare and decide."""

from django.db import migrations

from rulesets.migrations import _frozen

NAME = "asam4-default"
FILE, PREVIOUS = "asam4-default-v3.yaml", "asam4-default-v2.yaml"


def seed_4th_v3(apps, schema_editor):
    _frozen.seed_shipped_version(
        apps, name=NAME, file_name=FILE, previous_file=PREVIOUS, app="rulesets"
    )


def unseed_4th_v3(apps, schema_editor):
    _frozen.unseed_shipped_version(apps, name=NAME, file_name=FILE, app="rulesets")


class Migration(migrations.Migration):
    dependencies = [("rulesets", "0002_test_cases_expect_at_least_or_at_most")]

    operations = [migrations.RunPython(seed_4th_v3, unseed_4th_v3)]
