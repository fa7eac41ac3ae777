"""A property's setup through the API (the company administrator): read it with its
history; change the clock and phones, a time limit or a follow-up window, put either
back to the defaults, add or change teams and trades, add and turn notice channels on
or off, make a building's units. The same services as the setup page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from pydantic import Field

from base.errors import Forbidden
from base.request import user_of
from base.schemas import ERRORS, Input, Out
from estates.models import Property
from onboarding import imports, services
from onboarding.selectors import setup_of
from onboarding.sheets import read
from people.access import may_set_up, setup_at

router = Router(tags=["setup"])


class SetupSettingsIn(Input):
    time_zone: str = Field("Asia/Shanghai", max_length=50)
    office_opens: str = Field(description="HH:MM, the property's local time.", max_length=8)
    office_closes: str = Field(max_length=8)
    after_hours_phone: str = Field("", max_length=30, description="The monitoring room's number (R1.4).")
    desk_phone: str = Field("", max_length=30)


class SetupLimitIn(Input):
    minutes: int
    emergency_minutes: int | None = None


class SetupWindowIn(Input):
    window_from_days: int
    window_to_days: int
    coverage_percent: int


class SetupTeamIn(Input):
    name: str = Field(max_length=50)
    trades: list[str] = Field(default_factory=list, max_length=50, description="Trade codes.")


class SetupTradeIn(Input):
    code: str = Field(max_length=30)
    name: str = Field(max_length=50)


class SetupChannelIn(Input):
    name: str = Field(max_length=100)
    url: str = Field(max_length=500, description="wecombot://KEY, dingtalk://TOKEN/, feishu://TOKEN or json(s)://...")
    role: str = Field("", max_length=30)
    team: int | None = Field(None, ge=1, le=2**31 - 1)


class SetupActiveIn(Input):
    active: bool


class SetupUnitsIn(Input):
    building_code: str = Field(max_length=20)
    building_name: str = Field("", max_length=100)
    floor_from: int = 1
    floor_to: int
    per_floor: int
    skip_floors: str = Field("", max_length=200, description="e.g. 4, 13, 14")
    room_digits: int = 2


class SetupLimitOut(Out):
    id: int
    kind: str
    clock: str
    minutes: int
    emergency_minutes: int | None


class SetupWindowOut(Out):
    service: str
    from_days: int
    to_days: int
    coverage: int
    default: bool


class SetupTeamOut(Out):
    id: int
    name: str
    trades: list[str]


class SetupChannelOut(Out):
    id: int
    name: str
    role: str
    team: int | None
    active: bool


class SetupChangeOut(Out):
    at: str
    by: str
    what: str


class SetupOut(Out):
    property: str
    time_zone: str
    office_opens: str
    office_closes: str
    after_hours_phone: str
    desk_phone: str
    limits: list[SetupLimitOut]
    windows: list[SetupWindowOut]
    teams: list[SetupTeamOut]
    trades: list[str]
    channels: list[SetupChannelOut]
    history: list[SetupChangeOut]


class SetupCountOut(Out):
    changed: int


def _out(prop: Property) -> dict[str, Any]:
    prop.refresh_from_db()
    s = setup_of(prop)
    return {
        "property": prop.code,
        "time_zone": prop.time_zone,
        "office_opens": prop.office_opens.strftime("%H:%M"),
        "office_closes": prop.office_closes.strftime("%H:%M"),
        "after_hours_phone": prop.after_hours_phone,
        "desk_phone": prop.desk_phone,
        "limits": [
            {
                "id": r.pk,
                "kind": r.kind,
                "clock": r.clock,
                "minutes": r.minutes,
                "emergency_minutes": r.emergency_minutes,
            }
            for r in s.limits
        ],
        "windows": [vars(w) for w in s.windows],
        "teams": [{"id": t.pk, "name": t.name, "trades": [tr.code for tr in t.trades.all()]} for t in s.teams],
        "trades": [t.code for t in s.trades],
        "channels": [
            {"id": c.pk, "name": c.name, "role": c.role, "team": c.team_id, "active": c.active} for c in s.channels
        ],
        "history": [
            {"at": e.action_time.isoformat(), "by": e.user.username, "what": e.change_message} for e in s.history
        ],
    }


@router.get("/{code}", response={200: SetupOut, **ERRORS}, summary="A property's setup")
def get_setup(request: HttpRequest, code: str) -> dict[str, Any]:
    """The property's clock and phones, time limits, follow-up windows, teams, trades,
    channels and the last changes (who, when, what). Company administrators only."""
    _user, prop = setup_at(user_of(request), code)
    return _out(prop)


@router.put("/{code}/settings", response={200: SetupOut, **ERRORS}, summary="Change the clock and phones")
def put_settings(request: HttpRequest, code: str, body: SetupSettingsIn) -> dict[str, Any]:
    user, prop = setup_at(user_of(request), code)
    services.settings_save(by=user, prop=prop, **body.model_dump())
    return _out(prop)


@router.put("/{code}/limits/{int:policy_id}", response={200: SetupOut, **ERRORS}, summary="Change a time limit")
def put_limit(request: HttpRequest, code: str, policy_id: int, body: SetupLimitIn) -> dict[str, Any]:
    user, prop = setup_at(user_of(request), code)
    services.promise_limit_set(
        by=user, prop=prop, policy_id=policy_id, minutes=body.minutes, emergency_minutes=body.emergency_minutes
    )
    return _out(prop)


@router.post(
    "/{code}/limits/reset", response={200: SetupCountOut, **ERRORS}, summary="Time limits back to the defaults"
)
def reset_limits(request: HttpRequest, code: str) -> dict[str, int]:
    user, prop = setup_at(user_of(request), code)
    return {"changed": services.promises_reset(by=user, prop=prop)}


@router.post(
    "/{code}/followups/reset", response={200: SetupCountOut, **ERRORS}, summary="Follow-up windows back to the defaults"
)
def reset_windows(request: HttpRequest, code: str) -> dict[str, int]:
    user, prop = setup_at(user_of(request), code)
    return {"changed": services.followups_reset(by=user, prop=prop)}


@router.put("/{code}/followups/{service}", response={200: SetupOut, **ERRORS}, summary="Change a follow-up window")
def put_window(request: HttpRequest, code: str, service: str, body: SetupWindowIn) -> dict[str, Any]:
    user, prop = setup_at(user_of(request), code)
    services.followup_window_set(
        by=user,
        prop=prop,
        service=service,
        from_days=body.window_from_days,
        to_days=body.window_to_days,
        coverage=body.coverage_percent,
    )
    return _out(prop)


@router.post("/{code}/teams", response={201: SetupTeamOut, **ERRORS}, summary="Add a team")
def add_team(request: HttpRequest, code: str, body: SetupTeamIn) -> Status:
    user, prop = setup_at(user_of(request), code)
    team = services.team_save(by=user, prop=prop, name=body.name, trades=body.trades)
    return Status(201, {"id": team.pk, "name": team.name, "trades": sorted(body.trades)})


@router.put("/{code}/teams/{int:team_id}", response={200: SetupTeamOut, **ERRORS}, summary="Change a team")
def put_team(request: HttpRequest, code: str, team_id: int, body: SetupTeamIn) -> dict[str, Any]:
    user, prop = setup_at(user_of(request), code)
    team = services.team_save(by=user, prop=prop, name=body.name, trades=body.trades, team_id=team_id)
    return {"id": team.pk, "name": team.name, "trades": sorted(t.code for t in team.trades.all())}


@router.post("/{code}/trades", response={201: SetupCountOut, **ERRORS}, summary="Add a trade")
def add_trade(request: HttpRequest, code: str, body: SetupTradeIn) -> Status:
    user, prop = setup_at(user_of(request), code)
    services.trade_add(by=user, prop=prop, code=body.code, name=body.name)
    return Status(201, {"changed": 1})


@router.post("/{code}/channels", response={201: SetupChannelOut, **ERRORS}, summary="Add a notice channel")
def add_channel(request: HttpRequest, code: str, body: SetupChannelIn) -> Status:
    user, prop = setup_at(user_of(request), code)
    c = services.channel_add(by=user, prop=prop, name=body.name, url=body.url, role=body.role, team_id=body.team)
    return Status(201, {"id": c.pk, "name": c.name, "role": c.role, "team": c.team_id, "active": c.active})


@router.put(
    "/{code}/channels/{int:channel_id}", response={200: SetupChannelOut, **ERRORS}, summary="Turn a channel on or off"
)
def put_channel(request: HttpRequest, code: str, channel_id: int, body: SetupActiveIn) -> dict[str, Any]:
    user, prop = setup_at(user_of(request), code)
    c = services.channel_active_set(by=user, prop=prop, channel_id=channel_id, active=body.active)
    return {"id": c.pk, "name": c.name, "role": c.role, "team": c.team_id, "active": c.active}


@router.post("/{code}/units", response={201: SetupCountOut, **ERRORS}, summary="Make a building's units")
def add_units(request: HttpRequest, code: str, body: SetupUnitsIn) -> Status:
    """Floors x units per floor, numbered building-floor-room (3-1202), skipping the
    floors given; units already there are kept, so sending it again adds nothing."""
    user, prop = setup_at(user_of(request), code)
    return Status(201, {"changed": services.units_generate(by=user, prop=prop, **body.model_dump())})


# --- Spreadsheets ------------------------------------------------------------------------------


def _download(prop: Property, code: str, fmt: str, *, template: bool) -> HttpResponse:
    content, content_type, name = imports.sheet_file(prop, code, fmt, template=template)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class SheetRowOut(Out):
    row: int
    key: str
    action: str = Field(description="create, change, same or refuse")
    column: str
    reason: str
    changed: list[str]


class SheetPlanOut(Out):
    dataset: str
    imported: bool
    created: int
    changed: int
    same: int
    refused: int
    rows: list[SheetRowOut]


@router.get("/{code}/sheets/{dataset}/template", response={200: None, **ERRORS}, summary="A spreadsheet template")
def sheet_template(request: HttpRequest, code: str, dataset: str, format: str = "xlsx") -> HttpResponse:
    """The template of a data set (buildings, units, residents, staff, catalogue): the
    Chinese headers, an example row and, in .xlsx, a sheet of what each column takes."""
    _user, prop = setup_at(user_of(request), code)
    return _download(prop, dataset, format, template=True)


@router.get("/{code}/sheets/{dataset}", response={200: None, **ERRORS}, summary="Export a data set")
def sheet_export(request: HttpRequest, code: str, dataset: str, format: str = "xlsx") -> HttpResponse:
    """What is stored, in the template's columns (``format``: xlsx or csv)."""
    _user, prop = setup_at(user_of(request), code)
    return _download(prop, dataset, format, template=False)


