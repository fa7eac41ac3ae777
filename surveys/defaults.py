"""The aspects a survey asks about unless the person opening it edits the list (R8.3).

A survey keeps its own copy of the texts (``SurveyQuestion.text``), written in the
site's default language because residents read them; changing this list never changes
a survey already opened.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ASPECTS = [
    _("repair service"),
    _("complaint handling"),
    _("front-desk attitude"),
    _("cleanliness"),
    _("security and order"),
    _("greening upkeep"),
    _("transparency of fees"),
]

# An aspect averaging below this (between "neutral" and "satisfied") is marked weak on
# the results page, where the manager may open a corrective action for it.
WEAK_BELOW = 3.5
UNSATISFIED_AT_MOST = 2  # scores of 1 and 2 are unsatisfied, as for follow-ups (R6.5)


def default_aspects() -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        return [str(a) for a in ASPECTS]


def default_title(period: str) -> str:
    """The title of a survey, in the site's default language: residents read it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Residents' satisfaction survey %(period)s") % {"period": period}
