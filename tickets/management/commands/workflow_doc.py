import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tickets.workflow_doc import BEGIN, END, all_markdown


class Command(BaseCommand):
    help = "Rewrite the generated workflow tables in docs/workflow.md from the code."

    def handle(self, *args: object, **options: object) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
        text = path.read_text()
        for kind, table in all_markdown().items():
            pattern = re.escape(BEGIN.format(kind=kind)) + ".*?" + re.escape(END.format(kind=kind))
            text, n = re.subn(pattern, table.replace("\\", r"\\"), text, flags=re.S)
            if n != 1:
                raise SystemExit(f"docs/workflow.md has no generated section for {kind}")
        path.write_text(text)
        self.stdout.write(f"updated {path}")
