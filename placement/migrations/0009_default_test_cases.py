"""The shipped rule sets' own test cases (the ``tests`` of data/asam3-default-v1.yaml and -v2),
added to versions 1 and 2 as shipped. A version that already has test cases is left alone."""

from types import SimpleNamespace

from django.db import migrations

from rulesets.migrations import _frozen


def seed_cases(apps, schema_editor):
    """(Rows of published versions: written in bulk, past the live model's draft-only check.)"""
    RuleSet = apps.get_model("placement", "RuleSet")
    RuleTestCase = apps.get_model("placement", "RuleTestCase")
    for version in (1, 2):
        data = _frozen.read(f"asam3-default-v{version}.yaml")
        rule_set = RuleSet.objects.filter(
            name="asam3-default", release_notes=data["release_notes"]
        ).first()
        if rule_set is None or RuleTestCase.objects.filter(rule_set=rule_set).exists():
            continue
        _frozen.write_test_cases(
            data.get("tests"), rule_set, SimpleNamespace(RuleTestCase=RuleTestCase)
        )


def unseed_cases(apps, schema_editor):
    apps.get_model("placement", "RuleTestCase").objects.filter(
        rule_set__name="asam3-default"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0008_rule_test_cases")]

    operations = [migrations.RunPython(seed_cases, unseed_cases)]
