"""The call script the specialist reads from, per service (R6.4: quality, effect,
satisfaction, shortcomings, suggestions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from followups.models import FollowUp, Service

SCRIPTS = {
    Service.COMPLAINT: [
        _("Has the matter you complained about been put right?"),
        _("Are you satisfied with how we handled it and with the answer you were given?"),
        _("Is there anything we still fall short in, or anything you suggest?"),
    ],
    Service.REPAIR: [
        _("Is the repair still working well?"),
        _("Did the technician keep the visit rules (shoe covers, clean-up, no tips)?"),
        _("How satisfied are you, from 1 to 5? Anything we could do better?"),
    ],
    Service.MEDICAL: [
        _("How is the patient now?"),
        _("Was our help timely and enough? Anything we should do differently next time?"),
    ],
    Service.HELP: [
        _("Was the problem solved?"),
        _("Was our help timely? Anything you suggest?"),
    ],
    Service.OTHER: [
        _("Did our answer or service meet your needs?"),
        _("Anything you suggest?"),
    ],
}
WARRANTY = [
    _("Any new cracks, leaks or damp on the roof, outside walls or in the wet rooms?"),
    _("Anything under the builder's warranty that still needs repair?"),
]


def script_for(followup: FollowUp) -> list[str]:
    if followup.building_id:
        return [str(line) for line in WARRANTY]
    return [str(line) for line in SCRIPTS.get(Service(followup.service), SCRIPTS[Service.OTHER])]
