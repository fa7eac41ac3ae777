"""Binds the actions of help requests, consultations and suggestions to forms and services."""

from __future__ import annotations

from assistance import schemas as f
from assistance import services as s
from tickets.actions import ActionSpec

HELP_ACTIONS = {
    "reply": ActionSpec(f.NoteForm, s.help_reply),
    "check_step": ActionSpec(f.CheckStepForm, s.help_check_step),
    "spawn": ActionSpec(f.SpawnForm, s.help_spawn),
    "resolve": ActionSpec(f.ResolveForm, s.help_resolve),
}
CONSULTATION_ACTIONS = {
    "refer": ActionSpec(f.NoteForm, s.consultation_refer),
    "answer": ActionSpec(f.AnswerForm, s.answer_give),
}
SUGGESTION_ACTIONS = {
    "acknowledge": ActionSpec(f.NoteForm, s.suggestion_acknowledge),
    "answer": ActionSpec(f.AnswerForm, s.answer_give),
}
