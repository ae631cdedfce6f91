"""Fast inserts of many rows: COPY on PostgreSQL, bulk_create elsewhere.

Rows are dicts keyed by the model's column names (``patient_id``, not ``patient``) and carry
their own ids, so that related rows can be built before anything is written; sequences are
moved past the ids afterwards."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection, models

NULL = r"\N"


def _cell(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def insert(model: type[models.Model], rows: list[dict], batch: int = 50_000) -> int:
    """Write ``rows`` into ``model``'s table; returns how many."""
    if not rows:
        return 0
    # Columns the rows leave out get their field's default (COPY would write NULL).
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.column not in rows[0] and not f.primary_key and f.has_default()
    ]
    if missing:
        rows = [{**row, **{f.column: f.get_default() for f in missing}} for row in rows]
    columns = list(rows[0])
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
            for start in range(0, len(rows), batch):
                buffer = io.StringIO()
                writer = csv.writer(buffer, lineterminator="\n")
                for row in rows[start : start + batch]:
                    writer.writerow([_cell(row[c]) for c in columns])
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
    else:
        attnames = {f.column: f.attname for f in model._meta.concrete_fields}
        objects = [model(**{attnames[c]: v for c, v in row.items()}) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
    return len(rows)


def reset_sequences(*model_classes) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
