"""Background work of the promise clocks (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ops.heartbeats import SWEEP, heartbeat
from promises.services import sweep


@db_periodic_task(crontab(minute="*"))
def sweep_deadlines() -> int:
    """Every minute: record missed promises and escalate them; the health endpoint reads
    when it last ran."""
    found = sweep()
    heartbeat(SWEEP, note=f"{found} new breaches")
    return found
