"""Opening surveys, answering them and acting on their results (R8.3).

- ``survey_open``: the property manager, the service supervisor or company leadership
  opens a survey with its dates and aspects; the plan opens one each period
  (``surveys.plans``).
- ``survey_answer``: one household's answer, given on the resident pages or taken by
  the desk by phone, face to face or on paper. One per household per survey (a unique
  constraint), only within the survey's dates, every aspect scored 1-5.
- ``survey_action_open``: a corrective and preventive action for a weak aspect, opened
  through the quarterly review's ``corrective_action_open`` so that it is tracked on the
  same pages as the review's actions.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base import validation
from base.errors import Conflict, Forbidden, IllegalTransition, InvalidInput
from estates.localtime import local_today
from followups.models import CorrectiveAction
from followups.review import corrective_action_open
from notify.models import Notification
from notify.services import Words, notice
from people.access import household_ids, is_resident, may_open_surveys, may_record_survey_answers, works_at
from people.models import User
from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyScore
from surveys.selectors import eligible_households

if TYPE_CHECKING:
    from estates.models import Household, Property

TAKEN_BY_STAFF = {SurveyAnswer.Method.PHONE, SurveyAnswer.Method.FACE_TO_FACE, SurveyAnswer.Method.PAPER}
ASPECTS_MAX = 20
ASPECT_MAX_LENGTH = 100
COMMENT_MAX = 1000
OPEN_DAYS_MAX = 366


def aspects_clean(aspects: list[str]) -> list[str]:
    """The aspects to rate, one per line as typed: blank lines dropped, each at most
    100 characters, none twice."""
    texts = [validation.text_clean(a, field="aspects", max_length=ASPECT_MAX_LENGTH) for a in aspects if a.strip()]
    if not texts:
        raise InvalidInput(_("Give at least one aspect to rate."), field="aspects")
    if len(texts) > ASPECTS_MAX:
        raise InvalidInput(_("At most %(max)d aspects.") % {"max": ASPECTS_MAX}, field="aspects")
    seen: set[str] = set()
    for text in texts:
        if text in seen:
            raise InvalidInput(_("“%(aspect)s” is listed twice.") % {"aspect": text}, field="aspects")
        seen.add(text)
    return texts


@transaction.atomic
def survey_open(
    *,
    prop: Property,
    by: User | None,
    title: str,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    aspects: list[str],
    period_start: datetime.date | None = None,
) -> Survey:
    """Open a survey of ``prop`` (``by`` is None when the plan opens it)."""
    if by is not None and not (works_at(by, prop) and may_open_surveys(by)):
        raise Forbidden(_("Surveys are opened by the property manager or the service supervisor."))
    title = validation.text_clean(title, field="title", max_length=200)
    if opens_on is None:
        raise InvalidInput(_("Give the opening date."), field="opens_on")
    if closes_on is None:
        raise InvalidInput(_("Give the closing date."), field="closes_on")
    if opens_on < local_today(prop.time_zone):
        raise InvalidInput(_("The opening date is in the past."), field="opens_on")
    if closes_on < opens_on:
        raise InvalidInput(_("The survey would close before it opens."), field="closes_on")
    if (closes_on - opens_on).days >= OPEN_DAYS_MAX:
        raise InvalidInput(_("A survey is open for a year at most."), field="closes_on")
    texts = aspects_clean(aspects)
    survey = Survey.objects.create(
        property=prop,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        period_start=period_start,
        opened_at=timezone.now(),
        opened_by=by,
        opened_by_name=by.name_kept if by is not None else _("survey plan"),
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(property=prop, survey=survey, position=n, text=text) for n, text in enumerate(texts, 1)
    )
    return survey


def survey_announce(*, survey: Survey, now: datetime.datetime) -> int:
    """On its first day, every resident with an account at the property is sent the
    survey's link, once (the conditional update); returns how many were told."""
    if survey.opens_on > local_today(survey.property.time_zone, now) or survey.closes_on < survey.opens_on:
        return 0
    with transaction.atomic():
        if not Survey.objects.filter(pk=survey.pk, announced_at__isnull=True).update(announced_at=now):
            return 0
        residents = User.objects.filter(
            residencies__property_id=survey.property_id, residencies__household__isnull=False, is_active=True
        ).distinct()
        closes = survey.closes_on

        def words() -> Words:
            what = {"title": survey.title, "closes": closes.strftime("%m-%d")}
            return Words(
                message=_("Survey “%(title)s”: tell us how we are doing, by %(closes)s.") % what,
                sms=_("Please rate our service by %(closes)s") % what,
            )

        return len(
            notice(
                to=residents,
                kind=Notification.Kind.UPDATE,
                wording=words,
                property_id=survey.property_id,
                link=f"/my/surveys/{survey.pk}/",
                key=f"survey:{survey.pk}",
                at=now,
            )
        )


def surveys_announce_due(*, now: datetime.datetime) -> int:
    """Announce the surveys whose first day has come; returns how many residents were told."""
    told = 0
    open_now = Survey.objects.filter(
        announced_at__isnull=True, closes_on__gte=(now - datetime.timedelta(days=1)).date()
    )
    for survey in open_now.select_related("property"):
        told += survey_announce(survey=survey, now=now)
    return told


