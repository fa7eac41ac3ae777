"""Background work of the follow-ups (huey)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from followups.services import followups_sample_due, warranty_visits_plan_all
from tickets.archive import tickets_archive


@db_periodic_task(crontab(minute="7"))
def sample_followups() -> int:
    """Every hour: sample the follow-ups of each day that is over (R6.2)."""
    return followups_sample_due(now=timezone.now())


@db_periodic_task(crontab(minute="17", hour="1"))
def plan_warranty_visits() -> int:
    """Every night: plan the coming year's warranty visits of every building (R3.5)."""
    return warranty_visits_plan_all(today=timezone.localdate())


@db_periodic_task(crontab(minute="27", hour="2"))
def archive_tickets() -> int:
    """Every night: archive tickets closed over two years ago (R6.7)."""
    return tickets_archive()
