"""A larger sample for the (status, closed_at) statistics of 0009. With the default
sample (30,000 rows) a million tickets of which a few thousand are open give the
statistics about a hundred open rows: some runs of ANALYZE keep the open pairs, others
drop them, and the queue's plan flipped between reading its index in order (1 ms) and
sorting every open ticket of its statuses (15 ms). A target of 500 samples 150,000 rows,
enough for the open pairs in every run measured, at a few seconds per ANALYZE."""

from django.db import migrations


def larger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER STATISTICS ticket_open_status SET STATISTICS 500")
        schema_editor.execute("ANALYZE tickets_ticket")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER STATISTICS ticket_open_status SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_open_queue_index_with_status")]

    operations = [migrations.RunPython(larger, default)]
