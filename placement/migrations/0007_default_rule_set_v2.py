"""Add asam3-default version 2 (../shared/asam/rules-default-3rd.md section 8; file:
data/asam3-default-v2.yaml), verified, and publish it in place of version 1, which is retired,
never changed: every recommendation made with it still replays with it.

A site that has already made its own version 2, or published its own edit of the default,
keeps what it has: the shipped version then arrives as the next free version number, and is
published only if the version in force is the shipped version 1 (otherwise it waits as a
verified draft for the rule administrator to compare and decide)."""

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import yaml
from django.db import migrations
from django.db.models import Max
from django.utils import timezone

DATA = Path(__file__).parent / "data"
NAME = "asam3-default"


def _fingerprint(data: dict) -> str:
    """What decides placements (not the notes, the test cases or display names added later)."""
    # (kept_variant and ceiling_level are read only by verification, and were added to the
    # 4th-edition files after they shipped.)
    skip = ("notes", "release_notes", "tests", "kept_variant", "ceiling_level")
    data = {k: v for k, v in data.items() if k not in skip}
    data["dimensions"] = [
        {k: v for k, v in d.items() if k != "short_name"} for d in data.get("dimensions", [])
    ]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def seed_v2(apps, schema_editor):
    from engine.serialize import from_data
    from engine.validate import problems
    from engine.verify import verify
    from placement.ruleset_io import rule_set_to_data, write_rule_set_rows

    RuleSet = apps.get_model("placement", "RuleSet")
    v1_data = yaml.safe_load((DATA / "asam3-default-v1.yaml").read_text(encoding="utf-8"))
    RuleSet.objects.filter(name=NAME, version=1).update(release_notes=v1_data["release_notes"])
    data = yaml.safe_load((DATA / "asam3-default-v2.yaml").read_text(encoding="utf-8"))
    if RuleSet.objects.filter(name=NAME, release_notes=data["release_notes"]).exists():
        return  # already here
    engine = from_data(data, version=2)
    found = problems(engine)
    if found:
        raise RuntimeError("The default rule set v2 is invalid: " + "; ".join(found))
    report = verify(engine)
    if not report.ok:
        raise RuntimeError("The default rule set v2 fails verification: " + report.examples[0].text)
    taken = RuleSet.objects.filter(name=NAME).aggregate(v=Max("version"))["v"] or 0
    version = 2 if taken < 2 else taken + 1
    models = SimpleNamespace(
        **{
            name: apps.get_model("placement", name)
            for name in ("Dimension", "Level", "Flag", "Modifier", "Question", "Rule", "Condition")
        }
    )
    current = RuleSet.objects.filter(name=NAME, status="published").first()
    shipped_v1_in_force = current is not None and current.version == 1
    if shipped_v1_in_force:
        # The rows as stored must still be the shipped ones (nobody edits published sets,
        # but a site could have replaced the table by hand).
        stored = rule_set_to_data(current, models=models)
        shipped_v1_in_force = _fingerprint(stored) == _fingerprint(v1_data)
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
    write_rule_set_rows(data, rule_set, models=models)
    rule_set.verified_at = now
    rule_set.verification = {"ok": True, **report.as_dict()}
    if shipped_v1_in_force:
        RuleSet.objects.filter(pk=current.pk).update(status="retired", retired_at=now)
        rule_set.status = "published"
        rule_set.published_at = now
    rule_set.save()


def unseed_v2(apps, schema_editor):
    RuleSet = apps.get_model("placement", "RuleSet")
    data = yaml.safe_load((DATA / "asam3-default-v2.yaml").read_text(encoding="utf-8"))
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
