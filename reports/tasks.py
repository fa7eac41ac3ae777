"""Background work of the reports (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reports.services import packs_generate_missing


@db_periodic_task(crontab(minute="35"))
@lock_task("monthly-packs")
def generate_monthly_packs() -> int:
    """Every hour: keep each property's and each company's pack of last month once its
    report day (the 30th, the last day in February) has come at 06:00 in the property's
    time zone; a run missed while the worker was down is made up at the next (R8.1)."""
    return packs_generate_missing(now=timezone.now())
