"""Static files under the production storage: hashed names once collected, the plain
name (not a failed page) for a file that was never collected."""

from __future__ import annotations

from config.storage import StaticFiles


def test_a_collected_file_gets_its_hashed_name_and_an_uncollected_one_its_plain_name(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    storage = StaticFiles(location=tmp_path)
    (tmp_path / "console").mkdir()
    (tmp_path / "console" / "app.css").write_text("body{}")
    storage.hashed_files = {}
    storage.manifest_strict = False
    assert storage.url("never/collected.js").endswith("never/collected.js")
    name = storage.stored_name("console/app.css")
    assert name.startswith("console/app.") and name.endswith(".css") and name != "console/app.css"
