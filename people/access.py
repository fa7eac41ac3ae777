"""Who may see and do what: every face (the API, the console, the technician's and the
resident's pages, reports, surveys, the admin) asks these questions here, so the same
question gets the same answer everywhere. One function per question; the role groups
come from ``people.roles``.

Scoping:

- A resident sees the tickets of the households they belong to.
- A technician sees the tickets assigned to them or to their team, at their properties.
- Company leadership and the company administrator work at every property of their
  company.
- Other staff work at the properties they are attached to.
- A superuser works everywhere and holds every role; an inactive account nothing.

Who may do each step of a ticket's workflow is the workflow table's row (roles named
from ``people.roles``), checked by ``tickets.workflow``.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from base.errors import Forbidden, NotFound
from base.remembered import Remembered
from estates.hours import post_on_duty
from estates.models import Property, Resident
from people import roles
from people.models import Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Account = User | AnonymousUser

QS = TypeVar("QS", bound=QuerySet[Any])


# --- Who the account is ------------------------------------------------------------------


def is_active(user: Any) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def holds(user: Any, group: Iterable[str]) -> TypeGuard[User]:
    """Whether an active account has one of the roles of ``group`` (a superuser has all)."""
    return is_active(user) and (user.is_superuser or user.role in group)


def is_staff_member(user: Any) -> TypeGuard[User]:
    """Works for the company (any role but resident)."""
    return holds(user, roles.STAFF)


def is_resident(user: Any) -> TypeGuard[User]:
    return is_active(user) and user.role == Role.RESIDENT


def is_technician(user: Any) -> TypeGuard[User]:
    return is_active(user) and user.role == Role.TECHNICIAN


def staff_member(user: Any) -> User:
    """The account if it works for the company; refused otherwise (the console, reports
    and surveys are for staff)."""
    if not is_staff_member(user):
        raise Forbidden(_("The console is for staff."))
    return user


def desk_member(user: Any) -> User:
    """The account if it works the console's desk pages (``may_work_desk``); refused otherwise."""
    if not may_work_desk(staff_member(user)):
        raise Forbidden(_("Only the service desk and supervisors record and dispatch here."))
    return user


def may_set_up(user: Any) -> bool:
    """A property's setup: its places and people from spreadsheets, office hours,
    policies, teams, trades and notice channels (the company administrator)."""
    return holds(user, roles.ADMINISTRATORS)


def setup_at(user: Any, code: str) -> tuple[User, Property]:
    """The account and the property with this code if it sets that property up: refused
    if it is not an administrator, not found if the property is not its company's."""
    if not may_set_up(user):
        raise Forbidden(_("Only the company administrator sets a property up."))
    return user, property_of(user, code)


def desk_at(user: Any, property: Property) -> User:
    """The account if it works the desk pages at this property: refused if it does not
    work the desk, not found if the property is not one it works at."""
    member = desk_member(user)
    if not works_at(member, property):
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": property.code})
    return member


# --- Where they work -------------------------------------------------------------------


def property_ids(user: User) -> QuerySet:
    """The ids of the properties a staff account works at, as a subquery."""
    if not is_staff_member(user):
        return Property.objects.none().values("id")
    if user.is_superuser:
        return Property.objects.values("id")
    if user.role in roles.COMPANY_WIDE:
        return Property.objects.filter(company_id=user.company_id or 0).values("id")
    return User.properties.through.objects.filter(user_id=user.pk).values("property_id")


# Where each account works, remembered by each process (base.remembered): almost every
# page and API call asks. An account, its properties or a property changed in this
# process is forgotten at once (people.apps); elsewhere within REFERENCE_CACHE_SECONDS.
remembered_workplaces: Remembered[list[Property]] = Remembered("REFERENCE_CACHE_SECONDS")


def _workplaces(user: User) -> list[Property]:
    """The remembered properties of a staff account (none for anyone else), not to be changed."""
    if not is_staff_member(user):
        return []
    key = (user.pk, user.role, user.company_id, user.is_active, user.is_superuser)
    found = remembered_workplaces.get(
        key, lambda: list(Property.objects.filter(pk__in=property_ids(user)).order_by("code"))
    )
    return found or []


