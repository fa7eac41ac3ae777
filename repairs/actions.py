"""Binds each action of the repair workflow to its input form and its service."""

from __future__ import annotations

from repairs import routing as r
from repairs import schemas as f
from repairs import services as s
from tickets.actions import ActionSpec

ACTIONS = {
    "dispatch": ActionSpec(f.DispatchForm, s.work_order_dispatch),
    "reassign": ActionSpec(f.DispatchForm, s.work_order_reassign),
    "accept": ActionSpec(f.NoteForm, s.work_order_accept),
    "arrive": ActionSpec(f.ArriveForm, s.work_order_arrive),
    "confirm": ActionSpec(f.ConfirmForm, s.work_order_confirm),
    "review": ActionSpec(f.ReviewForm, s.work_order_review),
    "consent": ActionSpec(f.CustomerForm, s.work_order_consent),
    "decline_quote": ActionSpec(f.CustomerForm, s.work_order_decline_quote),
    "revise": ActionSpec(f.ReviseForm, s.work_order_revise),
    "check_material": ActionSpec(f.MaterialForm, s.work_order_check_material),
    "mark_misuse": ActionSpec(f.ReasonForm, s.work_order_mark_misuse),
    "defer": ActionSpec(f.DeferForm, s.work_order_defer),
    "resume": ActionSpec(f.NoteForm, s.work_order_resume),
    "escalate": ActionSpec(f.EscalateForm, s.work_order_escalate),
    "complete": ActionSpec(f.CompleteForm, s.work_order_complete),
    "sign_off": ActionSpec(f.SignOffForm, s.work_order_sign_off),
    "report_back": ActionSpec(f.ReportBackForm, s.work_order_report_back),
    "refer": ActionSpec(f.ReferForm, r.work_order_refer),
    "party_update": ActionSpec(f.PartyUpdateForm, r.work_order_party_update),
    "close": ActionSpec(f.NoteForm, s.work_order_close),
    "release": ActionSpec(f.ReasonForm, s.work_order_release),
    "cancel": ActionSpec(f.ReasonForm, s.work_order_cancel),
    "rework": ActionSpec(f.ReasonForm, s.work_order_rework),
    "tell_customer": ActionSpec(f.ToldForm, s.work_order_tell_customer),
}
