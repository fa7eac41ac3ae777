"""A technician's open jobs and their team's, each in the order of their list, so that
the list reads each from its index up to the page (tickets.selectors.jobs_open)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_warrantyterm_seasonal"),
        ("estates", "0006_property_labour_and_material_after_warranty"),
        ("people", "0006_sessions_account_backend"),
        ("tickets", "0011_open_status_statistics_sample"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["assignee", "urgency", "appointment_at", "next_due_at", "id"],
                include=("property", "team"),
                name="ticket_open_jobs_own",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("closed_at__isnull", True)),
                fields=["team", "urgency", "appointment_at", "next_due_at", "id"],
                include=("property", "assignee"),
                name="ticket_open_jobs_team",
            ),
        ),
    ]
