"""The fixed choices of a ticket's own fields: how it reached us, how urgent it is, how
far it reaches, and who is responsible for the fix."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How the matter reached us (R1.2); ``patrol`` is a defect found by staff (R1.3)."""

    PHONE = "phone", _("phone")
    WALK_IN = "walk_in", _("walk-in")
    WRITTEN = "written", _("written")
    ONLINE = "online", _("online")
    PATROL = "patrol", _("patrol")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("routine")
    EMERGENCY = "emergency", _("emergency")


class Impact(models.TextChoices):
    """How far the fault reaches (R2.2): one home, a whole building or the estate."""

    HOUSEHOLD = "household", _("one household")
    BUILDING = "building", _("a whole building")
    PROPERTY = "property", _("the whole property")


class Route(models.TextChoices):
    """Who is responsible for the fix (来电来访 tags, R2.21-R2.24): the property's own
    team, the builder under warranty (Z), an outside provider (Q), or a coordination
    matter expected to take over two days (GT)."""

    OWN = "", _("our own team")
    BUILDER = "Z", _("builder's warranty (Z)")
    PROVIDER = "Q", _("outside provider (Q)")
    COORDINATION = "GT", _("coordination (GT)")
