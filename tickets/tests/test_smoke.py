def test_create_and_read(api, draft):
    desk = api("ygjy-agent")
    r = desk.post("/tickets", draft())
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    r = desk.get(f"/tickets/{number}")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "new"
    r = desk.get(f"/tickets/{number}/actions")
    assert r.status_code == 200, r.content
    print([a["action"] for a in r.json()])
