"""Reference data remembered by each process (base.remembered): ticket creation reads no
category or promise-limit row it has read in the last REFERENCE_CACHE_SECONDS; a change
made in this process is seen at once, one made in another process within those seconds."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Builder, Category
from catalog.selectors import category_by_code, remembered_categories, remembered_parties
from conftest import login, recorded, repair_draft
from estates.models import Property
from onboarding.services import promise_limit_set, settings_save
from people.access import remembered_workplaces
from promises.models import PromisePolicy
from promises.policy import limits_for, remembered_limits
from tickets.models import Ticket


@pytest.fixture
def remembering(settings, estate):
    settings.REFERENCE_CACHE_SECONDS = 30
    remembered_limits.forget()
    remembered_categories.forget()
    yield
    remembered_limits.forget()
    remembered_categories.forget()


def test_recording_a_ticket_reads_its_category_and_limits_once_per_process(remembering, api):
    desk = api("ygjy-agent")
    assert desk.post("/tickets", repair_draft()).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert desk.post("/tickets", repair_draft(unit="3-1201")).status_code == 201
    read = " ".join(q["sql"] for q in queries)
    assert '"catalog_category"' not in read and '"promises_promisepolicy"' not in read


def test_a_limit_changed_elsewhere_is_seen_within_the_seconds_and_here_at_once(remembering, persona):
    """R2.1 and every clock: a property's policy decides its limits; a change reaches every
    web process within REFERENCE_CACHE_SECONDS."""
    prop = Property.objects.get(code="YGJY")
    row = PromisePolicy.objects.get(property=prop, kind="repair", clock="arrive")
    before = limits_for(prop.pk, "repair")["arrive"].minutes
    # Another process changes the row: no signal reaches this one.
    PromisePolicy.objects.filter(pk=row.pk).update(minutes=before + 7)
    assert limits_for(prop.pk, "repair")["arrive"].minutes == before
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert limits_for(prop.pk, "repair")["arrive"].minutes == before + 7
    # Saved in this process (the admin): at once.
    row.refresh_from_db()
    row.minutes = before + 9
    row.save()
    assert limits_for(prop.pk, "repair")["arrive"].minutes == before + 9
    # Changed on the set-up page (a queryset update in the service): at once.
    assert promise_limit_set(
        by=persona("admin"), prop=prop, policy_id=row.pk, minutes=before + 11, emergency_minutes=None
    )
    assert limits_for(prop.pk, "repair")["arrive"].minutes == before + 11
    # What a caller does with its copy does not change what is remembered.
    limits_for(prop.pk, "repair").clear()
    assert limits_for(prop.pk, "repair")["arrive"].minutes == before + 11


def test_a_category_renamed_here_is_seen_at_once_and_a_new_one_is_found(remembering):
    def name(code: str) -> str | None:
        found = category_by_code(code)
        return found.name if found else None

    assert name("plumbing") != "给排水（改）"
    Category.objects.filter(code="plumbing").update(name="给排水（改）")  # elsewhere: remembered still
    assert name("plumbing") != "给排水（改）"
    cat = Category.objects.get(code="plumbing")
    cat.name = "给排水（新）"
    cat.save()
    assert name("plumbing") == "给排水（新）"
    # A code not found is not remembered: one made in another process is found next time.
    assert category_by_code("solar") is None
    Category.objects.bulk_create([Category(code="solar", name="太阳能", trade=cat.trade)])
    assert name("solar") == "太阳能"


@pytest.fixture
def workplaces(remembering):
    remembered_workplaces.forget()
    yield
    remembered_workplaces.forget()


def test_where_an_account_works_is_remembered_and_a_removal_here_counts_at_once(workplaces, api, persona):
    """R0 (one place for who may do what): an agent taken off a property loses it on the
    next request in this process, and in the others within REFERENCE_CACHE_SECONDS."""
    desk = api("ygjy-agent")
    assert desk.post("/tickets", repair_draft()).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert desk.post("/tickets", repair_draft(unit="3-1201")).status_code == 201
    assert not [q for q in queries if 'FROM "estates_property"' in q["sql"]]
    agent, ygjy = persona("ygjy-agent"), Property.objects.get(code="YGJY")
    # Another process takes the agent off the property: no signal reaches this one.
    agent.properties.through.objects.filter(user_id=agent.pk, property_id=ygjy.pk).delete()
    assert desk.post("/tickets", repair_draft(unit="1-101")).status_code == 201
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert desk.post("/tickets", repair_draft(unit="1-101")).status_code == 403
    # Put back and taken off in this process: refused on the next request.
    agent.properties.add(ygjy)
    assert desk.post("/tickets", repair_draft(unit="1-101")).status_code == 201
    agent.properties.remove(ygjy)
    assert desk.post("/tickets", repair_draft(unit="1-101")).status_code == 403


def test_each_property_and_kind_keeps_its_own_remembered_limits(remembering):
    """Every clock: the limits remembered for one property and kind are never another's."""
    ygjy, wlbg = Property.objects.get(code="YGJY"), Property.objects.get(code="WLBG")
    PromisePolicy.objects.filter(property=wlbg, kind="repair", clock="arrive").update(minutes=77)
    asked = [(ygjy.pk, "repair"), (wlbg.pk, "repair"), (ygjy.pk, "complaint:major"), (ygjy.pk, "consultation:written")]
    first = {pair: limits_for(*pair) for pair in asked}
    assert first[(wlbg.pk, "repair")]["arrive"].minutes == 77
    assert first[(ygjy.pk, "repair")]["arrive"].minutes != 77
    assert first[(ygjy.pk, "complaint:major")].keys() != first[(ygjy.pk, "repair")].keys()
    assert {pair: limits_for(*pair) for pair in asked} == first  # the same, from memory


