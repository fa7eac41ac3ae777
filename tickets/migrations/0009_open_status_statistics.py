"""PostgreSQL's planner, told how status and closing go together: almost every ticket is
closed, so on its own statistics a queue's statuses (in progress, on site ...) look rare,
while among the open tickets they are common. It then sorted every open ticket of the
queue's statuses instead of reading the queue's index in order and stopping at the page's
fifty. A multivariate MCV list over (status, closed_at) keeps the open tickets' pairs
(closed_at NULL), which are the frequent ones."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS ticket_open_status (mcv) ON status, closed_at FROM tickets_ticket"
        )
        schema_editor.execute("ANALYZE tickets_ticket")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS ticket_open_status")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_search_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
