"""The archive's access log refuses UPDATE and DELETE in the database itself (R7.2:
nobody edits or deletes it) on PostgreSQL, the production database. TRUNCATE, which
the test suite's flush uses, is not a row change and still empties it. On SQLite (the
development default) the model and its queryset refuse instead."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION records_access_log_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the archive access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER records_access_log_frozen BEFORE UPDATE OR DELETE ON records_archiveaccess
    FOR EACH ROW EXECUTE FUNCTION records_access_log_frozen();
"""
POSTGRES_UNDO = """
DROP TRIGGER IF EXISTS records_access_log_frozen ON records_archiveaccess;
DROP FUNCTION IF EXISTS records_access_log_frozen();
"""


def freeze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def thaw(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNDO)


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(freeze, thaw)]
