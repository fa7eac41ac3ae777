"""Binds each action of the complaint workflow to its input form and its service."""

from __future__ import annotations

from complaints import schemas as f
from complaints import services as s
from tickets.actions import ActionSpec

ACTIONS = {
    "take_up": ActionSpec(f.NoteForm, s.complaint_take_up),
    "classify": ActionSpec(f.ClassifyForm, s.complaint_classify),
    "stop_damage": ActionSpec(f.StopDamageForm, s.complaint_stop_damage),
    "forward": ActionSpec(f.ForwardForm, s.complaint_forward),
    "acknowledge": ActionSpec(f.AcknowledgeForm, s.complaint_acknowledge),
    "handle": ActionSpec(f.HandleForm, s.complaint_handle),
    "answer": ActionSpec(f.AnswerForm, s.complaint_answer),
    "extend": ActionSpec(f.ExtendForm, s.complaint_extend),
    "close": ActionSpec(f.CloseForm, s.complaint_close),
    "invalidate": ActionSpec(f.InvalidateForm, s.complaint_invalidate),
}
