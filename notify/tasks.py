"""Background work of the notices (huey): each change's deliveries are sent once it is
committed; every minute a pass sends whatever is still due (a retry, the end of quiet
hours, a delivery a killed worker left claimed)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notify import outbox


@db_task()
def deliveries_send(ids: list[int]) -> int:
    return outbox.deliveries_send(ids)


@db_periodic_task(crontab(minute="*"))
def deliveries_send_due() -> int:
    return outbox.deliveries_send()
