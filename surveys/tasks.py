"""Background work of the surveys (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from surveys.plans import surveys_open_due


@db_periodic_task(crontab(minute="47"))
def open_planned_surveys() -> int:
    """Every hour: open the survey of each plan whose period has started (R8.3); the
    hour after midnight in any property's time zone opens it on its first day."""
    return surveys_open_due(now=timezone.now())
