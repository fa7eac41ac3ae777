"""The property's office hours and the post that takes the service phone (R1.4): in
office hours the service desk (服务中心), outside them the monitoring room (监控室).
``post_on_duty`` is the one answer to "which post is on duty now": the duty log, the
console's queues and the notices to the desk all ask it."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from estates.models import Property


class Post(models.TextChoices):
    SERVICE_DESK = "service_desk", _("service desk")
    MONITORING_ROOM = "monitoring_room", _("monitoring room")


def in_office_hours(property: Property, at: datetime.datetime) -> bool:
    """Whether ``at`` falls in the property's office hours on its own clock (its time
    zone): from the minute it opens, up to but not including the minute it closes. The
    property has no weekends or holidays of its own: the hours apply every day."""
    local = at.astimezone(zoneinfo.ZoneInfo(property.time_zone)).time().replace(tzinfo=None)
    opens, closes = property.office_opens, property.office_closes
    if opens <= closes:
        return opens <= local < closes
    return local >= opens or local < closes  # an office open across midnight


def post_on_duty(property: Property, at: datetime.datetime) -> str:
    """The post that takes the service phone and the new matters at ``at`` (R1.4)."""
    return Post.SERVICE_DESK if in_office_hours(property, at) else Post.MONITORING_ROOM
