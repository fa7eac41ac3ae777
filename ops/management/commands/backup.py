from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_write, backups_prune


class Command(BaseCommand):
    help = "Write a backup of the database and every uploaded file under BACKUP_DIR (docs/deploy.md)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--prune", action="store_true", help="then keep only the newest BACKUP_KEEP")

    def handle(self, *args: object, **options: object) -> None:
        try:
            path = backup_write()
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(str(path))
        if options["prune"]:
            for old in backups_prune():
                self.stdout.write(f"deleted {old.name}")
