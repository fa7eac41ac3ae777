"""Imports from spreadsheets (xlsx and csv) for a new property: buildings, units,
households and residents, staff, and the service catalogue. Each on a good file, a file
with one bad row (nothing loaded, the row named), the same file twice (no change), a
changed row (updated by its key), Chinese headers in another column order, a wrong or
broken file (a clear error, nothing loaded); and the template and export in the same
columns."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from base.errors import DomainError, InvalidInput
from catalog.models import ServiceItem
from conftest import login
from estates.models import Building, Company, Property, Resident, Unit
from onboarding.imports import DATASETS, import_apply, import_plan
from onboarding.selectors import setup_history
from onboarding.sheets import read
from people.models import Team, User

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def new(estate) -> Property:
    """A new property of the demo company with two buildings, three units and a team."""
    prop = Property.objects.create(company=Company.objects.get(), name="新华苑", code="XHY", kind="residential")
    for code in ("1", "2"):
        Building.objects.create(property=prop, code=code, name=f"{code}栋")
    for b, room in (("1", "101"), ("1", "102"), ("2", "1202")):
        Unit.objects.create(
            property=prop, building=Building.objects.get(property=prop, code=b), code=room, label=f"{b}-{room}"
        )
    Team.objects.create(property=prop, name="水电班")
    return prop


# dataset: (good rows with headers, a row index to break and how, a changed row, what the change shows)
GOOD: dict[str, list[list[Any]]] = {
    "buildings": [
        ["楼栋编号", "楼栋名称", "竣工验收日期", "建设单位"],
        ["3", "3栋", "2020-05-01", "ZJ-YG"],
        ["A", "A座", "", ""],
    ],
    "units": [
        ["楼栋编号", "房号", "楼层", "类型", "建筑面积（㎡）", "交付验收日期"],
        ["1", "201", "", "住宅", "89.5", "2021-03-01"],
        ["1", "0202", "2", "商铺", "", ""],
        ["2", "1201", "12", "住宅", "120", ""],
    ],
    "residents": [
        ["房号", "住户名称", "姓名", "手机", "身份", "入住日期"],
        ["1-101", "王宅", "王芳", "13800000001", "业主", "2020-01-01"],
        ["1栋101室", "", "王小明", "13800000002", "家庭成员", ""],
        ["2-1202", "", "李四", "0731-88881111", "租户", ""],
    ],
    "staff": [
        ["用户名", "姓名", "手机", "岗位", "班组", "工种", "在岗"],
        ["xhy-tech1", "张三（维修工）", "13900000001", "维修工", "水电班", "水工、电工", "是"],
        ["xhy-agent", "李丽（客服）", "", "客服专员", "", "", ""],
    ],
    "catalogue": [
        ["项目编码", "项目名称", "类别", "计量单位", "人工费", "材料费", "服务费", "启用"],
        ["XH-01", "疏通地漏", "plumbing", "次", "30", "0", "0", "是"],
        ["XH-02", "更换开关", "电气", "个", "20", "15.5", "", ""],
    ],
}
BAD = {  # (row index in GOOD, column index, bad value, header named)
    "buildings": (2, 0, "A#", "楼栋编号"),
    "units": (2, 0, "9", "楼栋编号"),
    "residents": (3, 0, "9-999", "房号"),
    "staff": (2, 3, "厨师", "岗位"),
    "catalogue": (1, 2, "nope", "类别"),
}
CHANGE = {  # (row index, column index, new value)
    "buildings": (1, 1, "3号楼"),
    "units": (3, 4, "121.5"),
    "residents": (1, 2, "王芳芳"),
    "staff": (1, 6, "否"),
    "catalogue": (2, 4, "25"),
}


def state(prop: Property) -> dict[str, Any]:
    """Everything an import could write, to compare before and after."""
    return {
        "buildings": sorted(
            Building.objects.filter(property=prop).values_list("code", "name", "completion_date", "builder_id")
        ),
        "units": sorted(
            Unit.objects.filter(property=prop).values_list("label", "floor", "kind", "area", "completion_date")
        ),
        "residents": sorted(
            Resident.objects.filter(property=prop).values_list(
                "household__unit__label", "household__name", "name", "phone", "role"
            )
        ),
        "staff": sorted(
            User.objects.filter(properties=prop).values_list("username", "display_name", "role", "team_id", "on_duty")
        ),
        "items": sorted(
            ServiceItem.objects.values_list("code", "name", "category_id", "labour_fee", "material_fee", "active")
        ),
    }


def run(prop: Property, code: str, rows: list[list[Any]], *, commit: bool = True, kind: str = "xlsx"):
    content = xlsx(rows) if kind == "xlsx" else csv_file(rows)
    parsed = read(f"f.{kind}", content, DATASETS[code].columns)
    by = User.objects.get(username="admin")
    return (import_apply if commit else import_plan)(by=by, prop=prop, code=code, rows=parsed)


@pytest.mark.parametrize("code", list(GOOD))
def test_a_good_file_is_imported_and_the_same_file_again_changes_nothing(new, code):
    plan = run(new, code, GOOD[code])
    assert plan.count("create") == len(GOOD[code]) - 1 and not plan.refused
    after = state(new)
    again = run(new, code, GOOD[code], kind="csv")  # the same data as CSV
    assert again.count("same") == len(GOOD[code]) - 1, [vars(r) for r in again.rows]
    assert state(new) == after
    assert len(setup_history(new)) == 1  # the second load recorded nothing


@pytest.mark.parametrize("code", list(GOOD))
def test_one_bad_row_loads_nothing_and_names_the_row_column_and_reason(new, code):
    rows = [list(r) for r in GOOD[code]]
    i, j, value, header = BAD[code]
    rows[i][j] = value
    before = state(new)
    plan = run(new, code, rows, commit=False)
    refused = plan.refused
    assert [(r.row, r.column) for r in refused] == [(i + 1, header)], [vars(r) for r in plan.rows]
    assert refused[0].reason
    with pytest.raises(DomainError) as e:
        run(new, code, rows)
    assert f"第 {i + 1} 行" in e.value.message and header in e.value.message
    assert state(new) == before


@pytest.mark.parametrize("code", list(GOOD))
def test_a_changed_row_updates_the_record_with_the_same_key(new, code):
    run(new, code, GOOD[code])
    rows = [list(r) for r in GOOD[code]]
    i, j, value = CHANGE[code]
    rows[i][j] = value
    plan = run(new, code, rows)
    assert [r.row for r in plan.rows if r.action == "change"] == [i + 1]
    assert plan.count("create") == 0
    assert rows[0][j] in plan.rows[i - 1].changed


@pytest.mark.parametrize("code", list(GOOD))
def test_the_columns_may_come_in_any_order(new, code):
    rows = [list(reversed(r)) for r in GOOD[code]]
    rows[0] = [h + "*" if n % 2 else h for n, h in enumerate(rows[0])]  # the template marks required ones
    plan = run(new, code, rows)
    assert plan.count("create") == len(GOOD[code]) - 1


def test_what_was_imported_is_right(new):
    for code in GOOD:
        run(new, code, GOOD[code])
    assert Unit.objects.get(property=new, label="1-202").floor == 2  # 0202 read as 202, floor from the number
    assert Unit.objects.get(property=new, label="1-201").area == Decimal("89.50")
    home = Resident.objects.get(phone="13800000002").household
    assert home.unit.label == "1-101" and home.name == "王宅"  # 1栋101室 is 1-101, one household
    tech = User.objects.get(username="xhy-tech1")
    assert tech.role == "technician" and tech.team.name == "水电班" and not tech.has_usable_password()  # type: ignore[union-attr]
    assert sorted(t.code for t in tech.trades.all()) == ["electrical", "plumbing"]
    assert ServiceItem.objects.get(code="XH-02").material_fee == Decimal("15.50")


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("units.pdf", b"%PDF-1.4 ...", "既不是"),
        ("units.xlsx", b"PK\x03\x04broken", "已损坏"),
        ("units.csv", b"", "空"),
        ("units.csv", "房号,楼层\n101,1\n".encode(), "楼栋编号"),
        ("units.csv", "楼栋编号,房号,颜色\n1,101,红\n".encode(), "颜色"),
    ],
)
def test_a_wrong_or_broken_file_is_refused_clearly(new, name, content, said):
    with pytest.raises(InvalidInput) as e:
        read(name, content, DATASETS["units"].columns)
    assert said in e.value.message


def test_ten_thousand_units_are_imported_quickly(new):
    """The bench's size (make bench --only import measures it with 15,000 residents)."""
    Building.objects.bulk_create(Building(property=new, code=str(b), name=f"{b}栋") for b in range(3, 43))
    rows = [["楼栋编号", "房号", "楼层", "类型", "建筑面积（㎡）", "交付验收日期"]]
    rows += [
        [str(b), f"{f}{r:02d}", "", "住宅", "88.5", ""]
        for b in range(3, 43)
        for f in range(1, 26)
        for r in range(1, 11)
    ]
    assert len(rows) == 10_001
    started = time.perf_counter()
    plan = run(new, "units", rows)
    assert plan.count("create") == 10_000 and time.perf_counter() - started < 60
    assert Unit.objects.filter(property=new).count() == 10_003