def _answerer(*, survey: Survey, household: Household, by: User, method: str) -> None:
    """A resident answers for their own household, online; the desk of the property
    records answers taken by phone, face to face or on paper."""
    if is_resident(by):
        if not household_ids(by).filter(household_id=household.pk).exists():
            raise Forbidden(_("You can answer only for your own household."))
        if method != SurveyAnswer.Method.ONLINE:
            raise InvalidInput(_("Choose how the answer was taken."), field="method")
        return
    if not works_at(by, survey.property) or not may_record_survey_answers(by):
        raise Forbidden(_("The service desk records answers taken by phone, face to face or on paper."))
    if method not in TAKEN_BY_STAFF:
        raise InvalidInput(_("Choose how the answer was taken."), field="method")


def _scores_clean(questions: list[SurveyQuestion], scores: Mapping[int, int | None]) -> dict[int, int]:
    known = {q.pk for q in questions}
    if set(scores) - known:
        raise InvalidInput(_("The answer rates an aspect this survey does not ask about."), field="scores")
    clean: dict[int, int] = {}
    for q in questions:
        value = scores.get(q.pk)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise InvalidInput(_("Rate “%(aspect)s” from 1 to 5.") % {"aspect": q.text}, field=f"q{q.pk}")
        clean[q.pk] = value
    return clean


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    household: Household,
    by: User,
    scores: Mapping[int, int | None],
    comment: str = "",
    method: str = SurveyAnswer.Method.ONLINE,
    answered_on: datetime.date | None = None,
) -> SurveyAnswer:
    """Record a household's answer: every aspect scored 1-5 and a free comment.

    ``answered_on`` is the day the resident answered (today unless the desk types in a
    paper form later); it must fall within the survey's dates. A household answers
    once: a second or retried submission is refused with nothing changed."""
    _answerer(survey=survey, household=household, by=by, method=method)
    today = local_today(survey.property.time_zone)
    if answered_on is None or is_resident(by):
        answered_on = today
    if answered_on > today:
        raise InvalidInput(_("The answer cannot be dated in the future."), field="answered_on")
    if answered_on < survey.opens_on:
        raise IllegalTransition(
            _("This survey opens on %(date)s; answers are taken from then.") % {"date": survey.opens_on.isoformat()},
            code="survey_not_open",
        )
    if answered_on > survey.closes_on:
        raise IllegalTransition(
            _("This survey closed on %(date)s; answers are no longer taken.") % {"date": survey.closes_on.isoformat()},
            code="survey_closed",
        )
    if not eligible_households(survey).filter(pk=household.pk).exists():
        raise InvalidInput(_("This household does not live at the property during the survey."), field="household")
    already = _("This household has already answered this survey; the first answer is kept.")
    if SurveyAnswer.objects.filter(survey=survey, household=household).exists():
        raise Conflict(already, code="already_answered")
    clean = _scores_clean(list(survey.questions.all()), scores)
    try:
        with transaction.atomic():
            answer = SurveyAnswer.objects.create(
                property_id=survey.property_id,
                survey=survey,
                household=household,
                method=method,
                comment=validation.text_clean(comment, field="comment", required=False, max_length=COMMENT_MAX),
                answered_on=answered_on,
                recorded_at=timezone.now(),
                recorded_by=by,
                recorded_by_name=by.name_kept,
            )
            # with its answer or not at all: no answer is ever left without its scores
            SurveyScore.objects.bulk_create(
                SurveyScore(property_id=survey.property_id, answer=answer, question_id=pk, score=score)
                for pk, score in clean.items()
            )
    except IntegrityError:  # the same household at the same moment, from another request
        raise Conflict(already, code="already_answered") from None
    return answer


@transaction.atomic
def survey_action_open(
    *,
    question: SurveyQuestion,
    by: User,
    owner: str,
    root_cause: str,
    action: str,
    due_on: datetime.date | None,
    title: str = "",
) -> CorrectiveAction:
    """Open a corrective and preventive action for one aspect of a survey (results
    drive improvement); it has no tickets behind it and is tracked with the review's
    actions. One per aspect."""
    survey = question.survey
    if not works_at(by, survey.property):
        raise Forbidden(_("There is no property %(code)s you work at.") % {"code": survey.property.code})
    taken = _("A corrective action is already open for this aspect.")
    if SurveyQuestion.objects.filter(pk=question.pk, action__isnull=False).exists():
        raise Conflict(taken, code="already_decided")
    ca = corrective_action_open(
        prop=survey.property,
        by=by,
        title=title or f"{survey.title} · {question.text}"[:200],
        owner=owner,
        root_cause=root_cause,
        action=action,
        due_on=due_on,
        tickets=[],
    )
    if SurveyQuestion.objects.filter(pk=question.pk, action__isnull=True).update(action=ca) != 1:
        raise Conflict(taken, code="already_decided")  # another manager was first: this one rolls back
    question.action = ca
    return ca
