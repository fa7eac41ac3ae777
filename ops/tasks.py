"""Background work of operations (huey): the worker's heartbeat and the nightly backup."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from ops.backup import backup_write, backups_prune
from ops.heartbeats import WORKER, heartbeat


@db_periodic_task(crontab(minute="*"))
def beat() -> None:
    """Every minute: the worker is alive (the health endpoint reads it)."""
    heartbeat(WORKER)


@db_periodic_task(crontab(minute="40", hour="19"))  # 03:40 in China (huey's crontab is UTC)
@lock_task("backup")
def nightly_backup() -> str:
    """Every night: a backup of the database and the uploads; the newest BACKUP_KEEP kept.
    One at a time however many workers run (a lock in huey's storage)."""
    path = backup_write()
    backups_prune()
    return path.name