def properties_of(user: User) -> list[Property]:
    """The properties a staff account works at, by code (the caller's own copies)."""
    return [copy.copy(p) for p in _workplaces(user)]


def workplace_of(user: User, property_id: int | None = None, *, code: str = "") -> Property | None:
    """The property with this id (or ``code``) if the staff account works there (the
    caller's own copy), else None."""
    found = next((p for p in _workplaces(user) if p.pk == property_id or (code and p.code == code)), None)
    return copy.copy(found) if found is not None else None


def property_with_access(user: User, code: str) -> Property | None:
    """The property with this code, carrying whether the account works there (read from
    the remembered workplaces), so that ``works_at`` decides without another query; None if there
    is none (whether or not the user works there)."""
    mine = workplace_of(user, code=code)
    if mine is not None:
        mine.user_attached = True  # type: ignore[attr-defined]
        return mine
    other = Property.objects.filter(code=code).first()
    if other is not None:
        other.user_attached = False  # type: ignore[attr-defined]
    return other


def works_at(user: User, property: Property) -> bool:
    if not is_staff_member(user):
        return False
    if user.is_superuser:
        return True
    if user.role in roles.COMPANY_WIDE:
        return property.company_id == user.company_id
    attached = getattr(property, "user_attached", None)  # from property_with_access
    if attached is not None:
        return bool(attached)
    return workplace_of(user, property.pk) is not None  # remembered: no query


def property_of(user: User, code: str, among: list[Property] | None = None) -> Property:
    """The property with this code if the user works there (picked from ``among``, the
    user's ``properties_of``, when the caller has them already); else NotFound, the
    same answer whether it does not exist or is another's (no existence oracle)."""
    if among is not None:
        prop = next((p for p in among if p.code == code), None)
    else:
        prop = property_with_access(user, code)
        prop = prop if prop is not None and works_at(user, prop) else None
    if prop is None:
        raise NotFound(_("There is no property %(code)s you work at.") % {"code": code[:20]})
    return prop


def staff_at(property_id: int, *only: str) -> QuerySet[User]:
    """The active staff working at a property (attached to it, or its company's
    leadership), optionally only of the roles ``only``."""
    attached = Q(pk__in=User.properties.through.objects.filter(property_id=property_id).values("user_id"))
    company = Subquery(Property.objects.filter(pk=property_id).values("company_id")[:1])
    leadership = Q(role=Role.EXECUTIVE, company_id=company)
    qs = User.objects.filter(attached | leadership, is_active=True).exclude(role=Role.RESIDENT)
    return qs.filter(role__in=only) if only else qs


def staff_at_sql(property_id: int, *only: str) -> tuple[str, list[Any]]:
    """``staff_at`` said in SQL: a subquery of the accounts' ids with its parameters,
    for hand-written reads (repairs.dispatch.technicians_at). people/tests/
    test_scope_sql.py proves both give the same accounts."""
    sql = (
        "SELECT s.id FROM people_user s WHERE s.is_active = %s AND s.role <> %s"
        " AND (s.id IN (SELECT w.user_id FROM people_user_properties w WHERE w.property_id = %s)"
        " OR (s.role = %s AND s.company_id = (SELECT p.company_id FROM estates_property p WHERE p.id = %s)))"
    )
    params: list[Any] = [True, Role.RESIDENT, property_id, Role.EXECUTIVE, property_id]
    if only:
        sql += f" AND s.role IN ({', '.join(['%s'] * len(only))})"
        params += list(only)
    return sql, params


def homes_of(user: User) -> QuerySet[Resident]:
    """A resident's registrations in households that live in their unit now: what they
    see and report for. A household that moved out is no longer theirs to follow."""
    return Resident.objects.filter(user_id=user.pk, household__moved_out_on__isnull=True)


def household_ids(user: User) -> QuerySet:
    """The households a resident belongs to now, as a subquery."""
    return homes_of(user).values("household_id")


# ``household_ids`` said in SQL, for hand-written reads; its one parameter is the account's id.
HOUSEHOLD_IDS_SQL = (
    "SELECT r.household_id FROM estates_resident r JOIN estates_household h ON h.id = r.household_id"
    " WHERE r.user_id = %s AND h.moved_out_on IS NULL"
)


# --- Which tickets they see --------------------------------------------------------------


