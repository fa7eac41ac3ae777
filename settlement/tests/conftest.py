"""A paid repair brought to the customer's sign-off through the services, as on site."""

from __future__ import annotations

from typing import Any

import pytest

from repairs import services as work
from repairs.schemas import ItemIn
from tickets.kinds import draft_from
from tickets.models import Ticket
from tickets.services import ticket_create


def job(
    persona: Any,
    *,
    unit: str = "3-1202",
    item: str = "PL-01",
    category: str = "plumbing",
    misuse: str = "",
    sign: bool = True,
    tech: str = "ygjy-tech1",
) -> Ticket:
    agent, fitter = persona("ygjy-agent"), persona(tech)
    draft = draft_from(
        {
            "kind": "repair",
            "property": "YGJY",
            "unit": unit,
            "category": category,
            "reporter_name": "王芳",
            "reporter_phone": "13800138000",
            "description": "厨房水龙头漏水",
        }
    )
    t = ticket_create(by=agent, draft=draft)
    work.work_order_dispatch(ticket=t, by=agent, assignee=tech)
    work.work_order_accept(ticket=t, by=fitter)
    work.work_order_arrive(ticket=t, by=fitter)
    if misuse:
        work.work_order_mark_misuse(ticket=t, by=fitter, reason=misuse)
    work.work_order_confirm(ticket=t, by=fitter, items=[ItemIn.model_validate({"item": item})])
    t.refresh_from_db()
    if t.status == "awaiting_consent":
        work.work_order_consent(ticket=t, by=fitter, customer_name="王芳")
    work.work_order_complete(ticket=t, by=fitter, result_note="已修好")
    if sign:
        work.work_order_sign_off(ticket=t, by=fitter, satisfaction=5, signed_by="王芳")
    t.refresh_from_db()
    return t


@pytest.fixture
def paid_job(persona: Any) -> Any:
    """paid_job(unit=..., item=..., misuse=..., sign=False) -> a repair ticket, signed off by default."""

    def make(**kwargs: Any) -> Ticket:
        return job(persona, **kwargs)

    return make
