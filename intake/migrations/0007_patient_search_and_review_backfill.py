"""Patient search at scale, and the continued-stay reviews due, filled in.

On PostgreSQL, trigram indexes (pg_trgm) serve the name search (``icontains`` reads
UPPER(name) LIKE '%...%'); other databases search without them. The backfill sets each
patient's review due from the latest signed placement, unless an assessment was started
after it was signed (then the review is under way)."""

from django.db import migrations

TRIGRAM_INDEXES = {
    "patient_given_trgm": "given_name",
    "patient_family_trgm": "family_name",
}


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON intake_patient "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backfill_reviews(apps, schema_editor):
    Patient = apps.get_model("intake", "Patient")
    Assessment = apps.get_model("intake", "Assessment")
    Placement = apps.get_model("placement", "Placement")
    signed = (
        Placement.objects.filter(status="signed")
        .order_by("assessment__patient_id", "-decided_at")
        .values_list("assessment__patient_id", "pk", "decided_at", "next_review_date")
    )
    latest = {}
    for patient_id, pk, decided_at, due in signed.iterator(chunk_size=2000):
        latest.setdefault(patient_id, (pk, decided_at, due))
    for patient_id, (pk, decided_at, due) in latest.items():
        if due is None:
            continue
        if Assessment.objects.filter(patient_id=patient_id, created_at__gt=decided_at).exists():
            continue
        Patient.objects.filter(pk=patient_id).update(review_due=due, review_placement_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0006_patient_review_due_and_search_indexes"),
        ("placement", "0012_queue_and_history_indexes"),
    ]

    operations = [
        migrations.RunPython(trigram_indexes, drop_trigram_indexes, elidable=False),
        migrations.RunPython(backfill_reviews, migrations.RunPython.noop),
    ]
