"""The public bulk writer: rows straight into a table, in the caller's transaction.

Used where the ORM's per-object work is the cost (a 150,000-person import, the scale generators). It writes
what it is given: validation and the audit record are the caller's (the importers, `chidao demo --scale`).
"""

import operator
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connections, models, router
from django.utils import timezone

BATCH = 2000


def objects_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert unsaved model instances (every concrete field but the id; auto_now fields set to now)."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
    get = operator.attrgetter(*[f.attname for f in fields])
    rows_insert(model, [f.name for f in fields], (get(obj) for obj in objects))


def rows_insert(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of values (in `names` order, as the model stores them), in the current transaction.

    At this size the ORM's bulk_create spends most of its time compiling each value (8 s for 150,000
    people, of a 60 s budget); this sends the same values with COPY on PostgreSQL and executemany
    elsewhere, dates and times through the backend's own adapters.
    """
    connection = connections[router.db_for_write(model)]
    fields = [cast(models.Field, model._meta.get_field(n)) for n in names]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt: list[Any] = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                adapt.append(connection.ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                adapt.append(connection.ops.adapt_datefield_value)
            else:
                adapt.append(None)
        converters = [(i, a) for i, a in enumerate(adapt) if a is not None]
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[list[Any]] = []
        for row in rows:
            values = list(row)
            for i, a in converters:
                if values[i] is not None:
                    values[i] = a(values[i])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def tables_analyze(model_list: Sequence[type[models.Model]]) -> None:
    """Refresh the query planner's statistics after a bulk load. Until autovacuum gets to it, PostgreSQL
    plans the person list with the table's old size (a nested loop over 150,000 rows: 120 ms instead of
    8 ms for a search, measured by bench/people_import.py)."""
    connection = connections[router.db_for_write(model_list[0])]
    tables = [connection.ops.quote_name(m._meta.db_table) for m in model_list]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
