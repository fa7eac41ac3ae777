"""Importing a property's data from spreadsheets: buildings, units, households and their
residents, staff, and the company's service catalogue with its fees. Each data set
reads its columns (``onboarding.sheets``), plans every row against what is stored --
to create, to change (found by its natural key), the same, or refused with the column
and the reason -- and applies the plan only if no row is refused, in one transaction.
Loading the same file again finds every row the same and changes nothing. The same
columns are written by the export and the template."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from base import validation
from base.errors import InvalidInput
from base.history import history_record
from catalog.models import Builder, Category, ServiceItem
from estates.models import Building, Household, Property, Resident, Unit
from estates.selectors import unit_said
from onboarding.sheets import Column, csv_bytes, workbook
from people.models import Role, Team, Trade, User

BATCH = 2000


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


@dataclass
class RowResult:
    row: int
    key: str
    action: str  # create, change, same, refuse
    column: str = ""  # the header of the column at fault
    reason: str = ""
    changed: list[str] = field(default_factory=list)  # headers of the columns that change


@dataclass
class Plan:
    dataset: str
    rows: list[RowResult]
    apply: Callable[[], None]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "refuse"]


# --- Reading one cell -------------------------------------------------------------------------


YES = {"是", "y", "yes", "1", "true", "在岗", "启用", "√"}
NO = {"否", "n", "no", "0", "false", "不在岗", "停用", "×"}


def _date(text: str, col: str) -> datetime.date | None:
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text.split(" ")[0])
    try:
        if m:
            day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
            if 1950 <= day.year <= 2100:
                return day
    except ValueError:
        pass
    raise RowError(col, _("“%(text)s” is not a date such as 2024-05-01.") % {"text": text[:20]})


def _decimal(text: str, col: str, high: Decimal = Decimal("99999")) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("，", "").replace("元", "").replace("㎡", "").strip())
    except InvalidOperation:
        raise RowError(col, _("“%(text)s” is not a number.") % {"text": text[:20]}) from None
    if not (Decimal(0) <= value <= high) or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise RowError(
            col, _("“%(text)s” is out of range (0 to %(high)s, two decimals).") % {"text": text[:20], "high": high}
        )
    return value.quantize(Decimal("0.01"))


def _bool(text: str, col: str, default: bool = True) -> bool:
    t = text.strip().lower()
    if not t:
        return default
    if t in YES:
        return True
    if t in NO:
        return False
    raise RowError(col, _("Write 是 or 否, not “%(text)s”.") % {"text": text[:20]})


def _choice(text: str, col: str, choices: Iterable[tuple[str, Any]], default: str | None = None) -> str:
    t = text.strip()
    if not t and default is not None:
        return default
    for value, label in choices:
        with translation.override("zh-hans"):
            chinese = str(label)
        if t.lower() in (value.lower(), str(label).lower(), chinese.lower()):
            return value
    raise RowError(col, _("“%(text)s” is not one of the allowed values.") % {"text": t[:20]})


def _text(text: str, col: str, *, required: bool = False, max_length: int = 100) -> str:
    t = " ".join(text.split())
    if required and not t:
        raise RowError(col, _("This column must be filled in."))
    if len(t) > max_length:
        raise RowError(col, _("Longer than %(n)d characters.") % {"n": max_length})
    return t


def _phone(text: str, col: str, *, required: bool = True) -> str:
    if not text.strip() and not required:
        return ""
    try:
        return validation.phone_normalize(text, field=col)
    except InvalidInput as e:
        raise RowError(col, e.message) from None


def _labels(choices: Iterable[tuple[str, Any]]) -> tuple[Any, ...]:
    """The labels, said in the language of the moment they are shown."""
    return tuple(label for _v, label in choices)


# --- The data sets -------------------------------------------------------------------------------


class Dataset:
    code: str
    title: Any
    columns: tuple[Column, ...]

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        raise NotImplementedError

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        raise NotImplementedError

    def example(self) -> list[str]:
        return [c.example for c in self.columns]

    def _check(self, number: int, key: str, seen: dict[str, int]) -> None:
        if key in seen:
            raise RowError(self.columns[0].key, _("The same as row %(row)d: each one only once.") % {"row": seen[key]})
        seen[key] = number


def _diff(obj: Any, values: dict[str, Any], headers: dict[str, str]) -> list[str]:
    return [headers[k] for k, v in values.items() if getattr(obj, k) != v]


def _changed(
    number: int, key: str, old: Any, values: dict[str, Any], headers: dict[str, str], updates: list[Any]
) -> RowResult:
    """A row of something already there: changed (the new values set on ``old``, which
    joins ``updates``) or the same."""
    changed = _diff(old, values, headers)
    if not changed:
        return RowResult(number, key, "same")
    for k, v in values.items():
        setattr(old, k, v)
    updates.append(old)
    return RowResult(number, key, "change", changed=changed)


class Buildings(Dataset):
    code = "buildings"
    title = gettext_lazy("Buildings")
    columns = (
        Column(
            "code", "楼栋编号", True, example="3", note=gettext_lazy("As residents say it: 3, A; the key of the row.")
        ),
        Column("name", "楼栋名称", True, example="3栋"),
        Column(
            "completion_date",
            "竣工验收日期",
            example="2019-06-28",
            note=gettext_lazy("Warranty periods run from it (R3.1)."),
        ),
        Column(
            "builder",
            "建设单位",
            example="ZJ-YG",
            note=gettext_lazy("The builder's code or name, as in the catalogue of outside parties."),
        ),
    )

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        have = {b.code.upper(): b for b in Building.objects.filter(property=prop)}
        builders = {}
        for b in Builder.objects.filter(company_id=prop.company_id):
            builders[b.code.lower()] = builders[b.name.lower()] = b
        headers = {"name": "楼栋名称", "completion_date": "竣工验收日期", "builder_id": "建设单位"}
        results: list[RowResult] = []
        creates: list[Any] = []
        updates: list[Any] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            key = row.get("code", "").strip().upper()
            try:
                if not re.fullmatch(r"[A-Z0-9]{1,8}", key):
                    raise RowError("code", _("Use letters and digits for a building code, e.g. 3 or A."))
                self._check(number, key, seen)
                builder = None
                if row.get("builder"):
                    builder = builders.get(row["builder"].strip().lower())
                    if builder is None:
                        raise RowError("builder", _("There is no builder “%(text)s”.") % {"text": row["builder"][:30]})
                values = {
                    "name": _text(row.get("name", ""), "name", required=True),
                    "completion_date": _date(row.get("completion_date", ""), "completion_date"),
                    "builder_id": builder.pk if builder else None,
                }
            except RowError as e:
                results.append(RowResult(number, key, "refuse", self.header(e.column), e.message))
                continue
            old = have.get(key)
            if old is None:
                creates.append(Building(property=prop, code=key, **values))
                results.append(RowResult(number, key, "create"))
            else:
                results.append(_changed(number, key, old, values, headers, updates))

        def apply() -> None:
            Building.objects.bulk_create(creates, batch_size=BATCH)
            Building.objects.bulk_update(updates, list(headers), batch_size=BATCH)

        return Plan(self.code, results, apply)

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        for b in Building.objects.filter(property=prop).select_related("builder").order_by("code"):
            yield [b.code, b.name, b.completion_date, b.builder.code if b.builder else ""]


def _room(text: str) -> str:
    t = text.strip().upper().removesuffix("室").strip()
    return t.lstrip("0") or t if t.isdigit() else t


class Units(Dataset):
    code = "units"
    title = gettext_lazy("Units")
    columns = (
        Column(
            "building",
            "楼栋编号",
            True,
            example="3",
            note=gettext_lazy("A building of the property (import the buildings first)."),
        ),
        Column(
            "room",
            "房号",
            True,
            example="1202",
            note=gettext_lazy("The room within the building; with the building, the key of the row (3-1202)."),
        ),
        Column(
            "floor",
            "楼层",
            example="12",
            note=gettext_lazy("Left empty: taken from the room number for a new unit, kept for one already there."),
        ),
        Column("kind", "类型", allowed=_labels(Unit.Kind.choices), example="住宅"),
        Column("area", "建筑面积（㎡）", example="89.50"),
        Column(
            "completion_date",
            "交付验收日期",
            example="2019-06-28",
            note=gettext_lazy("Left empty: the building's date."),
        ),
    )

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        buildings = {b.code.upper(): b.pk for b in Building.objects.filter(property=prop)}
        have = {
            u.label: u
            for u in Unit.objects.filter(property=prop).only(
                "id", "label", "floor", "kind", "area", "completion_date", "building_id", "code"
            )
        }
        headers = {"floor": "楼层", "kind": "类型", "area": "建筑面积（㎡）", "completion_date": "交付验收日期"}
        results: list[RowResult] = []
        creates: list[Any] = []
        updates: list[Any] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            building, room = (
                row.get("building", "").strip().upper().removesuffix("栋").removesuffix("幢"),
                _room(row.get("room", "")),
            )
            label = f"{building}-{room}"
            try:
                if building not in buildings:
                    raise RowError(
                        "building",
                        _("There is no building “%(code)s” at %(property)s.")
                        % {"code": building[:20], "property": prop.name},
                    )
                if not re.fullmatch(r"[0-9A-Z]{1,10}", room):
                    raise RowError(
                        "room", _("“%(text)s” is not a room number such as 1202.") % {"text": row.get("room", "")[:20]}
                    )
                self._check(number, label, seen)
                floor_text = row.get("floor", "").strip()
                if floor_text:
                    if not re.fullmatch(r"-?\d{1,3}", floor_text):
                        raise RowError("floor", _("“%(text)s” is not a floor number.") % {"text": floor_text[:10]})
                    floor: int | None = int(floor_text)
                else:
                    floor = int(room[:-2]) if room.isdigit() and len(room) > 2 else None
                values = {
                    "floor": floor,
                    "kind": _choice(row.get("kind", ""), "kind", Unit.Kind.choices, default=Unit.Kind.HOME),
                    "area": _decimal(row.get("area", ""), "area"),
                    "completion_date": _date(row.get("completion_date", ""), "completion_date"),
                }
            except RowError as e:
                results.append(RowResult(number, label, "refuse", self.header(e.column), e.message))
                continue
            old = have.get(label)
            if old is not None and not floor_text:
                values["floor"] = old.floor  # left empty: kept as it is
            if old is None:
                creates.append(Unit(property=prop, building_id=buildings[building], code=room, label=label, **values))
                results.append(RowResult(number, label, "create"))
            else:
                results.append(_changed(number, label, old, values, headers, updates))

        def apply() -> None:
            Unit.objects.bulk_create(creates, batch_size=BATCH)
            Unit.objects.bulk_update(updates, list(headers), batch_size=BATCH)

        return Plan(self.code, results, apply)

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        kinds = dict(Unit.Kind.choices)
        for u in Unit.objects.filter(property=prop).select_related("building").order_by("building__code", "label"):
            yield [u.building.code, u.code, u.floor, str(kinds.get(u.kind, u.kind)), u.area, u.completion_date]


class Residents(Dataset):
    code = "residents"
    title = gettext_lazy("Households and residents")
    columns = (
        Column(
            "unit",
            "房号",
            True,
            example="3-1202",
            note=gettext_lazy("Building-room in any usual form: 3-1202, 3栋1202室."),
        ),
        Column(
            "household",
            "住户名称",
            example="王宅",
            note=gettext_lazy("The household living there now; left empty: the first resident's name."),
        ),
        Column("name", "姓名", True, example="王芳"),
        Column("phone", "手机", True, example="13800138000", note=gettext_lazy("With the unit, the key of the row.")),
        Column("role", "身份", True, allowed=_labels(Resident.Role.choices), example="业主"),
        Column("moved_in_on", "入住日期", example="2020-01-01"),
    )

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        units: dict[tuple[str, str], tuple[int, str]] = {}
        labels: dict[str, tuple[int, str]] = {}
        for pk, label, code, bcode in Unit.objects.filter(property=prop).values_list(
            "id", "label", "code", "building__code"
        ):
            labels[label] = units[(bcode.upper(), code.lstrip("0") or code)] = (pk, label)
        households = {
            h.unit_id: h
            for h in Household.objects.filter(property=prop, moved_out_on__isnull=True).order_by("moved_in_on", "id")
        }
        people = {
            (r.household_id, r.phone): r
            for r in Resident.objects.filter(property=prop, household__moved_out_on__isnull=True)
        }
        results: list[RowResult] = []
        new_households: dict[int, Household] = {}
        changed_households: dict[int, Household] = {}
        new_people: list[tuple[int, Resident]] = []  # (unit id, resident)
        changed_people: list[Resident] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            typed = row.get("unit", "").strip()
            found = labels.get(typed)
            if found is None and (parts := unit_said(typed)):
                found = units.get(parts)
            key = f"{found[1] if found else typed} {row.get('phone', '').strip()}"
            try:
                if found is None:
                    raise RowError(
                        "unit",
                        _("There is no unit “%(unit)s” at %(property)s.") % {"unit": typed[:30], "property": prop.name},
                    )
                unit_id, label = found
                phone = _phone(row.get("phone", ""), "phone")
                key = f"{label} {phone}"
                self._check(number, key, seen)
                name = _text(row.get("name", ""), "name", required=True, max_length=50)
                role = _choice(row.get("role", ""), "role", Resident.Role.choices)
                household_name = _text(row.get("household", ""), "household", max_length=100)
                moved_in = _date(row.get("moved_in_on", ""), "moved_in_on")
            except RowError as e:
                results.append(RowResult(number, key, "refuse", self.header(e.column), e.message))
                continue
            changed: list[str] = []
            home = households.get(unit_id)
            if home is None:
                home = new_households.get(unit_id)
                if home is None:
                    home = new_households[unit_id] = Household(
                        property=prop, unit_id=unit_id, name=household_name or name, moved_in_on=moved_in
                    )
            else:
                values = {k: v for k, v in (("name", household_name), ("moved_in_on", moved_in)) if v}
                if diff := _diff(home, values, {"name": "住户名称", "moved_in_on": "入住日期"}):
                    for k, v in values.items():
                        setattr(home, k, v)
                    changed_households[home.pk] = home
                    changed += diff
            old = people.get((home.pk, phone)) if home.pk else None
            if old is None:
                new_people.append((unit_id, Resident(property=prop, name=name, phone=phone, role=role)))
                results.append(RowResult(number, key, "create"))
                continue
            if diff := _diff(old, {"name": name, "role": role}, {"name": "姓名", "role": "身份"}):
                old.name, old.role = name, role
                changed_people.append(old)
                changed += diff
            results.append(RowResult(number, key, "change" if changed else "same", changed=changed))

        def apply() -> None:
            Household.objects.bulk_create(new_households.values(), batch_size=BATCH)
            Household.objects.bulk_update(changed_households.values(), ["name", "moved_in_on"], batch_size=BATCH)
            homes = {**households, **new_households}
            for unit_id, r in new_people:
                r.household_id = homes[unit_id].pk
            Resident.objects.bulk_create([r for _u, r in new_people], batch_size=BATCH)
            Resident.objects.bulk_update(changed_people, ["name", "role"], batch_size=BATCH)

        return Plan(self.code, results, apply)

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        roles = dict(Resident.Role.choices)
        for r in (
            Resident.objects.filter(property=prop, household__moved_out_on__isnull=True)
            .select_related("household__unit")
            .order_by("household__unit__label", "id")
        ):
            h = r.household
            yield [h.unit.label, h.name, r.name, r.phone, str(roles.get(r.role, r.role)), h.moved_in_on]


STAFF_ROLES = [(r.value, r.label) for r in Role if r not in (Role.RESIDENT,)]


class Staff(Dataset):
    code = "staff"
    title = gettext_lazy("Staff")
    columns = (
        Column("username", "用户名", True, example="ygjy-tech5", note=gettext_lazy("The login; the key of the row.")),
        Column("name", "姓名", True, example="李强（维修工）"),
        Column("phone", "手机", example="13900000000"),
        Column("role", "岗位", True, allowed=_labels(STAFF_ROLES), example="维修工"),
        Column(
            "team", "班组", example="水电班", note=gettext_lazy("A team of the property (add teams on the setup page).")
        ),
        Column(
            "trades", "工种", example="水、电", note=gettext_lazy("Trades by name or code, separated by 、 or commas.")
        ),
        Column("on_duty", "在岗", allowed=("是", "否"), example="是"),
    )

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        teams = {t.name: t for t in Team.objects.filter(property=prop)}
        trades: dict[str, Trade] = {}
        for t in Trade.objects.all():
            trades[t.code.lower()] = trades[t.name.lower()] = t
        names = [r.get("username", "").strip() for _n, r in rows]
        have = {u.username: u for u in User.objects.filter(username__in=names).prefetch_related("trades", "properties")}
        results: list[RowResult] = []
        work: list[tuple[User | None, dict[str, Any], list[Trade]]] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            key = row.get("username", "").strip()
            try:
                if not re.fullmatch(r"[\w.@+-]{2,150}", key):
                    raise RowError("username", _("Use letters, digits and . @ + - _ for a login."))
                self._check(number, key, seen)
                old = have.get(key)
                if old is not None and (
                    old.company_id != prop.company_id or old.role == Role.RESIDENT or old.is_superuser
                ):
                    raise RowError("username", _("The login “%(name)s” is taken.") % {"name": key})
                team = None
                if row.get("team", "").strip():
                    team = teams.get(row["team"].strip())
                    if team is None:
                        raise RowError(
                            "team",
                            _("There is no team “%(name)s” at %(property)s.")
                            % {"name": row["team"][:30], "property": prop.name},
                        )
                skills = []
                for part in re.split(r"[,，、;；\s]+", row.get("trades", "").strip()):
                    if part:
                        if part.lower() not in trades:
                            raise RowError("trades", _("There is no trade “%(code)s”.") % {"code": part[:30]})
                        skills.append(trades[part.lower()])
                values = {
                    "display_name": _text(row.get("name", ""), "name", required=True, max_length=50),
                    "phone": _phone(row.get("phone", ""), "phone", required=False),
                    "role": _choice(row.get("role", ""), "role", STAFF_ROLES),
                    "team_id": team.pk if team else None,
                    "on_duty": _bool(row.get("on_duty", ""), "on_duty"),
                }
            except RowError as e:
                results.append(RowResult(number, key, "refuse", self.header(e.column), e.message))
                continue
            if old is None:
                results.append(RowResult(number, key, "create"))
                work.append((None, {"username": key, **values}, skills))
                continue
            headers = {"display_name": "姓名", "phone": "手机", "role": "岗位", "team_id": "班组", "on_duty": "在岗"}
            changed = _diff(old, values, headers)
            if {t.pk for t in old.trades.all()} != {t.pk for t in skills}:
                changed.append("工种")
            if prop.pk not in {p.pk for p in old.properties.all()}:
                changed.append(str(_("works at %(property)s") % {"property": prop.name}))
            results.append(RowResult(number, key, "change" if changed else "same", changed=changed))
            if changed:
                work.append((old, values, skills))

        def apply() -> None:
            unusable = make_password(None)
            for old, values, skills in work:
                if old is None:
                    user = User.objects.create(company_id=prop.company_id, password=unusable, **values)
                else:
                    User.objects.filter(pk=old.pk).update(**values)
                    user = old
                user.properties.add(prop)
                user.trades.set(skills)

        return Plan(self.code, results, apply)

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        roles = dict(Role.choices)
        for u in (
            User.objects.filter(properties=prop, is_active=True)
            .exclude(role=Role.RESIDENT)
            .select_related("team")
            .prefetch_related("trades")
            .order_by("username")
        ):
            yield [
                u.username,
                u.display_name,
                u.phone,
                str(roles.get(u.role, u.role)),
                u.team.name if u.team else "",
                "、".join(t.name for t in u.trades.all()),
                "是" if u.on_duty else "否",
            ]


class Catalogue(Dataset):
    code = "catalogue"
    title = gettext_lazy("Service catalogue and fees")
    columns = (
        Column(
            "code", "项目编码", True, example="PL-01", note=gettext_lazy("The key of the row, for the whole company.")
        ),
        Column("name", "项目名称", True, example="更换水龙头"),
        Column("category", "类别", True, example="plumbing", note=gettext_lazy("A repair category by code or name.")),
        Column("unit_name", "计量单位", example="次"),
        Column("labour_fee", "人工费", example="30.00"),
        Column("material_fee", "材料费", example="45.00"),
        Column("service_fee", "服务费", example="0"),
        Column("active", "启用", allowed=("是", "否"), example="是"),
    )

    def plan(self, by: User, prop: Property, rows: list[tuple[int, dict[str, str]]]) -> Plan:
        categories: dict[str, Category] = {}
        for c in Category.objects.all():
            categories[c.code.lower()] = categories[c.name.lower()] = c
        have = {i.code: i for i in ServiceItem.objects.filter(company_id=prop.company_id)}
        headers = {
            "name": "项目名称",
            "category_id": "类别",
            "unit_name": "计量单位",
            "labour_fee": "人工费",
            "material_fee": "材料费",
            "service_fee": "服务费",
            "active": "启用",
        }
        results: list[RowResult] = []
        creates: list[Any] = []
        updates: list[Any] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            key = row.get("code", "").strip().upper()
            try:
                if not re.fullmatch(r"[A-Z0-9_-]{1,30}", key):
                    raise RowError("code", _("Use letters, digits, - and _ for an item code."))
                self._check(number, key, seen)
                category = categories.get(row.get("category", "").strip().lower())
                if category is None:
                    raise RowError(
                        "category", _("There is no category “%(text)s”.") % {"text": row.get("category", "")[:30]}
                    )
                zero = Decimal("0.00")
                values = {
                    "name": _text(row.get("name", ""), "name", required=True),
                    "category_id": category.pk,
                    "unit_name": _text(row.get("unit_name", ""), "unit_name", max_length=10) or "次",
                    "labour_fee": _decimal(row.get("labour_fee", ""), "labour_fee", validation.MONEY_MAX) or zero,
                    "material_fee": _decimal(row.get("material_fee", ""), "material_fee", validation.MONEY_MAX) or zero,
                    "service_fee": _decimal(row.get("service_fee", ""), "service_fee", validation.MONEY_MAX) or zero,
                    "active": _bool(row.get("active", ""), "active"),
                }
            except RowError as e:
                results.append(RowResult(number, key, "refuse", self.header(e.column), e.message))
                continue
            old = have.get(key)
            if old is None:
                creates.append(ServiceItem(company_id=prop.company_id, code=key, **values))
                results.append(RowResult(number, key, "create"))
            else:
                results.append(_changed(number, key, old, values, headers, updates))

        def apply() -> None:
            ServiceItem.objects.bulk_create(creates, batch_size=BATCH)
            ServiceItem.objects.bulk_update(updates, list(headers), batch_size=BATCH)

        return Plan(self.code, results, apply)

    def export_rows(self, prop: Property) -> Iterable[Sequence[Any]]:
        for i in ServiceItem.objects.filter(company_id=prop.company_id).select_related("category").order_by("code"):
            yield [
                i.code,
                i.name,
                i.category.code,
                i.unit_name,
                i.labour_fee,
                i.material_fee,
                i.service_fee,
                "是" if i.active else "否",
            ]


DATASETS: dict[str, Dataset] = {d.code: d for d in (Buildings(), Units(), Residents(), Staff(), Catalogue())}


def dataset(code: str) -> Dataset:
    found = DATASETS.get(code)
    if found is None:
        raise InvalidInput(_("There is no such kind of spreadsheet."), field="dataset")
    return found


def import_plan(*, by: User, prop: Property, code: str, rows: list[tuple[int, dict[str, str]]]) -> Plan:
    """What importing these rows would do, row by row; nothing is written."""
    return dataset(code).plan(by, prop, rows)


def import_apply(*, by: User, prop: Property, code: str, rows: list[tuple[int, dict[str, str]]]) -> Plan:
    """Import every row or none: if any row is refused, nothing is written and the
    refusal names the first such row, its column and the reason."""
    with transaction.atomic():
        plan = import_plan(by=by, prop=prop, code=code, rows=rows)
        bad = plan.refused
        if bad:
            first = bad[0]
            raise InvalidInput(
                _("Nothing was imported: row %(row)d, column “%(column)s”: %(reason)s (%(n)d rows refused in all).")
                % {"row": first.row, "column": first.column, "reason": first.reason, "n": len(bad)},
                field="file",
                code="rows_refused",
            )
        created, changed = plan.count("create"), plan.count("change")
        if created or changed:
            plan.apply()
            history_record(
                by=by,
                obj=prop,
                action="change",
                message=_("Imported %(what)s: %(created)d created, %(changed)d changed, %(same)d the same.")
                % {"what": dataset(code).title, "created": created, "changed": changed, "same": plan.count("same")},
            )
    return plan


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_file(prop: Property, code: str, fmt: str, *, template: bool) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a data set's template or export, as .xlsx
    or (``fmt="csv"``) CSV."""
    d = dataset(code)
    rows = [d.example()] if template else d.export_rows(prop)
    name = f"{prop.code}-{d.code}{'-template' if template else ''}"
    if fmt == "csv":
        return csv_bytes(d.columns, rows), "text/csv; charset=utf-8", f"{name}.csv"
    return workbook(str(d.title), d.columns, rows, guide=template), XLSX, f"{name}.xlsx"
