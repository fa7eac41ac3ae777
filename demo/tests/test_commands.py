"""The commands an operator runs and the periodic tasks the worker runs, each doing its
work when called the way cron or huey calls it."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils import timezone

from conftest import SHANGHAI, recorded, repair_draft
from demo import seed as demo
from estates.models import Company, Property
from followups.models import FollowUp
from followups.tasks import archive_tickets, plan_warranty_visits, sample_followups
from reports.models import ReportPack
from reports.tasks import generate_monthly_packs
from tickets.models import Ticket
from tickets.workflow_doc import BEGIN, END, all_markdown


def test_seed_demo_prints_the_logins_and_adds_nothing_a_second_time(estate):
    out = io.StringIO()
    call_command("seed_demo", "--size", "small", stdout=out)
    assert f"password for all: {demo.PASSWORD}" in out.getvalue()
    assert re.search(r"^\s+ygjy-agent\s+\S", out.getvalue(), re.M)
    assert Company.objects.filter(name=demo.COMPANY).count() == 1
    quiet = io.StringIO()
    call_command("seed_demo", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""


def test_workflow_doc_rewrites_the_generated_tables(settings, tmp_path):
    (tmp_path / "docs").mkdir()
    shutil.copy(Path(settings.BASE_DIR) / "docs" / "workflow.md", tmp_path / "docs" / "workflow.md")
    doc = tmp_path / "docs" / "workflow.md"
    stale = re.sub(
        re.escape(BEGIN.format(kind="repair")) + ".*?" + re.escape(END.format(kind="repair")),
        BEGIN.format(kind="repair") + "\nstale\n" + END.format(kind="repair"),
        doc.read_text(),
        flags=re.S,
    )
    doc.write_text(stale)
    settings.BASE_DIR = tmp_path
    call_command("workflow_doc", stdout=io.StringIO())
    text = doc.read_text()
    assert "stale" not in text
    assert all(table in text for table in all_markdown().values())


def test_workflow_doc_says_which_kind_has_no_section(settings, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "workflow.md").write_text("# Workflows\n")
    settings.BASE_DIR = tmp_path
    try:
        call_command("workflow_doc", stdout=io.StringIO())
    except SystemExit as e:
        assert "no generated section for repair" in str(e)
    else:  # pragma: no cover
        raise AssertionError("workflow_doc accepted a document without the tables")


def test_the_nightly_archive_task_archives_tickets_closed_over_two_years_ago(api):
    old = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft()))
    new = Ticket.objects.get(number=recorded(api("ygjy-agent"), repair_draft(unit="3-1201")))
    Ticket.objects.filter(pk=old.pk).update(closed_at=timezone.now() - datetime.timedelta(days=2 * 365 + 1))
    Ticket.objects.filter(pk=new.pk).update(closed_at=timezone.now() - datetime.timedelta(days=30))
    assert archive_tickets.call_local() == 1
    assert Ticket.objects.get(pk=old.pk).archived_at is not None
    assert Ticket.objects.get(pk=new.pk).archived_at is None


def test_the_nightly_warranty_task_plans_visits_to_buildings_in_warranty(estate):
    planned = plan_warranty_visits.call_local()
    assert planned > 0
    warranty = [
        FollowUp.Purpose.WARRANTY_PERIODIC,
        FollowUp.Purpose.WARRANTY_SEASONAL,
        FollowUp.Purpose.WARRANTY_EXPIRY,
    ]
    assert FollowUp.objects.filter(purpose__in=warranty).count() == planned
    assert plan_warranty_visits.call_local() == 0  # planned once


def test_the_hourly_sampling_task_samples_the_days_that_are_over(api):
    agent = api("ygjy-agent")
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=SHANGHAI), tick=False):
        number = recorded(agent, repair_draft(description="卫生间灯不亮", category="electrical"))
        ticket = Ticket.objects.get(number=number)
        FollowUp.objects.create(
            property_id=ticket.property_id,
            ticket=ticket,
            service="repair",
            status=FollowUp.Status.PENDING,
            due_from=timezone.now(),
            due_by=timezone.now() + datetime.timedelta(days=3),
            next_try_at=timezone.now(),
            planned_at=timezone.now(),
        )
        assert sample_followups.call_local() == 0  # the day is not over yet
    with time_machine.travel(datetime.datetime(2026, 11, 24, 1, 7, tzinfo=SHANGHAI), tick=False):
        assert sample_followups.call_local() == 1
    assert not FollowUp.objects.filter(status=FollowUp.Status.PENDING).exists()


def test_the_report_task_keeps_last_month_s_packs_from_06_00_on_the_30th_and_makes_up_a_missed_run(
    estate, settings, tmp_path
):
    """R8.1: the packs are kept on the 30th; the hourly task keeps them once that day's
    06:00 has come where the property is, and a run missed while the worker was down is
    made up when it comes back."""
    settings.MEDIA_ROOT = tmp_path
    Property.objects.filter(code="WLBG").update(time_zone="America/New_York")

    def kept(month: str) -> set[str | None]:
        return {p.property.code if p.property else None for p in ReportPack.objects.filter(month=month)}

    # 06:30 on the 30th in Changsha is 17:30 on the 29th in New York.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 6, 30, tzinfo=SHANGHAI), tick=False):
        generate_monthly_packs.call_local()
        assert kept("2026-10") == {"YGJY", None}  # the company follows its first property
        assert generate_monthly_packs.call_local() == 0
    with time_machine.travel(datetime.datetime(2026, 11, 30, 6, 30, tzinfo=ZoneInfo("America/New_York")), tick=False):
        assert generate_monthly_packs.call_local() == 1
        assert kept("2026-10") == {"YGJY", "WLBG", None}
    # The worker was down from the 29th of December to the 2nd of January.
    with time_machine.travel(datetime.datetime(2027, 1, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert generate_monthly_packs.call_local() == 3
    assert kept("2026-11") == {"YGJY", "WLBG", None}
