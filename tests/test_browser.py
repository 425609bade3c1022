"""The shared browser helper (tests/browser.py) sees what a page does: a remote request is
recorded (and never reaches the network), console errors and exceptions are collected, a local
file loads."""

from __future__ import annotations

from tests.browser import offline_page


def test_offline_page_records_remote_requests_and_errors(tmp_path):
    (tmp_path / "style.css").write_text("body { color: rgb(1, 2, 3); }")
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!doctype html><html><head><link rel=stylesheet href=style.css>"
        "<script src='https://cdn.example.invalid/x.js'></script></head>"
        "<body><p id=p>hello</p><script>console.error('boom'); fetch('http://example.com/a')"
        ".catch(() => {}); undefinedFunction();</script></body></html>")
    with offline_page(page_file) as (page, log):
        page.wait_for_timeout(200)
        colour = page.evaluate("getComputedStyle(document.getElementById('p')).color")
    assert colour == "rgb(1, 2, 3)", "the local stylesheet did not load"
    assert any(u.endswith("/style.css") and u.startswith("file:") for u in log.requests)
    assert "https://cdn.example.invalid/x.js" in log.left_machine
    assert "http://example.com/a" in log.left_machine
    assert log.not_file == log.left_machine
    assert any("boom" in e for e in log.errors), log.errors
    assert any("undefinedFunction" in e for e in log.errors), log.errors
