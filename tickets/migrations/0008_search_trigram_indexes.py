"""The search box's indexes on PostgreSQL: trigram (pg_trgm) GIN indexes, so that a part
of a number, the end of a phone, the start of a name and words of three characters or
more of a description are found without reading every ticket. SQLite has no such
index type and searches by scanning, which is fine at its sizes."""

from django.db import migrations

COLUMNS = ("number", "reporter_phone", "reporter_name", "description")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ticket_{column}_trgm ON tickets_ticket USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS ticket_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_alter_ticket_kind")]

    operations = [migrations.RunPython(create, drop)]
