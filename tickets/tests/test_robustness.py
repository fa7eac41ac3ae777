"""Never a 500: every action, in every state reached by the repair flow, for every kind
of persona, with an empty and a junk body, answers 2xx or a clear 4xx."""

from __future__ import annotations

import pytest

from conftest import repair_draft
from repairs.workflow import WORKFLOW

PERSONAS = [
    "ygjy-agent",
    "ygjy-tech1",
    "ygjy-tech3",
    "ygjy-engineer",
    "resident",
    "neighbour",
    "wlbg-agent",
    "ygjy-finance",
]
FLOW = [
    ("ygjy-agent", "dispatch", {"assignee": "ygjy-tech1"}),
    ("ygjy-tech1", "accept", {}),
    ("ygjy-tech1", "arrive", {}),
    ("ygjy-tech1", "confirm", {"items": [{"item": "PL-01"}]}),
    ("ygjy-tech1", "consent", {}),
    ("ygjy-tech1", "complete", {}),
    ("ygjy-tech1", "sign_off", {"satisfaction": 4}),
    ("ygjy-tech1", "report_back", {}),
    ("ygjy-agent", "close", {}),
]
BODIES = [{}, {"items": "x", "satisfaction": "many", "promised_at": "soon", "assignee": 5, "decisions": [{}]}]


@pytest.mark.parametrize("step", range(len(FLOW) + 1))
def test_no_action_ever_answers_500(api, step):
    clients = {p: api(p) for p in PERSONAS}
    number = clients["ygjy-agent"].post("/tickets", repair_draft(category="plumbing")).json()["number"]
    for who, action, body in FLOW[:step]:
        r = clients[who].act(number, action, body)
        assert r.status_code == 200, (action, r.content)
    for persona, client in clients.items():
        for action in [*WORKFLOW.transitions, "nonsense"]:
            for body in BODIES:
                r = client.act(number, action, body)
                assert r.status_code < 500, (persona, action, body, r.content)
                if r.status_code >= 400:
                    assert r.json()["detail"], (persona, action, r.content)