def visible_tickets(qs: QS, user: Any) -> QS:
    """Tickets the account may see: the one scoping rule behind ``Ticket.objects.visible_to``."""
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == Role.RESIDENT:
        # Their households as values (one small query): PostgreSQL then reads each
        # household's tickets from its index instead of walking every ticket by date.
        return qs.filter(household_id__in=list(household_ids(user).values_list("household_id", flat=True)))
    if user.role == Role.TECHNICIAN:
        mine = Q(assignee_id=user.pk)
        if user.team_id:
            mine |= Q(team_id=user.team_id)
        return qs.filter(mine, property_id__in=property_ids(user))
    return qs.filter(property_id__in=property_ids(user))


def visible_tickets_sql(user: Any, table: str = "t") -> tuple[str, list[Any]]:
    """``visible_tickets`` as a condition on the ticket table named ``table``, with its
    parameters, for the hand-written reads of the busiest lists (tickets.selectors).
    The same rule, read as live as the ORM's: people/tests/test_scope_sql.py proves both
    give the same tickets to every kind of account."""
    if not is_active(user):
        return "1 = 0", []
    if user.is_superuser:
        return "1 = 1", []
    if user.role == Role.RESIDENT:
        with connection.cursor() as cursor:
            cursor.execute(HOUSEHOLD_IDS_SQL, [user.pk])
            homes = [pk for (pk,) in cursor.fetchall()]
        if not homes:
            return "1 = 0", []
        return f"{table}.household_id IN ({', '.join(['%s'] * len(homes))})", homes
    if not is_staff_member(user):
        return "1 = 0", []
    # property_ids, said in SQL
    if user.role in roles.COMPANY_WIDE:
        where = f"{table}.property_id IN (SELECT p.id FROM estates_property p WHERE p.company_id = %s)"  # noqa: S608
        params: list[Any] = [user.company_id or 0]
    else:
        where = f"{table}.property_id IN (SELECT w.property_id FROM people_user_properties w WHERE w.user_id = %s)"  # noqa: S608
        params = [user.pk]
    if user.role == Role.TECHNICIAN:
        if user.team_id:
            return f"{where} AND ({table}.assignee_id = %s OR {table}.team_id = %s)", [*params, user.pk, user.team_id]
        return f"{where} AND {table}.assignee_id = %s", [*params, user.pk]
    return where, params


def scoped(qs: QS, user: Any, path: str = "property") -> QS:
    """Rows that belong to a property (through ``path``), of the properties the account
    works at: what a staff user sees of them in the admin."""
    if not is_staff_member(user):
        return qs.none()
    if user.is_superuser:
        return qs
    # Through a subquery, so a row reached by several properties is listed once.
    return qs.filter(pk__in=qs.model._default_manager.filter(**{f"{path}__in": property_ids(user)}).values("pk"))


# --- What they may do beyond the workflow tables -------------------------------------------


def outranks(user: Any, needed: str) -> bool:
    """Whether the account is ``needed`` or above it in the desk's chain of command
    (R4.3: who takes up a complaint; R4.5: who approves a longer deadline)."""
    return is_active(user) and (user.is_superuser or roles.outranks(user.role, needed))


def may_work_desk(user: Any) -> bool:
    """The console's desk pages: intake, the dispatch board, the contact log, the
    directory, follow-ups, the quarterly review and corrective actions."""
    return holds(user, roles.OFFICE)


def may_read_personal_details(user: Any) -> bool:
    """Residents' names and phones looked up by place, name or number (intake)."""
    return holds(user, roles.OFFICE)


def may_see_household_phones(user: Any) -> bool:
    """A household's phone numbers on a ticket's page, its work order and the API: the
    office, and the resident of the household. Technicians, finance and security see the
    place and the job, and reach the household through the desk (R7.2)."""
    return is_resident(user) or holds(user, roles.OFFICE)


def may_open_archive(user: Any) -> bool:
    """The household archive and personal details page (R7.1-R7.2): the service desk
    only; each read is written to the access log."""
    return holds(user, roles.ARCHIVE_KEEPERS)


def may_consult_archive(user: Any) -> bool:
    """A head of another department, for whom the desk opens an archive record (R7.2)."""
    return is_active(user) and not user.is_superuser and user.role in roles.DEPARTMENT_HEADS