@pytest.fixture
def parties(workplaces):
    remembered_parties.forget()
    yield
    remembered_parties.forget()


def test_a_tickets_page_reads_its_property_category_and_outside_parties_from_memory(parties, api):
    """R2.22, R2.23: the desk's page of an open repair offers the company's active builders
    and providers; one switched off here is gone at once, elsewhere within the seconds."""
    number = recorded(api("ygjy-agent"), repair_draft())
    desk = login("ygjy-agent")
    desk.get(f"/t/{number}/")
    with CaptureQueriesContext(connection) as queries:
        page = desk.get(f"/t/{number}/").content.decode()
    for table in ("estates_property", "catalog_category", "catalog_builder", "catalog_provider"):
        # A statement reading the table's rows (not one that names it in a condition).
        assert not [q for q in queries if re.match(rf'SELECT [^()]* FROM "?{table}"?\s', q["sql"])], table
    builder = Builder.objects.filter(company__properties__code="YGJY", active=True).first()
    assert builder is not None and f"Z · {builder.name}" in page

    def offered() -> bool:
        return f"Z · {builder.name}" in desk.get(f"/t/{number}/").content.decode()

    Builder.objects.filter(pk=builder.pk).update(active=False)  # another process: no signal here
    assert offered()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        assert not offered()
    builder.active = True
    builder.save()
    assert offered()
    builder.active = False
    builder.save()
    assert not offered()
    # The category's name, renamed here: at once.
    category = Ticket.objects.get(number=number).category
    assert category is not None
    category.name = "给排水（新）"
    category.save()
    assert "给排水（新）" in desk.get(f"/t/{number}/").content.decode()


def test_a_propertys_clock_changed_on_the_setup_page_is_seen_at_once(workplaces, api, persona):
    """The set-up page writes a property's time zone by a queryset update, which sends no
    signal: it forgets the remembered properties itself, so a ticket's page in the
    process that made the change shows its times on the new clock at once."""
    number = recorded(api("ygjy-agent"), repair_draft())
    desk = login("ygjy-agent")
    assert 'datetime="' in (page := desk.get(f"/t/{number}/").content.decode()) and "+08:00" in page
    settings_save(
        by=persona("admin"),
        prop=Property.objects.get(code="YGJY"),
        time_zone="Asia/Tokyo",
        office_opens="08:00",
        office_closes="18:00",
        after_hours_phone="",
        desk_phone="",
    )
    page = desk.get(f"/t/{number}/").content.decode()
    assert "+09:00" in page and "+08:00" not in page
