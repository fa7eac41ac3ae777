"""Background work of the records (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from records.keys import overdue_sweep


@db_periodic_task(crontab(minute="*"))
def key_loans_overdue() -> int:
    """Every minute: tell the desk supervisors of each key late back, once."""
    return overdue_sweep()