def test_the_page_previews_then_imports_and_the_api_does_the_same(new):
    c = login("admin")
    page = c.get("/desk/XHY/setup/sheets/")
    assert page.status_code == 200 and "住户" in page.content.decode()
    template = c.get("/desk/XHY/setup/sheets/", {"template": "units", "format": "xlsx"})
    book = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.worksheets[0][1]][:2] == ["楼栋编号*", "房号*"]
    assert [c.value for c in book.worksheets[0][2]][:2] == ["3", "1202"]
    assert "住宅" in str([c.value for c in book.worksheets[1]["C"]])
    upload = io.BytesIO(xlsx(GOOD["units"]))
    upload.name = "units.xlsx"
    preview = c.post("/desk/XHY/setup/sheets/", {"dataset": "units", "action": "preview", "file": upload})
    text = preview.content.decode()
    assert preview.status_code == 200 and 'data-counts="3 0 0 0"' in text
    assert Unit.objects.filter(property=new).count() == 3  # only shown
    token = preview.context["token"]
    done = c.post("/desk/XHY/setup/sheets/", {"dataset": "units", "action": "import", "token": token})
    assert done.status_code == 302 and Unit.objects.filter(property=new).count() == 6
    again = c.post("/desk/XHY/setup/sheets/", {"dataset": "units", "action": "import", "token": token})
    assert again.status_code == 422 and "过期" in again.content.decode()
    export = c.get("/desk/XHY/setup/sheets/", {"export": "units", "format": "csv"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("楼栋编号*,房号*") and len(lines) == 7
    # The export goes back in unchanged.
    parsed = read("u.csv", export.content, DATASETS["units"].columns)
    assert import_plan(by=User.objects.get(username="admin"), prop=new, code="units", rows=parsed).count("same") == 6

    bad = io.BytesIO(b"%PDF")
    bad.name = "x.pdf"
    refused = c.post("/desk/XHY/setup/sheets/", {"dataset": "units", "action": "preview", "file": bad})
    assert refused.status_code == 422 and "x.pdf" in refused.content.decode()
    assert login("ygjy-manager").get("/desk/XHY/setup/sheets/").status_code in (302, 403, 404)


def test_the_api_checks_then_imports_all_or_nothing(new, api):
    admin = api("admin").client
    f = io.BytesIO(xlsx(GOOD["buildings"]))
    f.name = "b.xlsx"
    checked = admin.post("/api/v1/setup/XHY/sheets/buildings", {"file": f})
    assert checked.status_code == 200 and checked.json()["created"] == 2 and not checked.json()["imported"]
    assert not Building.objects.filter(property=new, code="3").exists()
    f.seek(0)
    done = admin.post("/api/v1/setup/XHY/sheets/buildings?commit=true", {"file": f})
    assert done.status_code == 200 and Building.objects.filter(property=new, code="3").exists()
    rows = [list(r) for r in GOOD["units"]]
    rows[2][0] = "9"
    f = io.BytesIO(xlsx(rows))
    f.name = "u.xlsx"
    refused = admin.post("/api/v1/setup/XHY/sheets/units?commit=true", {"file": f})
    assert refused.status_code == 422 and "第 3 行" in refused.json()["detail"]
    assert Unit.objects.filter(property=new).count() == 3
    template = admin.get("/api/v1/setup/XHY/sheets/staff/template?format=csv")
    assert template.content.decode("utf-8-sig").startswith("用户名*,姓名*")
    assert api("ygjy-agent").client.get("/api/v1/setup/XHY/sheets/units").status_code == 403
    assert Client().get("/api/v1/setup/XHY/sheets/units").status_code == 401


@pytest.mark.parametrize(
    ("code", "row", "column", "said"),
    [
        ("buildings", ["3", "3栋", "2020-13-45", ""], "竣工验收日期", "不是日期"),
        ("buildings", ["3", "3栋", "", "无名建设"], "建设单位", "无名建设"),
        ("buildings", ["3", "", "", ""], "楼栋名称", "必须填写"),
        ("units", ["1", "12#", "", "", "", ""], "房号", "12#"),
        ("units", ["1", "301", "三", "", "", ""], "楼层", "三"),
        ("units", ["1", "301", "", "别墅", "", ""], "类型", "别墅"),
        ("units", ["1", "301", "", "", "很大", ""], "建筑面积（㎡）", "不是数字"),
        ("units", ["1", "301", "", "", "-5", ""], "建筑面积（㎡）", "超出范围"),
        ("residents", ["1-101", "", "王芳", "12345", "业主", ""], "手机", "12345"),
        ("residents", ["1-101", "", "王" * 60, "13800000009", "业主", ""], "姓名", "50"),
        ("staff", ["ygjy-x", "张三", "", "维修工", "没有的班", "", ""], "班组", "没有的班"),
        ("staff", ["ygjy-x", "张三", "", "维修工", "", "飞行", ""], "工种", "飞行"),
        ("staff", ["ygjy-x", "张三", "", "维修工", "", "", "也许"], "在岗", "也许"),
        ("staff", ["a b", "张三", "", "维修工", "", "", ""], "用户名", "登录名"),
        ("staff", ["resident", "张三", "", "维修工", "", "", ""], "用户名", "已被占用"),
        ("catalogue", ["白 名", "x", "plumbing", "", "", "", "", ""], "项目编码", "项目编码"),
        ("catalogue", ["XH-09", "x", "plumbing", "", "99999999", "", "", ""], "人工费", "超出范围"),
    ],
)
def test_each_bad_cell_is_named_with_its_reason(new, code, row, column, said):
    plan = run(new, code, [GOOD[code][0], row], commit=False)
    assert [(r.row, r.column) for r in plan.refused] == [(2, column)], [vars(r) for r in plan.rows]
    assert said in plan.refused[0].reason


def test_a_row_twice_in_a_file_is_refused_the_second_time(new):
    rows = [*GOOD["units"], GOOD["units"][1]]
    plan = run(new, "units", rows, commit=False)
    assert [(r.row, r.column) for r in plan.refused] == [(5, "楼栋编号")] and "第 2 行" in plan.refused[0].reason


@pytest.mark.parametrize("code", list(GOOD))
def test_each_export_loads_back_unchanged(new, code):
    run(new, code, GOOD[code])
    from onboarding.imports import sheet_file

    content, _type, name = sheet_file(new, code, "xlsx", template=False)
    assert name == f"XHY-{code}.xlsx"
    rows = read(name, content, DATASETS[code].columns)
    plan = import_plan(by=User.objects.get(username="admin"), prop=new, code=code, rows=rows)
    assert plan.rows and plan.count("same") == len(plan.rows), [vars(r) for r in plan.rows if r.action != "same"]


def test_a_csv_saved_by_excel_in_gbk_is_read(new):
    content = "楼栋编号,楼栋名称\n5,5栋\n".encode("gbk")
    assert read("b.csv", content, DATASETS["buildings"].columns) == [(2, {"code": "5", "name": "5栋"})]
