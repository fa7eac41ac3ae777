"""``{% draw_rows "console/queue_rows.html" rows word=_("...") %}``: a long list's rows
(pages.rows), placed by a Jinja2 template from an app's ``jinja2/`` folder. The words a
row shows come from the Django template as arguments, through gettext like every other
word on the page; the Jinja2 templates hold markup only (pages/tests/test_rows.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def draw_rows(name: str, rows: Any, **words: Any) -> SafeString:
    # Jinja2 escapes every value it places (autoescape), so its output is safe as a whole.
    return mark_safe(engines["jinja2"].get_template(name).render({"rows": rows, **words}))  # noqa: S308


@register.simple_tag
def draw_widgets(widgets: Any, prefix: Any = "") -> SafeString:
    """An action's form fields (pages.forms.Widget) placed by ``pages/widgets.html``;
    their ids are ``<prefix>-<name>``. The labels and messages come with the widgets."""
    page = engines["jinja2"].get_template("pages/widgets.html")
    return mark_safe(page.render({"widgets": widgets, "prefix": str(prefix or "")}))  # noqa: S308
