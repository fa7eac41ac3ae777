"""The long lists' rows drawn by Jinja2 (pages.templatetags.rows): the row templates hold
markup only, so every word a person reads still comes through gettext from the Django
template around them; every value is escaped; a word the Django template forgot to pass
is an error, not a blank."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

ROW_TEMPLATES = sorted(Path(settings.BASE_DIR).glob("*/jinja2/**/*.html"))


def words_outside_markup(source: str) -> list[str]:
    """The text a Jinja2 template would show of its own: what is left once its tags,
    expressions, comments and HTML tags are taken out."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return re.findall(r"[^\W\d_]+", text)


def test_there_are_row_templates_to_check():
    names = {p.name for p in ROW_TEMPLATES}
    assert {"queue_rows.html", "board_rows.html", "job_rows.html", "matter_rows.html"} <= names


@pytest.mark.parametrize("path", ROW_TEMPLATES, ids=lambda p: p.name)
def test_a_row_template_holds_no_words_of_its_own(path):
    assert words_outside_markup(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_a_word_written_into_a_row_template():
    assert words_outside_markup("<td>{{ r.number }} 紧急 due</td>") == ["紧急", "due"]


@dataclass(frozen=True)
class Job:
    url: str = "/field/j/BX-1/"
    hot: bool = True
    place: str = "<b>3栋</b>"
    status: str = "处理中"
    what: str = 'say "hi" & <script>alert(1)</script>'
    number: str = "BX-1"
    appointment: str = "12-05 10:00"
    due: str = ""


def draw(source: str, **context) -> str:
    return Template("{% load rows %}" + source).render(Context(context))


def test_row_values_are_escaped_and_the_words_come_translated_from_the_django_template():
    with translation.override("zh-hans"):
        html = draw(
            '{% draw_rows "field/job_rows.html" rows emergency=_("emergency") appointment=_("Appointment") due=_("due") %}',
            rows=[Job()],
        )
    assert "&lt;b&gt;3栋&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&amp;" in html and "&#34;hi&#34;" in html
    assert "紧急" in html  # "emergency", in the reader's language
    assert "<b>" not in html


def test_a_word_the_django_template_does_not_pass_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        draw('{% draw_rows "field/job_rows.html" rows %}', rows=[Job()])


def test_form_fields_are_placed_with_their_prefix_escaped_and_marked_when_refused():
    """An action's fields (pages.forms.Widget) placed by draw_widgets: ids carry the
    action, values and messages are escaped, a refused field says so to a screen
    reader, a select keeps the chosen option and a row of fields keeps its own."""
    from pages.forms import Widget

    widgets = [
        Widget("note", "备注", "textarea", True, "<b>漏水</b>", error="太长 <i>"),
        Widget("assignee", "维修工", "select", False, 12, choices=[("", "—"), ("12", "张<三>")]),
        Widget("items", "项目", "rows", True, rows=[[Widget("items-0-quantity", "数量", "number", False, "2")]]),
        Widget("checklist", "检查", "multi", False, ["mat"], choices=[("mat", "铺垫"), ("shoe", "鞋套")]),
    ]
    html = Template('{% load rows %}{% draw_widgets widgets "confirm" %}').render(Context({"widgets": widgets}))
    assert '<textarea id="confirm-note" name="note" rows="2" required aria-invalid="true"' in html
    assert "&lt;b&gt;漏水&lt;/b&gt;</textarea>" in html and 'id="confirm-note-error">太长 &lt;i&gt;</p>' in html
    assert '<option value="12" selected>张&lt;三&gt;</option>' in html and '<option value="">—</option>' in html
    assert '<input id="confirm-items-0-quantity" name="items-0-quantity" type="number" step="1" value="2">' in html
    assert 'value="mat" checked> 铺垫' in html and 'value="shoe"> 鞋套' in html
    assert "<b>" not in html and "<i>" not in html
