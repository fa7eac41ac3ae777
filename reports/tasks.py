"""Background work of the reports (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from reports.services import packs_generate_due


@db_periodic_task(crontab(minute="30", hour="6"))
def generate_monthly_packs() -> int:
    """Every morning: on the 30th (the last day in February), keep last month's packs (R8.1)."""
    return packs_generate_due(today=timezone.localdate())
