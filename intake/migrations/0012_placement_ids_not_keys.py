"""Intake keeps the placement a patient's review is due for, and the placement a disclosure
released, as plain ids: intake has no foreign key into placement. The columns stay as they are
(same name, type and index); only the constraint goes. Placements are never deleted."""

from django.db import migrations, models


def _plain_id(model: str, field: str) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.AlterField(
                model_name=model,
                name=field,
                field=models.ForeignKey(
                    "placement.Placement",
                    null=True,
                    blank=True,
                    on_delete=models.PROTECT,
                    related_name="+",
                    db_constraint=False,
                ),
            ),
        ],
        state_operations=[
            migrations.RemoveField(model_name=model, name=field),
            migrations.AddField(
                model_name=model,
                name=f"{field}_id",
                field=models.BigIntegerField(null=True, blank=True, db_index=True),
            ),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0011_assessment_rule_set_in_rulesets"),
        ("placement", "0024_rule_sets_move_to_their_own_app"),
    ]

    operations = [
        _plain_id("patient", "review_placement"),
        _plain_id("disclosure", "placement"),
    ]
