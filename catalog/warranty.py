"""Is this repair still under the builder's warranty? (R3.1, R3.2)

A category's warranty term runs from the completion-acceptance date of the unit (or,
if the unit has none, of its building) for a number of months; a term without months
is the structure's design life, which outlasts any building in service. The last day
covered is the day before the same date ``months`` later.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from catalog.models import Builder, Category
from estates.models import Building, Unit


@dataclass(frozen=True)
class Warranty:
    covered: bool
    until: datetime.date | None  # the last day covered; None for the design life
    builder: Builder | None
    term: str

    @property
    def routes_to_builder(self) -> bool:
        """Proposed as a Z route only when there is a builder to send it to."""
        return self.covered and self.builder is not None


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_for(
    *, unit: Unit | None, building: Building | None, category: Category | None, on: datetime.date
) -> Warranty | None:
    """The warranty of ``category`` at the place on day ``on``, or None when the
    category has no term or the place has no acceptance date (nothing to decide)."""
    if category is None or category.warranty_term is None:
        return None
    building = unit.building if unit is not None else building
    if building is None:
        return None
    accepted = (unit.completion_date if unit is not None else None) or building.completion_date
    if accepted is None:
        return None
    term = category.warranty_term
    if term.months is None:
        return Warranty(True, None, building.builder, term.name)
    until = months_after(accepted, term.months) - datetime.timedelta(days=1)
    return Warranty(accepted <= on <= until, until, building.builder, term.name)
