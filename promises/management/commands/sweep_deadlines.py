from django.core.management.base import BaseCommand

from promises.services import sweep


class Command(BaseCommand):
    help = "Record missed service promises as breached (once each) and escalate them. For cron."

    def handle(self, *args: object, **options: object) -> None:
        found = sweep()
        self.stdout.write(f"{found} new breaches")
