"""docs/workflow.md shows the very table the code enforces."""

from pathlib import Path

from django.conf import settings

from tickets.workflow_doc import all_markdown


def test_workflow_doc_matches_the_code():
    text = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text()
    for kind, table in all_markdown().items():
        assert table in text, f"docs/workflow.md is out of date for {kind}: run `manage.py workflow_doc`"
