"""One pass of the outbox, as the worker makes every minute: send whatever is due (for
a machine without the worker, from cron, or to empty the outbox by hand)."""

from django.core.management.base import BaseCommand

from notify import outbox


class Command(BaseCommand):
    help = "Send the notices' deliveries that are due (one pass of the outbox)."

    def handle(self, *args: object, **options: object) -> None:
        sent = outbox.deliveries_send()
        self.stdout.write(f"{sent}")
