"""New rows written by a statement kept per model, the way ``Model.save`` writes them.

Recording a matter writes six rows, and the ORM builds each insert's statement afresh
(quoting every column, compiling every value) before it sends it: about a third of the
request's own time (docs/performance.md). ``insert`` writes instances of one model with
a statement worked out once per connection: each value goes through the field as the
ORM sends it (``pre_save`` for the ``auto_now`` kinds, then ``get_db_prep_save``), the
database's id comes back onto the instance, and ``pre_save`` and ``post_save`` are sent
for each instance as ``save`` sends them, so a receiver sees no difference.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save

Writing = tuple[list[Field], str, str]


def _writing(model: type[Model], connection: BaseDatabaseWrapper, with_id: bool) -> Writing:
    """The fields an insert writes (the id too when the caller gives it), the start of
    the statement and its row of placeholders, kept on the connection."""
    kept: dict[tuple[type[Model], bool], Writing] = connection.__dict__.setdefault("_base_writes", {})
    if (model, with_id) not in kept:
        meta = model._meta
        if meta.parents:
            raise TypeError(f"{model.__name__}: a model with parents is written by save()")
        fields = [f for f in meta.local_concrete_fields if not f.generated and (with_id or f is not meta.pk)]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
        kept[(model, with_id)] = (fields, head, "(" + ", ".join(["%s"] * len(fields)) + ")")
    return kept[(model, with_id)]


def insert(*instances: Model) -> None:
    """Write new instances of one model in one statement. Each either has its id or
    gets the one the database gives it."""
    if not instances:
        return
    model = type(instances[0])
    with_id = instances[0].pk is not None
    if any(type(i) is not model or (i.pk is not None) != with_id for i in instances):
        raise TypeError("insert() writes instances of one model, all with their id or all without")
    connection = connections[DEFAULT_DB_ALIAS]
    fields, head, row = _writing(model, connection, with_id)
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        pre_save.send(sender=model, instance=instance, raw=False, using=DEFAULT_DB_ALIAS, update_fields=None)
    params: list[Any] = []
    for instance in instances:
        for field in fields:
            params.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    sql = head + ", ".join([row] * len(instances))
    pk = model._meta.pk
    with connection.cursor() as cursor:
        if with_id:
            cursor.execute(sql, params)
        else:
            cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(str(pk.column))}", params)
            for instance, (value,) in zip(instances, cursor.fetchall(), strict=True):
                setattr(instance, pk.attname, value)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = DEFAULT_DB_ALIAS
        post_save.send(
            sender=model, instance=instance, created=True, update_fields=None, raw=False, using=DEFAULT_DB_ALIAS
        )
