"""The few reads of the submission path written out as SQL instead of compiled by the ORM on every
request (README, "提交路径上写出来的语句"): each statement is made once per process and database, from
the model's `_meta`, and tests/test_written_sql.py compares what it reads with the ORM query it replaces.
"""

import functools

from django.db import connection, models


def select_sql(
    model: type[models.Model],
    where: tuple[tuple[str, int], ...],
    *,
    columns: tuple[str, ...] = (),
    for_update: bool = False,
) -> str:
    """SELECT the `columns` (field names; every column when empty) of `model` WHERE each (field name,
    n) of `where` is `= %s` (n = 1) or `IN (%s, …)` (n placeholders), ANDed; FOR UPDATE where the
    database locks rows."""
    return _select_sql(connection.vendor, model, where, columns, for_update)


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of the field `name`."""
    return connection.ops.quote_name(model._meta.get_field(name).column)


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _select_sql(vendor: str, model, where, columns, for_update) -> str:
    selected = ", ".join(column(model, name) for name in columns) if columns else "*"
    conditions = [
        f"{column(model, name)} = %s" if count == 1 else f"{column(model, name)} IN ({', '.join(['%s'] * count)})"
        for name, count in where
    ]
    sql = f"SELECT {selected} FROM {table(model)} WHERE {' AND '.join(conditions)}"
    if for_update and connection.features.has_select_for_update:
        sql += f" {connection.ops.for_update_sql()}"
    return sql
