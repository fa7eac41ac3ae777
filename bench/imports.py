"""The import of a large property from spreadsheets: 40 buildings, 10,000 units and
15,000 residents, each file read and imported as the administrator's upload is (all
or nothing), in a process of its own so that its peak memory is its own. Run by
``python -m bench`` (``--only import`` for this alone) or directly as
``python -m bench.imports`` against the configured database; prints JSON."""

from __future__ import annotations

import io
import json
import random
import resource
import sys
import time
from typing import Any

from openpyxl import Workbook

BUILDINGS, FLOORS, PER_FLOOR = 40, 25, 10  # 10,000 units
RESIDENTS = 15_000
CODE = "BENCH-IMP"


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files() -> dict[str, bytes]:
    rng = random.Random(15)
    buildings = [["楼栋编号", "楼栋名称", "竣工验收日期"]] + [
        [str(b), f"{b}栋", "2020-06-30"] for b in range(1, BUILDINGS + 1)
    ]
    units = [["楼栋编号", "房号", "楼层", "类型", "建筑面积（㎡）", "交付验收日期"]]
    labels = []
    for b in range(1, BUILDINGS + 1):
        for f in range(1, FLOORS + 1):
            for r in range(1, PER_FLOOR + 1):
                units.append([str(b), f"{f}{r:02d}", f, "住宅", f"{rng.randint(60, 160)}.{rng.randint(0, 99):02d}", ""])
                labels.append(f"{b}-{f}{r:02d}")
    residents = [["房号", "住户名称", "姓名", "手机", "身份", "入住日期"]]
    for n in range(RESIDENTS):
        label = labels[n % len(labels)]
        role = "业主" if n < len(labels) else "家庭成员"
        residents.append([label, "", f"住户{n:05d}", f"139{n:08d}", role, "2021-01-01"])
    return {"buildings": xlsx(buildings), "units": xlsx(units), "residents": xlsx(residents)}


def clean() -> None:
    from estates.models import Building, Household, Property, Resident, Unit

    prop = Property.objects.filter(code=CODE).first()
    if prop:
        Resident.objects.filter(property=prop).delete()
        Household.objects.filter(property=prop).delete()
        Unit.objects.filter(property=prop).delete()
        Building.objects.filter(property=prop).delete()
        prop.delete()


def measure() -> dict[str, Any]:
    from django.contrib.admin.models import LogEntry

    from demo import seed as demo
    from estates.models import Company, Property
    from onboarding.imports import DATASETS, import_apply
    from onboarding.sheets import read
    from people.models import User

    demo.seed("full")
    clean()
    prop = Property.objects.create(
        company=Company.objects.get(name=demo.COMPANY), name="导入测试苑", code=CODE, kind="residential"
    )
    by = User.objects.get(username="admin")
    content = files()
    steps: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        for code in ("buildings", "units", "residents"):
            t0 = time.perf_counter()
            rows = read(f"{code}.xlsx", content[code], DATASETS[code].columns)
            t1 = time.perf_counter()
            plan = import_apply(by=by, prop=prop, code=code, rows=rows)
            t2 = time.perf_counter()
            again = import_apply(by=by, prop=prop, code=code, rows=rows)  # the same file again: nothing to do
            t3 = time.perf_counter()
            steps[code] = {
                "rows": len(rows),
                "bytes": len(content[code]),
                "created": plan.count("create"),
                "read_s": round(t1 - t0, 2),
                "import_s": round(t2 - t1, 2),
                "again_same": again.count("same"),
                "again_s": round(t3 - t2, 2),
            }
        total = time.perf_counter() - started
    finally:
        LogEntry.objects.filter(object_id=str(prop.pk), object_repr=str(prop)).delete()
        clean()
    first_load = sum(s["read_s"] + s["import_s"] for s in steps.values())
    return {
        "steps": steps,
        "first_load_s": round(first_load, 2),
        "total_with_reloads_s": round(total, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_s": 20,
        "target_mb": 500,
    }


def run_in_child() -> dict[str, Any]:
    """``measure`` in a fresh process (the bench's own process holds the data set's
    generation in memory)."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "bench.imports"], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"bench.imports failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(r: dict[str, Any]) -> str:
    lines = [
        "",
        f"Import    {r['first_load_s']} s to load (target < {r['target_s']} s), peak {r['peak_rss_mb']} MB (target < {r['target_mb']} MB)",
    ]
    for code, s in r["steps"].items():
        lines.append(
            f"  {code:<10} {s['rows']:>7,} rows: read {s['read_s']} s, import {s['import_s']} s; "
            f"again {s['again_s']} s ({s['again_same']:,} the same)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(measure()))
