from django.core.management.base import BaseCommand

from demo import seed as demo


class Command(BaseCommand):
    help = "Create the demo company (once), with a year of history at the full size, and print the demo logins."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--size", choices=sorted(demo.SIZES), default="full")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--no-history", action="store_true", help="Leave out the year of past matters the full size gets."
        )

    def handle(self, *args: object, **options: object) -> None:
        logins = demo.seed(str(options["size"]), history=not options["no_history"])
        if options["quiet"]:
            return
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for username, role in logins.items():
            self.stdout.write(f"  {username:<20} {role}")
        self.stdout.write(
            f"\nThe shared password {demo.PASSWORD} exists only in the demo data. Before this serves a real"
            "\noffice, start from an empty database and give every account its own password (docs/deploy.md)."
        )
