"""The checklist the desk works through for each kind of help request (R5.3, R5.4).

A step is (code, label). Which steps must be ticked before the request is closed
depends on the category and, for a medical emergency, on the course chosen with the
family: hospital, an ambulance (120) or short-term care.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from assistance.models import HelpCategory

MEDICAL_OPTIONS = {
    "hospital": _("take to hospital"),
    "ambulance": _("call 120"),
    "care": _("short-term care"),
}

STEPS = {
    HelpCategory.MEDICAL: {
        "address_phone": _("Address and phone taken"),
        "decide": _("Asked: hospital, call 120, or someone to help"),
        "security_sent": _("Security sent two people (and a vehicle for hospital)"),
        "family_along": _("A family member goes along to hospital"),
        "called_120": _("120 called and the call confirmed"),
        "gate_told": _("Gate told; a guard waits at the entrance"),
        "ambulance_met": _("Ambulance met and led to the home"),
        "never_alone": _("Short-term care: two staff, never alone with the patient"),
        "reported_back": _("Reported back to the desk"),
    },
    HelpCategory.SECURITY: {
        "plan_opened": _("Security contingency plan opened"),
        "security_sent": _("Security team sent"),
        "police_called": _("Police called (110) where needed"),
        "scene_protected": _("Scene protected, people kept safe"),
        "manager_told": _("Property manager told"),
        "reported_back": _("Reported back to the desk"),
    },
    HelpCategory.DISASTER: {
        "plan_opened": _("Disaster or fire plan opened"),
        "emergency_called": _("119 or the utility called where needed"),
        "residents_warned": _("Residents warned or moved to safety"),
        "teams_sent": _("Security and engineering sent"),
        "manager_told": _("Property manager told"),
        "reported_back": _("Reported back to the desk"),
    },
    HelpCategory.OTHER: {
        "helped": _("Helped, or put in touch with who can help"),
        "reported_back": _("Reported back to the desk"),
    },
}

REQUIRED = {
    HelpCategory.MEDICAL: ["address_phone", "decide", "reported_back"],
    HelpCategory.SECURITY: ["plan_opened", "security_sent", "manager_told", "reported_back"],
    HelpCategory.DISASTER: ["plan_opened", "residents_warned", "teams_sent", "manager_told", "reported_back"],
    HelpCategory.OTHER: ["helped", "reported_back"],
}
MEDICAL_REQUIRED = {
    "hospital": ["security_sent", "family_along"],
    "ambulance": ["called_120", "gate_told", "ambulance_met"],
    "care": ["security_sent", "never_alone"],
}


def steps_for(category: str) -> Mapping[str, object]:
    return STEPS[HelpCategory(category)]


def required_steps(category: str, option: str = "") -> list[str]:
    steps = list(REQUIRED[HelpCategory(category)])
    if category == HelpCategory.MEDICAL and option:
        steps[-1:-1] = MEDICAL_REQUIRED[option]  # before the report back
    return steps
