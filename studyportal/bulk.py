"""Inserting many rows at once without building a model instance for each (an import's 100,000
activities, their history, audit entries and 1.2 million attendance rows).

`bulk_create` costs about 0.2 ms a row in Python, most of it building the instance and preparing each
of its fields' values one by one; at a city's ledger that is minutes. `insert_rows` takes the rows as
plain values, prepares only the columns whose type needs it (each distinct value once), and sends
them by COPY on PostgreSQL (the keys drawn from the table's sequence first: about twice as fast for
the server as an INSERT of the same rows), by multi-row `INSERT … VALUES … RETURNING` on SQLite.
Like bulk_create it sends no signals and calls no save(): the caller writes the history and audit
entries itself.
"""

import contextlib
import datetime
import decimal
import io

from django.db import connections, router

# Column types whose Python values the database drivers take as they are; any other is prepared
# by its field (dates, times, decimals and JSON differ between PostgreSQL and SQLite).
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "CharField",
    "TextField",
    "BooleanField",
}
# Rows of one PostgreSQL statement: bounds the size of the statement the driver builds.
POSTGRESQL_ROWS = 50_000


def insert_rows(
    model, fields: list[str], rows: list, *, using: str | None = None, batch_size: int = POSTGRESQL_ROWS
) -> list:
    """Insert `rows` (sequences of values in the order of `fields`, which are attnames) into the
    model's table, and return the new rows' primary keys in the order of `rows`.

    The values are stored as given: no defaults, no auto_now, no pre_save; give every column that
    has no database default. At most `batch_size` rows go in one statement (fewer on SQLite, whose
    statements take a limited number of parameters)."""
    if not rows:
        return []
    using = using or router.db_for_write(model)
    connection = connections[using]
    opts = model._meta
    columns = [opts.get_field(name) for name in fields]
    prepare = [_preparer(field, connection) for field in columns]
    if any(prepare):
        # Column by column: only the values of the columns that need it are touched.
        values = [
            column if prep is None else list(map(prep, column))
            for column, prep in zip(zip(*rows, strict=True), prepare, strict=True)
        ]
        rows = list(zip(*values, strict=True))
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({})".format(
        quote(opts.db_table), ", ".join(quote(field.column) for field in columns)
    )
    returning = f" RETURNING {quote(opts.pk.column)}"
    keys = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = _copy(cursor, opts, columns, rows, batch_size)
        elif connection.vendor == "sqlite":
            size = max(1, min(batch_size, connection.features.max_query_params // len(columns)))
            placeholder = f"({', '.join(['%s'] * len(columns))})"
            for start in range(0, len(rows), size):
                chunk = rows[start : start + size]
                sql = f"{head} VALUES {', '.join([placeholder] * len(chunk))}{returning}"
                cursor.execute(sql, [value for row in chunk for value in row])
                keys += [row[0] for row in cursor.fetchall()]
        else:  # pragma: no cover - the portal runs on PostgreSQL and SQLite only
            raise NotImplementedError(connection.vendor)
    return keys


def insert_objects(
    model, objects: list, *, using: str | None = None, batch_size: int = POSTGRESQL_ROWS
) -> list:
    """Insert unsaved instances as `insert_rows` does, and give each its primary key, as bulk_create
    would. Every concrete field is written as the instance holds it, but for a primary key left
    empty (the database numbers it); auto_now and auto_now_add fields get one time for all."""
    if not objects:
        return objects
    using = using or router.db_for_write(model)
    opts = model._meta
    pk = opts.pk
    fields = [
        field
        for field in opts.concrete_fields
        if not (field is pk and getattr(objects[0], pk.attname) is None)
    ]
    now = _stamp(fields, objects[0])
    for obj in objects[1:]:
        for field, value in now.items():
            setattr(obj, field.attname, value)
    names = [field.attname for field in fields]
    rows = [[getattr(obj, name) for name in names] for obj in objects]
    keys = insert_rows(model, names, rows, using=using, batch_size=batch_size)
    for obj, key in zip(objects, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = using
    return objects


def shared_values(model, instance) -> dict:
    """attname → value of each concrete field of the unsaved `instance` but its primary key, its
    auto_now and auto_now_add fields stamped now as `insert_objects` stamps them: the values rows
    written together share, read off one instance so that they are the model's defaults."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    _stamp(fields, instance)
    return {field.attname: getattr(instance, field.attname) for field in fields}


def _stamp(fields: list, instance) -> dict:
    """Gives the instance's auto_now and auto_now_add fields among `fields` the time now; field → it."""
    stamped = [field for field in fields if _stamped(field)]
    if not stamped:
        return {}
    now = stamped[0].pre_save(instance, add=True)
    for field in stamped:
        setattr(instance, field.attname, now)
    return dict.fromkeys(stamped, now)


def _copy(cursor, opts, columns: list, rows: list, batch_size: int) -> list:
    """The rows by COPY, which PostgreSQL reads about twice as fast as the same rows in an INSERT's
    arrays (an import's million attendance rows); the keys, unless given, are drawn from the table's
    sequence first, in one query."""
    quote = cursor.db.ops.quote_name
    pk = opts.pk
    drawn = pk not in columns
    if not drawn:
        keys = [row[columns.index(pk)] for row in rows]
    else:
        # The sequence looked up once: in the select list, pg_get_serial_sequence runs for every row
        # and costs ten times the nextval (OFFSET 0 keeps the planner from pulling it back in there).
        cursor.execute(
            "SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq OFFSET 0) s, "
            "generate_series(1, %s)",
            [opts.db_table, pk.column, len(rows)],
        )
        keys = [row[0] for row in cursor.fetchall()]
        columns = [pk, *columns]
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(opts.db_table), ", ".join(quote(field.column) for field in columns)
    )
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        text = [_copy_column(column) for column in zip(*chunk, strict=True)]
        if drawn:
            text.insert(0, list(map(str, keys[start : start + batch_size])))
        data = io.StringIO("".join(f"{line}\n" for line in map("\t".join, zip(*text, strict=True))))
        # Logged as a query like any other (Django logs execute() only), so that budgets count it.
        logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else contextlib.nullcontext()
        with logged:
            cursor.cursor.copy_expert(sql, data)
    return keys


# Types whose str() COPY reads as it is, and which never print a tab, newline or backslash.
_PRINTED = {int, float, decimal.Decimal, datetime.date, datetime.datetime, datetime.time}


def _copy_column(values) -> list[str]:
    """A column's values as COPY's text format writes them; a column of one type (and empty values)
    without a call a value: an import's million rows of ids, texts and flags."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return ["\\N"] * len(values)
    if len(kinds) > 1:
        return [_copy_value(value) for value in values]
    kind = kinds.pop()
    if kind in _PRINTED:
        return ["\\N" if value is None else str(value) for value in values]
    if kind is str:
        return ["\\N" if value is None else _copy_text(value) for value in values]
    if kind is bool:
        return ["\\N" if value is None else "t" if value else "f" for value in values]
    return [_copy_value(value) for value in values]


def _copy_value(value) -> str:
    """A value as prepared for the database (`_preparer`): dates, times and decimals print as
    PostgreSQL reads them; JSON comes wrapped for the driver, and is written out as its text."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "adapted") and hasattr(value, "dumps"):  # psycopg2's Json
        value = value.dumps(value.adapted)
    return _copy_text(str(value))


def _copy_text(text: str) -> str:
    # str.translate looks up every character; most values need nothing, and replace() is C.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _preparer(field, connection):
    """How a value of the field is made ready for the database; None when it goes as it is."""
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in _AS_IS:
        return None

    # A column of 100,000 dates or times holds few distinct values (the import's time, a year's
    # days): each is prepared once.
    prepared = {None: field.get_db_prep_save(None, connection)}

    def prepare(value):
        try:
            return prepared[value]
        except KeyError:
            prepared[value] = result = field.get_db_prep_save(value, connection)
            return result
        except TypeError:  # not hashable (a JSON value)
            return field.get_db_prep_save(value, connection)

    return prepare


def _stamped(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
