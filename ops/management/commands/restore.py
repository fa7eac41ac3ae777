from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Put back the database and the uploaded files of a backup archive, replacing the database whole. "
        "Stop the web server and the worker first (docs/deploy.md)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        if not options["yes"] and input(f"Replace this database and its files with {archive.name}? [y/N] ") != "y":
            raise CommandError("nothing restored")
        try:
            manifest = backup_restore(archive)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"restored {archive.name}: the database of {manifest['created_at']} and {len(manifest['files'])} files"
        )
