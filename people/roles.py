"""The named groups of roles, written once. Workflow tables and the access questions in
``people.access`` name these groups; nothing else lists roles by hand.

Each account has one role (``people.models.Role``). A superuser counts as holding every
role (``people.access.holds``).
"""

from __future__ import annotations

from estates.hours import Post
from people.models import Role

# The service desk: takes calls and visits, records, tells the customer (R1.1, R1.4).
DESK = frozenset({Role.AGENT, Role.NIGHT_DUTY, Role.SERVICE_SUPERVISOR})
# Who works each post of the desk (R1.4): the service desk in office hours, the
# monitoring room outside them (``estates.hours.post_on_duty``). The post on duty is the
# one whose queues light up and whom the notices to the desk reach.
ON_POST: dict[str, frozenset[str]] = {
    Post.SERVICE_DESK: frozenset({Role.AGENT, Role.SERVICE_SUPERVISOR}),
    Post.MONITORING_ROOM: frozenset({Role.NIGHT_DUTY}),
}
# The chain of command of the service desk, lowest first: who takes up and decides
# matters (complaints R4.3, follow-up reviews R6.5, surveys, the directory).
CHAIN = (Role.SERVICE_SUPERVISOR, Role.MANAGER, Role.EXECUTIVE)
LEADS = frozenset(CHAIN)
# Who decides for the property: the manager and company leadership (quarterly review
# findings, corrective actions, written answers, longer complaint deadlines).
DECIDERS = frozenset({Role.MANAGER, Role.EXECUTIVE})
# The supervisors of the technicians' work (R2.6 review, R2.14 technical escalation).
FIELD_SUPERVISORS = frozenset({Role.ENGINEERING_SUPERVISOR, Role.EQUIPMENT_SUPERVISOR})
TECHNICIANS = frozenset({Role.TECHNICIAN})
# Every supervisor and above: they read the monthly reports (R8.1).
SUPERVISORS = LEADS | FIELD_SUPERVISORS
# Who works the console's desk pages: intake, the dispatch board, the contact log,
# follow-ups and the review. They see residents' names and phones.
OFFICE = DESK | SUPERVISORS
# Who sends a repair to a technician (R2.4, R2.5).
DISPATCHERS = DESK | FIELD_SUPERVISORS | {Role.MANAGER}
# Security works the help checklist with the desk: it is sent out and reports back (R5.3).
HELPERS = DESK | LEADS | {Role.SECURITY}
# Every department a complaint can be about signs for and returns its handling form (R4.2).
DEPARTMENTS = DESK | SUPERVISORS | {Role.SECURITY, Role.FINANCE}
STAFF = frozenset(Role) - {Role.RESIDENT}
# The household archive (R7.2): only the service desk opens it; the heads of the other
# departments consult it through the desk, which opens it for them.
ARCHIVE_KEEPERS = DESK
DEPARTMENT_HEADS = FIELD_SUPERVISORS | DECIDERS
# Paid repairs settled (R2.11-R2.12): the desk records the charge and issues the receipt
# (so does the job's own technician: people.access.may_settle); finance reads the day's
# receipts and reconciles them; the manager and leadership read them.
SETTLERS = DESK
RECONCILERS = frozenset({Role.FINANCE})
RECEIPT_READERS = DESK | DECIDERS | RECONCILERS
# Who sets a property up: its places and people from spreadsheets, office hours,
# policies, teams, trades and notice channels. Works at every property of its company.
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
# The roles that work at every property of their company, not only those attached.
COMPANY_WIDE = frozenset({Role.EXECUTIVE, Role.ADMINISTRATOR})


def outranks(role: str, needed: str) -> bool:
    """Whether ``role`` is ``needed`` or above it in the desk's chain of command."""
    return role in CHAIN and CHAIN.index(role) >= CHAIN.index(needed)  # type: ignore[arg-type]
