"""The browser the page and diagram tests use: Debian's Chromium, offline."""
from __future__ import annotations

from tests.browser import offline_page


def test_browser_reads_a_local_file_and_measures_svg_text(chromium, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text("<svg width='200' height='50'><text x='5' y='20'>hello</text></svg>", encoding="utf-8")
    tab = offline_page(chromium)
    tab.page.goto(page_file.as_uri())
    width = tab.page.evaluate("document.querySelector('text').getBBox().width")
    assert width > 0
    assert tab.console_errors == []
    tab.page.context.close()


def test_browser_pages_cannot_reach_the_network(chromium, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text("<img src='http://192.0.2.1/x.png'>", encoding="utf-8")
    tab = offline_page(chromium)
    tab.page.goto(page_file.as_uri())
    assert tab.blocked_requests == ["http://192.0.2.1/x.png"]
    tab.page.context.close()