@router.post(
    "/{code}/sheets/{dataset}", response={200: SheetPlanOut, **ERRORS}, summary="Check or import a spreadsheet"
)
def sheet_import(
    request: HttpRequest,
    code: str,
    dataset: str,
    file: UploadedFile = File(...),  # noqa: B008 - ninja's way of declaring it
    commit: bool = False,
) -> dict[str, Any]:
    """With ``commit=false`` (the default) what each row would do, nothing written; with
    ``commit=true`` the import, every row or none: a refused row makes it 422 naming the
    row, the column and the reason. The same file twice changes nothing."""
    user, prop = setup_at(user_of(request), code)
    rows = read(file.name or "", file.read(), imports.dataset(dataset).columns)
    run = imports.import_apply if commit else imports.import_plan
    plan = run(by=user, prop=prop, code=dataset, rows=rows)
    return {
        "dataset": dataset,
        "imported": commit,
        "created": plan.count("create"),
        "changed": plan.count("change"),
        "same": plan.count("same"),
        "refused": plan.count("refuse"),
        "rows": [vars(r) for r in plan.rows],
    }


class SetupPropertyIn(Input):
    name: str = Field(max_length=100)
    code: str = Field(max_length=20)
    kind: str = Field("residential", description="residential or office")


@router.post("", response={201: SetupOut, **ERRORS}, summary="Add a property")
def add_property(request: HttpRequest, body: SetupPropertyIn) -> Status:
    """A new property of the administrator's company, starting from the default time
    limits; then its places, people and catalogue come from the spreadsheets."""
    user = user_of(request)
    if not may_set_up(user):
        raise Forbidden(_("Only the company administrator sets a property up."))
    prop = services.property_add(by=user, name=body.name, code=body.code, kind=body.kind)
    return Status(201, _out(prop))