def may_read_archive_log(user: Any) -> bool:
    """The archive's access log: the property manager and company leadership."""
    return holds(user, roles.DECIDERS)


def may_ask_desk_to_call(user: Any) -> bool:
    """A "please call" request to the desk: any staff member who must reach a household."""
    return is_staff_member(user)


def may_keep_keys(user: Any) -> bool:
    """The key register, lending and returns, handovers to residents (R7.3-R7.4): the desk."""
    return holds(user, roles.DESK)


def may_settle(user: Any, ticket: Any) -> bool:
    """Record the charge of a paid repair and issue its receipt (R2.11): the desk, and
    the job's own technician (assigned to them or to their team). Where is asked apart
    (``works_at``)."""
    if holds(user, roles.SETTLERS):
        return True
    return is_technician(user) and (
        ticket.assignee_id == user.pk or (ticket.team_id is not None and ticket.team_id == user.team_id)
    )


def may_read_receipts(user: Any) -> bool:
    """The day's receipts of a property and a receipt's print: finance, the desk, the
    manager and leadership (a technician prints the receipts they collected)."""
    return holds(user, roles.RECEIPT_READERS)


def may_reconcile(user: Any) -> bool:
    """Finance's daily reconciliation of the receipts against what was handed in."""
    return holds(user, roles.RECONCILERS)


def may_keep_duty_log(user: Any) -> bool:
    """The duty log (值班记录): start and end shifts, write entries, hand over and receive
    (the service desk and the monitoring room)."""
    return holds(user, roles.DESK)


def may_read_duty_log(user: Any) -> bool:
    """Read the duty log: the desk, and the supervisors and managers above it."""
    return holds(user, roles.OFFICE)


def post_of(user: Any) -> str | None:
    """The desk post an account works (``roles.ON_POST``); None for other roles."""
    if not is_active(user):
        return None
    return next((post for post, group in roles.ON_POST.items() if user.role in group), None)


def on_duty_now(user: Any, property: Property, at: datetime.datetime) -> bool:
    """Whether the account's post is the one on duty at the property at ``at`` (R1.4):
    its queues light up with the new matters."""
    return post_of(user) == post_on_duty(property, at)


def desk_on_duty(property: Property, at: datetime.datetime) -> QuerySet[User]:
    """Who the notices to "the desk" reach at ``at``: the staff of the post on duty at
    the property (R1.4); the agents if nobody works that post there."""
    staff = staff_at(property.pk, *roles.ON_POST[post_on_duty(property, at)])
    return staff if staff.exists() else staff_at(property.pk, Role.AGENT)


def may_read_contact_log(user: Any) -> bool:
    """The contact log: every caller's name, phone and what they said (R1.6)."""
    return holds(user, roles.OFFICE)


def may_see_dispatch_suggestions(user: Any) -> bool:
    """The technicians suggested for a job with their duty and load (R2.5)."""
    return holds(user, roles.OFFICE)


def may_edit_directory(user: Any) -> bool:
    """The quick-response directory (R1.7) and the contingency plans (R5.4)."""
    return holds(user, roles.LEADS)


def may_read_reports(user: Any) -> bool:
    """The monthly report of a property (R8.1)."""
    return holds(user, roles.SUPERVISORS)


def may_read_company_reports(user: Any) -> bool:
    """The monthly report of the whole company."""
    return holds(user, {Role.EXECUTIVE})


def may_watch_deliveries(user: Any) -> bool:
    """The property's outbox: every message sent or kept, its status and the channel's
    error, and sending a failed one again (the desk supervisor and the leads)."""
    return holds(user, roles.LEADS)


def may_open_surveys(user: Any) -> bool:
    return holds(user, roles.LEADS)


def may_record_survey_answers(user: Any) -> bool:
    """Answers the desk takes by phone, face to face or on paper (R8.3)."""
    return holds(user, roles.DESK | roles.LEADS)


def may_review_followups(user: Any) -> bool:
    """The supervisor's opinion on a follow-up record (R6.5)."""
    return holds(user, roles.LEADS)


def may_decide(user: Any) -> bool:
    """Decisions for the property: the quarterly review's findings and corrective
    actions (R6.6), and answers given in writing (R5.5)."""
    return holds(user, roles.DECIDERS)
