"""Background work of the surveys (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from surveys.plans import surveys_open_due
from surveys.services import surveys_announce_due


@db_periodic_task(crontab(minute="47"))
def open_planned_surveys() -> int:
    """Every hour: open the survey of each plan whose period has started (R8.3); the
    hour after midnight in any property's time zone opens it on its first day."""
    return surveys_open_due(now=timezone.now())


@db_periodic_task(crontab(minute="*/10"))
def announce_surveys() -> int:
    """Every ten minutes: send the link of each survey whose first day has come to the
    residents with an account, once."""
    return surveys_announce_due(now=timezone.now())
