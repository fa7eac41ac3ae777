"""Background work of repairs (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from repairs.services import work_orders_sign_off_lapsed


@db_periodic_task(crontab(minute="23"))
def sign_off_lapsed() -> int:
    """Every hour: completed jobs past their property's days to sign off are taken as
    signed off (R2.11)."""
    return work_orders_sign_off_lapsed()
