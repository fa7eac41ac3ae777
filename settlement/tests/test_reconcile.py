"""R2.12: finance reconciles the day's receipts against what was handed in, per payment
method, with the differences flagged; a reconciled day is closed (a correction is a new
version with its reason, the first kept); the finance copy of the settled jobs."""

from __future__ import annotations

import pytest

from conftest import login
from settlement.models import Reconciliation

DAY = "2026-11-23"


@pytest.fixture
def day_of_receipts(clock, api, paid_job):
    """Three receipts on the day: cash 40 (3-1202), WeChat 40 (3-1201), billed to the
    account 40 (3-1101)."""
    desk = api("ygjy-agent")
    for unit, method in (("3-1202", "cash"), ("3-1201", "wechat"), ("3-1101", "account")):
        t = paid_job(unit=unit)
        assert desk.post(f"/work-orders/{t.number}/charge", {"method": method}).status_code == 201


def test_r2_12_a_day_with_one_missing_payment_shows_the_difference(day_of_receipts, api):
    """The WeChat payment was never settled into the account: the reconciliation shows
    it short by 40.00 and only there; billed to the account is not handed in."""
    finance = api("ygjy-finance")
    handed = {"cash": "40.00", "card": "0", "wechat": "0", "alipay": "0"}
    r = finance.post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": handed})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["expected"]["cash"] == "40.00" and body["expected"]["wechat"] == "40.00"
    assert body["expected"]["account"] == "40.00" and "account" not in body["handed"]
    assert body["differences"] == {"wechat": "-40.00"}
    assert body["balanced"] is False and body["receipts"] == 3 and body["by"]
    page = login("ygjy-finance").get(f"/desk/YGJY/finance/?day={DAY}").content.decode()
    assert 'id="method-wechat" class="flag"' in page and "-40.00" in page and "短款" in page
    assert 'id="method-cash" class="flag"' not in page


def test_r2_12_a_balanced_day(day_of_receipts, api):
    handed = {"cash": "40", "card": "0", "wechat": "40.00", "alipay": "0.00"}
    r = api("ygjy-finance").post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": handed})
    assert r.status_code == 201 and r.json()["balanced"] is True and r.json()["differences"] == {}


def test_r2_12_a_reconciled_day_is_closed_a_correction_is_a_new_version(day_of_receipts, api):
    finance = api("ygjy-finance", lang="en")
    short = {"cash": "40", "card": "0", "wechat": "0", "alipay": "0"}
    first = finance.post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": short}).json()
    full = {**short, "wechat": "40"}
    again = finance.post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": full})
    assert again.status_code == 409 and again.json()["code"] == "reconciled_already"
    assert "correction" in again.json()["detail"]
    assert Reconciliation.objects.count() == 1
    fixed = finance.post(
        "/reconciliations",
        {"property": "YGJY", "day": DAY, "handed": full, "correction_reason": "微信款次日到账"},
    )
    assert fixed.status_code == 201, fixed.content
    assert fixed.json()["version"] == 2 and fixed.json()["corrects"] == first["id"] and fixed.json()["balanced"]
    kept = Reconciliation.objects.get(pk=first["id"])
    assert kept.differences == {"wechat": "-40.00"} and kept.version == 1
    listed = api("ygjy-manager").get("/reconciliations", property="YGJY", day=DAY).json()
    assert [x["version"] for x in listed] == [2, 1]


def test_r2_12_a_reconciliation_is_never_changed_or_deleted(day_of_receipts, api):
    handed = {"cash": "40", "card": "0", "wechat": "40", "alipay": "0"}
    api("ygjy-finance").post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": handed})
    row = Reconciliation.objects.get()
    row.note = "改"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


@pytest.mark.parametrize(
    ("handed", "extra", "status", "words"),
    [
        ({"cash": "-1", "card": "0", "wechat": "0", "alipay": "0"}, {}, 422, "negative"),
        ({"cash": "abc", "card": "0", "wechat": "0", "alipay": "0"}, {}, 422, "Not an amount"),
        ({"cash": "40", "card": "0", "wechat": "0"}, {}, 422, "Alipay"),
        ({"cash": "40", "card": "0", "wechat": "0", "alipay": "0", "bitcoin": "1"}, {}, 422, "Unknown payment"),
        ({"cash": "99999999", "card": "0", "wechat": "0", "alipay": "0"}, {}, 422, "check the amount"),
        ({"cash": "40", "card": "0", "wechat": "0", "alipay": "0"}, {"day": "2026-11-24"}, 422, "not come"),
        (
            {"cash": "40", "card": "0", "wechat": "0", "alipay": "0"},
            {"correction_reason": "x"},
            422,
            "nothing to correct",
        ),
    ],
)
def test_r2_12_bad_reconciliations_are_refused_and_write_nothing(day_of_receipts, api, handed, extra, status, words):
    body = {"property": "YGJY", "day": DAY, "handed": handed, **extra}
    r = api("ygjy-finance", lang="en").post("/reconciliations", body)
    assert r.status_code == status and words in r.json()["detail"], r.json()
    assert not Reconciliation.objects.exists()


@pytest.mark.parametrize(("username", "status"), [("ygjy-agent", 403), ("ygjy-manager", 403), ("wlbg-finance", 404)])
def test_r2_12_only_finance_of_the_property_reconciles(day_of_receipts, api, username, status):
    handed = {"cash": "40", "card": "0", "wechat": "40", "alipay": "0"}
    r = api(username).post("/reconciliations", {"property": "YGJY", "day": DAY, "handed": handed})
    assert r.status_code == status
    assert not Reconciliation.objects.exists()


def test_r2_12_finance_reconciles_on_its_page_and_sees_the_finance_copy(day_of_receipts):
    finance = login("ygjy-finance")
    assert finance.get("/")["Location"].endswith("/desk/YGJY/finance/")  # finance lands on its page
    page = finance.get(f"/desk/YGJY/finance/?day={DAY}").content.decode()
    assert page.count("SJ-YGJY-2026-00000") >= 3 and 'id="reconcile-form"' in page
    assert "更换水龙头" in page and "/print.pdf" in page  # the work order's items, its print
    form = {"day": DAY, "handed_cash": "40", "handed_card": "0", "handed_wechat": "", "handed_alipay": "0"}
    refused = finance.post("/desk/YGJY/finance/", form)
    assert refused.status_code == 422 and "finance-error" in refused.content.decode()
    assert 'value="40"' in refused.content.decode()  # what was typed is kept
    assert not Reconciliation.objects.exists()
    form["handed_wechat"] = "0"
    assert finance.post("/desk/YGJY/finance/", form).status_code == 302
    page = finance.get(f"/desk/YGJY/finance/?day={DAY}").content.decode()
    assert 'id="reconciled"' in page and "记一次更正" in page
    again = finance.post("/desk/YGJY/finance/", {**form, "handed_wechat": "40"})
    assert again.status_code == 409 and Reconciliation.objects.count() == 1


def test_r2_12_the_desk_reads_the_finance_page_but_has_no_reconcile_form(day_of_receipts):
    page = login("ygjy-agent").get(f"/desk/YGJY/finance/?day={DAY}")
    assert page.status_code == 200 and 'id="reconcile-form"' not in page.content.decode()
    assert login("ygjy-tech1").get("/desk/YGJY/finance/").status_code == 403
    assert login("wlbg-finance").get("/desk/YGJY/finance/").status_code == 404
