"""Rows read by hand-written statements into the ORM's own instances and caches.

A page that shows one record with everything around it (a ticket's page) read through
the ORM spends most of its time building statements and models, not in the database
(docs/performance.md). ``select`` reads one table's rows with a plain statement and
builds them as the ORM does (``Model.from_db``, each value through the database's and
the field's converters), with extra values (a label, a flag) as attributes; ``rows``
reads the rows whose column is one of some values; ``related_read`` follows a path of
relations from instances already read, the way ``select_related`` and
``prefetch_related`` would: it fills the same caches, so
``ticket.work_order.items.all()`` in a template or a service reads no more rows, and a
``filter()`` on a manager still asks the database as it always does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

M = TypeVar("M", bound=Model)


def _ordering(model: type[Model], alias: str) -> str:
    """The model's default ordering (``Meta.ordering``, field names only) as SQL."""
    out: list[str] = []
    for name in model._meta.ordering or ():
        if not isinstance(name, str):
            raise TypeError(f"{model.__name__}: only field names are read in order here")
        desc = name.startswith("-")
        bare = name.lstrip("-")
        field: Any = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        out.append(f"{alias}{field.column}" + (" DESC" if desc else ""))
    return ", ".join(out)


Reading = tuple[list[str], list[tuple[int, Any, list[Callable]]]]


def _reading(model: type[Model], connection: BaseDatabaseWrapper) -> Reading:
    """A model's columns and, by position, the converters the ORM passes their values
    through on this connection: worked out once per connection and kept on it, so
    they go with it (a server that opens a connection per thread keeps none for long)."""
    kept: dict[type[Model], Reading] = connection.__dict__.setdefault("_base_reads", {})
    if model not in kept:
        fields = model._meta.concrete_fields
        converters = []
        for n, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((n, column, found))
        kept[model] = ([str(f.column) for f in fields], converters)
    return kept[model]


def select(
    model: type[M],
    where: str,
    params: Sequence[Any] = (),
    *,
    alias: str = "",
    extra: Sequence[tuple[str, str]] = (),
    order: str = "",
    limit: int | None = None,
) -> list[M]:
    """The rows of ``model`` that ``where`` says (SQL on its table, named ``alias`` if
    given), in ``order`` (SQL) or else the model's default ordering, each with
    ``extra``'s values as attributes: (name, SQL expression) pairs. ``params`` are in
    the statement's order: those of ``extra``'s expressions, then those of ``where``."""
    connection = connections[DEFAULT_DB_ALIAS]
    columns, converters = _reading(model, connection)
    names = [f.attname for f in model._meta.concrete_fields]
    prefix = f"{alias}." if alias else ""
    chosen = ", ".join([*(prefix + c for c in columns), *(sql for _name, sql in extra)])
    order = order or _ordering(model, prefix)
    sql = (
        f"SELECT {chosen} FROM {model._meta.db_table} {alias} WHERE {where}"  # noqa: S608 - values are parameters
        + (f" ORDER BY {order}" if order else "")
        + (" LIMIT %s" if limit is not None else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *([limit] if limit is not None else [])])
        found = cursor.fetchall()
    out = []
    width = len(columns)
    for row in found:
        values = list(row[:width])
        for n, column, convert in converters:
            value = values[n]
            for step in convert:
                value = step(value, column, connection)
            values[n] = value
        instance = model.from_db(DEFAULT_DB_ALIAS, names, values)
        for (name, _sql), value in zip(extra, row[width:], strict=True):
            setattr(instance, name, value)
        out.append(instance)
    return out


def rows(
    model: type[M], column: str, values: Sequence[Any], where: str = "", params: Sequence[Any] = (), *, order: str = ""
) -> list[M]:
    """The rows of ``model`` whose ``column`` is one of ``values`` (and that ``where``
    also says, with ``params``), in ``order`` (SQL) or else the model's default ordering."""
    if not values:
        return []
    condition = f"{column} IN ({', '.join(['%s'] * len(values))})" + (f" AND {where}" if where else "")
    return select(model, condition, [*values, *params], order=order)


