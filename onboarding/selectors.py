"""What the setup page shows of a property: its settings, time limits, follow-up
windows, teams, trades, channels and buildings, and the history of its setup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from estates.models import Building, Property
from followups.models import FollowUpPolicy, Service
from followups.policy import DEFAULTS as FOLLOWUP_DEFAULTS
from notify.models import ChannelRoute
from people.models import Team, Trade
from promises.models import PromisePolicy

HISTORY_ROWS = 30


@dataclass
class Window:
    service: str
    label: str
    from_days: int
    to_days: int
    coverage: int
    default: bool  # the rules' default, no row of the property's own


@dataclass
class Setup:
    property: Property
    limits: list[PromisePolicy] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    channels: list[ChannelRoute] = field(default_factory=list)
    buildings: list[Any] = field(default_factory=list)
    history: list[LogEntry] = field(default_factory=list)


def setup_of(prop: Property) -> Setup:
    own = {r.service: r for r in FollowUpPolicy.objects.filter(property=prop)}
    windows = []
    for service in Service:
        row, default = own.get(service.value), FOLLOWUP_DEFAULTS[service]
        windows.append(
            Window(
                service=service.value,
                label=str(service.label),
                from_days=row.window_from_days if row else default.from_days,
                to_days=row.window_to_days if row else default.to_days,
                coverage=row.coverage_percent if row else default.coverage,
                default=row is None,
            )
        )
    return Setup(
        property=prop,
        limits=list(PromisePolicy.objects.filter(property=prop).order_by("kind", "clock")),
        windows=windows,
        teams=list(Team.objects.filter(property=prop).prefetch_related("trades").order_by("name")),
        trades=list(Trade.objects.order_by("code")),
        channels=list(ChannelRoute.objects.filter(property=prop).select_related("team").order_by("name")),
        buildings=list(Building.objects.filter(property=prop).annotate(unit_count=Count("units")).order_by("code")),
        history=setup_history(prop),
    )


def setup_history(prop: Property, limit: int = HISTORY_ROWS) -> list[LogEntry]:
    """The property's recorded changes, newest first, with who made them and when."""
    return list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Property), object_id=str(prop.pk))
        .select_related("user")
        .order_by("-action_time", "-id")[:limit]
    )
