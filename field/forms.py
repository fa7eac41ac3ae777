"""The job's forms designed for the phone, on top of the action forms every face draws
from the same input models (pages.forms): the repair items as rows a script adds and
removes (three rows without it), the catalogue of the job's own category first; the
customer's sign-off with stars and nothing chosen beforehand.

Whatever the page shows, the post is read by ``pages.forms.data_from_post`` into the
action's input model and taken through ``tickets.actions.ticket_act``, as the API does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from catalog.models import Category, ServiceItem
from pages.forms import Widget
from tickets.models import Ticket

ITEMS = "items"  # the list field of repairs.schemas.ConfirmForm and ReviseForm
ITEM_ROWS = 3  # rows drawn for the page without its script
ITEM_ROWS_READ = 60  # rows read from a post at most; the service refuses more than 50 items itself
OUT_OF_CATALOGUE = ("description", "labour_fee", "material_fee", "service_fee")
ROW_NAME = re.compile(r"^items-(\d{1,3})-")
# Fields of the items forms rarely needed, folded under "more".
RARE = ("category", "reported_item_wrong", "note")


@dataclass
class ItemRow:
    """One row of the items form: its index in the posted names and its widgets by field."""

    index: int | str  # "__i__" in the blank row the script copies
    f: dict[str, Widget]
    other: bool = False  # an item outside the catalogue was described on it

    @property
    def fees(self) -> list[Widget]:
        return [self.f[n] for n in OUT_OF_CATALOGUE[1:]]


@dataclass
class ItemsForm:
    widget: Widget  # the "rows" widget of pages.forms, holding every row read or drawn
    rows: list[ItemRow]
    template: ItemRow  # a blank row, its names holding __i__ for the script
    groups: list[tuple[str, list[tuple[str, str]]]]  # the catalogue, the job's category first
    main: list[Widget]  # the other fields shown
    rare: list[Widget]  # the fields folded under "more"
    next_index: int = 0
    rare_open: bool = False


@dataclass
class SignOffFields:
    f: dict[str, Widget] = field(default_factory=dict)


def _blank_row(template: list[Widget], index: int | str) -> list[Widget]:
    return [
        Widget(f"{ITEMS}-{index}-{w.name.rsplit('-', 1)[1]}", w.label, w.kind, False, "", w.choices) for w in template
    ]


def rows_for_post(widgets: list[Widget], post: QueryDict) -> None:
    """Make the items widget read every row the page posted: the script numbers the
    rows it adds after the drawn ones, and a removed row leaves a gap."""
    items = next((w for w in widgets if w.kind == "rows" and w.name == ITEMS), None)
    if items is None or not items.rows:
        return
    posted = [int(m.group(1)) for key in post if (m := ROW_NAME.match(key))]
    wanted = min(max(posted, default=-1) + 1, ITEM_ROWS_READ)
    while len(items.rows) < wanted:
        items.rows.append(_blank_row(items.rows[0], len(items.rows)))


def catalogue(ticket: Ticket) -> list[tuple[str, list[tuple[str, str]]]]:
    """The company's active catalogue grouped by category, the job's own category first."""
    rows = (
        ServiceItem.objects.filter(active=True, company_id=ticket.property.company_id)
        .select_related("category")
        .order_by("category__code", "code")
    )
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for s in rows:
        total = s.labour_fee + s.material_fee + s.service_fee
        price = f"¥{total.normalize():f}" if total else _("free")
        groups.setdefault(s.category_id, (s.category.name, []))[1].append((s.code, f"{s.name} · {price}"))
    own = groups.pop(ticket.category_id, None) if ticket.category_id else None
    return ([own] if own else []) + list(groups.values())


def items_form(ticket: Ticket, widgets: list[Widget]) -> ItemsForm | None:
    """The confirm or revise form for the page, from the action's widgets (posted values
    and errors already in them after a failed post)."""
    items = next((w for w in widgets if w.kind == "rows" and w.name == ITEMS), None)
    if items is None or not items.rows:
        return None
    while len(items.rows) < ITEM_ROWS:
        items.rows.append(_blank_row(items.rows[0], len(items.rows)))
    rows = []
    for i, row in enumerate(items.rows):
        by_name = {w.name.rsplit("-", 1)[1]: w for w in row}
        described = any(str(by_name[n].value or "").strip() for n in OUT_OF_CATALOGUE if n in by_name)
        rows.append(ItemRow(i, by_name, other=not by_name["item"].value and described))
    others = [w for w in widgets if w is not items]
    category = next((w for w in others if w.name == "category"), None)
    if category is not None:  # correct the category from the list, not by typing its code
        category.kind = "select"
        category.choices = [("", _("— unchanged —"))] + [(c.code, c.name) for c in Category.objects.order_by("code")]
    rare = [w for w in others if w.name in RARE]
    return ItemsForm(
        widget=items,
        rows=rows,
        template=ItemRow("__i__", {w.name.rsplit("-", 1)[1]: w for w in _blank_row(items.rows[0], "__i__")}),
        groups=catalogue(ticket),
        main=[w for w in others if w.name not in RARE],
        rare=rare,
        next_index=len(items.rows),
        rare_open=any(w.value or w.error for w in rare),
    )


def sign_off_widgets(widgets: list[Widget]) -> None:
    """The customer answers whether they accept the work: nothing is chosen for them.
    The answer is posted as ``satisfied=yes|no``, which the input model reads as a bool."""
    for w in widgets:
        if w.name == "satisfied":
            w.kind, w.value, w.required = "select", "", True
            w.choices = [("yes", _("Yes, the work is accepted")), ("no", _("No, it is not fixed"))]


def sign_off_form(widgets: list[Widget]) -> SignOffFields:
    return SignOffFields({w.name: w for w in widgets})