def loaded(model: type[M], values: dict[str, Any]) -> M:
    """A model instance read with only these fields (by attribute name); any other is
    read from the database when asked for, as with ``QuerySet.only``."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [values[name] for name in fields])


def related_read(
    instances: Sequence[Model], path: str, *, to_attr: str = "", where: str = "", params: Sequence[Any] = ()
) -> None:
    """Read the relations along ``path`` (``"work_order__items__service_item"``) for
    ``instances``, one statement per step, into the caches the ORM reads them from:
    a foreign key or one-to-one field as ``select_related`` leaves it (a relation
    already read is not read again), a reverse one-to-one as the related row or none,
    a reverse foreign key as ``prefetch_related`` leaves it, or as a list in
    ``to_attr`` for the last step. ``where`` and ``params`` narrow the last step."""
    level = [i for i in instances if i is not None]
    names = path.split("__")
    for depth, name in enumerate(names):
        if not level:
            return
        last = depth == len(names) - 1
        narrow, narrow_params = (where, params) if last else ("", ())
        field: Any = type(level[0])._meta.get_field(name)
        if field.many_to_many:
            raise TypeError(f"{path}: a many-to-many relation is read with prefetch_related_objects")
        if field.concrete:  # a foreign key or one-to-one field on these rows
            wanted = [i for i in level if not field.is_cached(i) and getattr(i, field.attname) is not None]
            target = field.target_field
            ids = sorted({getattr(i, field.attname) for i in wanted})
            found = {getattr(r, target.attname): r for r in rows(field.related_model, target.column, ids)}
            for i in wanted:
                field.set_cached_value(i, found.get(getattr(i, field.attname)))
            for i in level:
                if not field.is_cached(i):
                    field.set_cached_value(i, None)
            level = [v for v in {id(v): v for v in (field.get_cached_value(i) for i in level)}.values() if v]
            continue
        fk = field.field  # the foreign key on the related rows pointing at these
        if field.one_to_one:  # reverse one-to-one: the row pointing here, or none
            wanted = [i for i in level if not field.is_cached(i)]
            by_pk = {i.pk: i for i in wanted}
            found_rows = rows(field.related_model, fk.column, sorted(by_pk), narrow, narrow_params)
            mine = {getattr(r, fk.attname): r for r in found_rows}
            for i in wanted:
                field.set_cached_value(i, mine.get(i.pk))
            for r in found_rows:
                fk.set_cached_value(r, by_pk[getattr(r, fk.attname)])
            level = [v for v in (field.get_cached_value(i) for i in level) if v is not None]
            continue
        # A reverse foreign key: every row pointing here (read once: a second path
        # through the same relation goes on from the rows read by the first).
        cache = field.cache_name
        if not (last and to_attr) and all(cache in getattr(i, "_prefetched_objects_cache", {}) for i in level):
            level = [r for i in level for r in i._prefetched_objects_cache[cache]]  # type: ignore[attr-defined]
            continue
        by_pk = {i.pk: i for i in level}
        found_rows = rows(field.related_model, fk.column, sorted(by_pk), narrow, narrow_params)
        groups: dict[Any, list[Model]] = defaultdict(list)
        for r in found_rows:
            fk.set_cached_value(r, by_pk[getattr(r, fk.attname)])
            groups[getattr(r, fk.attname)].append(r)
        for i in level:
            values = groups.get(i.pk, [])
            if last and to_attr:
                setattr(i, to_attr, values)
                continue
            qs = getattr(i, field.get_accessor_name()).get_queryset()
            qs._result_cache = values
            qs._prefetch_done = True
            if not hasattr(i, "_prefetched_objects_cache"):
                i._prefetched_objects_cache = {}  # type: ignore[attr-defined]
            i._prefetched_objects_cache[cache] = qs  # type: ignore[attr-defined]
        level = found_rows
