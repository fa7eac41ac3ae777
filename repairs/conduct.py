"""The visit conduct checklist (R2.10, S0 §3.3.1-3.3.8) the technician ticks on arrival."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CONDUCT = {
    "uniform": _("In uniform, with the work order and parts"),
    "knock": _("Knocked and was let in by the customer"),
    "shoe_covers": _("Shoe covers on"),
    "mat": _("Tools on a mat, not on the floor or furniture"),
    "quiet": _("No noise or smell without the customer's consent"),
    "clean_up": _("Will clean up and take the rubbish away"),
    "no_tips": _("No tips, no smoking, no private calls"),
}
