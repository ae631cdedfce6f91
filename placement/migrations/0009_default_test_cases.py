"""The shipped rule sets' own test cases (the ``tests`` of data/asam3-default-v1.yaml and -v2),
added to versions 1 and 2 as shipped. A version that already has test cases is left alone."""

from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).parent / "data"


def seed_cases(apps, schema_editor):
    """(Rows of published versions: written in bulk, past the live model's draft-only check,
    which the test fixtures' reseeding would otherwise meet.)"""
    from engine.cases import cases_from_data

    RuleSet = apps.get_model("placement", "RuleSet")
    RuleTestCase = apps.get_model("placement", "RuleTestCase")
    for version in (1, 2):
        data = yaml.safe_load((DATA / f"asam3-default-v{version}.yaml").read_text("utf-8"))
        rule_set = RuleSet.objects.filter(
            name="asam3-default", release_notes=data["release_notes"]
        ).first()
        if rule_set is None or RuleTestCase.objects.filter(rule_set=rule_set).exists():
            continue
        RuleTestCase.objects.bulk_create(
            [
                RuleTestCase(
                    rule_set=rule_set,
                    order=order,
                    name=case.name,
                    ratings=case.ratings,
                    answers=case.answers,
                    flags=case.flags,
                    expect_level=case.expect_level,
                    expect_withdrawal_level=case.expect_withdrawal_level,
                    expect_modifiers=None
                    if case.expect_modifiers is None
                    else list(case.expect_modifiers),
                )
                for order, case in enumerate(cases_from_data(data.get("tests")))
            ]
        )


def unseed_cases(apps, schema_editor):
    apps.get_model("placement", "RuleTestCase").objects.filter(
        rule_set__name="asam3-default"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0008_rule_test_cases")]

    operations = [migrations.RunPython(seed_cases, unseed_cases)]
