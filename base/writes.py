"""New rows written by a statement kept per model, the way ``Model.save`` writes them.

Recording a matter writes six rows, and the ORM builds each insert's statement afresh
(quoting every column, compiling every value) before it sends it: about a third of the
request's own time (docs/performance.md). ``insert`` writes instances of one model with
a statement worked out once per connection: each value goes through the field as the
ORM sends it (``pre_save`` for the ``auto_now`` kinds, then ``get_db_prep_save``), the
database's id comes back onto the instance, and ``pre_save`` and ``post_save`` are sent
for each instance as ``save`` sends them. A receiver sees what it would see after
``save``, except that a row written before the one it points at (a new ticket's clocks,
first event and key on PostgreSQL, ``tickets.services.ticket_create``) is sent before
that row exists.
"""

from __future__ import annotations

import datetime
import decimal

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

# Values that are never an expression, told apart without asking each one.
_PLAIN = frozenset({str, int, float, bool, type(None), datetime.datetime, datetime.date, decimal.Decimal, dict, list})

# Rows a statement writes at most: a notice to every resident of an estate is thousands.
ROWS_MAX = 500

Writing = tuple[list[Field], str, str]


def _writing(model: type[Model], connection: BaseDatabaseWrapper, with_id: bool) -> Writing:
    """The fields an insert writes (the id too when the caller gives it), the start of
    the statement and its row of placeholders, kept on the connection."""
    kept: dict[tuple[type[Model], bool], Writing] = connection.__dict__.setdefault("_base_writes", {})
    if (model, with_id) not in kept:
        meta = model._meta
        if meta.parents or meta.proxy:
            raise TypeError(f"{model.__name__}: a model with parents, or a proxy, is written by save()")
        fields = [f for f in meta.local_concrete_fields if not f.generated and (with_id or f is not meta.pk)]
        if any(f.has_db_default() for f in fields):
            raise TypeError(f"{model.__name__}: a field with a database default is written by save()")
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
        kept[(model, with_id)] = (fields, head, "(" + ", ".join(["%s"] * len(fields)) + ")")
    return kept[(model, with_id)]


def insert(*instances: Model) -> None:
    """Write new instances of one model, up to ``ROWS_MAX`` rows a statement (fewer if
    the database takes fewer parameters). Each either has its id or gets the one the
    database gives it. A value the database works out (an expression, a ``db_default``)
    is refused: such a row is written by ``save``."""
    if not instances:
        return
    model = type(instances[0])
    with_id = instances[0].pk is not None
    if any(type(i) is not model or (i.pk is not None) != with_id for i in instances):
        raise TypeError("insert() writes instances of one model, all with their id or all without")
    connection = connections[DEFAULT_DB_ALIAS]
    fields, head, row = _writing(model, connection, with_id)
    for instance in instances:
        given = (getattr(instance, field.attname) for field in fields)
        if any(type(value) not in _PLAIN and hasattr(value, "resolve_expression") for value in given):
            raise TypeError(f"{model.__name__}: a value the database works out is written by save()")
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        pre_save.send(sender=model, instance=instance, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    values = [[field.get_db_prep_save(field.pre_save(i, True), connection) for field in fields] for i in instances]
    # PostgreSQL's protocol takes at most 65,535 parameters a statement.
    per_statement = max(1, min(ROWS_MAX, (connection.features.max_query_params or 65_535) // len(fields)))
    returning = "" if with_id else f" RETURNING {connection.ops.quote_name(str(model._meta.pk.column))}"
    # Several statements are all or nothing, as one is; a failure marks a caller's transaction for rollback.
    whole = (
        transaction.atomic(using=DEFAULT_DB_ALIAS, savepoint=False)
        if len(instances) > per_statement
        else transaction.mark_for_rollback_on_error(DEFAULT_DB_ALIAS)
    )
    with whole, connection.cursor() as cursor:
        for start in range(0, len(instances), per_statement):
            batch = values[start : start + per_statement]
            cursor.execute(head + ", ".join([row] * len(batch)) + returning, [v for one in batch for v in one])
            if not with_id:
                attname = model._meta.pk.attname
                written = instances[start : start + per_statement]
                for instance, (value,) in zip(written, cursor.fetchall(), strict=True):
                    setattr(instance, attname, value)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS
        post_save.send(
            sender=model, instance=instance, created=True, update_fields=None, raw=False, using=DEFAULT_DB_ALIAS
        )
