"""
Quality gates on every public page type (pages.PAGE_TYPES), at a phone's and a desktop's width:
WCAG 2.1 A/AA by axe-core, valid HTML by the Nu Html Checker, no request to another host, no
error in the browser console (a Content-Security-Policy violation is one), no sideways scrolling.
`SCREENSHOT_DIR=docs/screenshots` (make screenshots) also saves a picture of each page.
"""

import os
from pathlib import Path

import pytest

from releases.models import PressRelease

from .pages import PAGE_TYPES, WIDTHS
from .tools import ROOT, axe_violations, vnu_errors

each_page_type = pytest.mark.parametrize("page_type", PAGE_TYPES, ids=lambda p: p.name)
each_width = pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())


def visit(open_browser, page_type, width=1280, **options):
    page, log = open_browser(width=width, **options)
    response = page.goto(page_type.path, wait_until="load")
    assert response.status == page_type.status, page_type.path
    return page, log, response


@each_page_type
@each_width
def test_page_has_no_wcag_21_aa_violations(open_browser, newsroom, page_type, width):
    # axe is injected as a script; the site's own Content-Security-Policy must not block the
    # instrument (the console gate below runs with the policy in force).
    page, _log, _response = visit(open_browser, page_type, width, bypass_csp=True)
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)


def test_every_page_type_and_the_stylesheet_are_valid(open_browser, newsroom, tmp_path):
    # One run of the checker for all page types: starting Java costs seconds, checking a page not.
    page, _log = open_browser()
    for page_type in PAGE_TYPES:
        response = page.goto(page_type.path)
        assert response.status == page_type.status, page_type.path
        # The HTML as served, not the browser's DOM; errors name the file, i.e. the page type.
        (tmp_path / f"{page_type.name}.html").write_bytes(response.body())
    stylesheets = sorted((ROOT / "static").rglob("*.css"))
    assert stylesheets
    problems = vnu_errors(*sorted(tmp_path.glob("*.html")), *stylesheets)
    assert not problems, "\n".join(problems)


@each_page_type
@each_width
def test_page_asks_no_other_host_and_logs_no_error(open_browser, newsroom, page_type, width):
    page, log, _response = visit(open_browser, page_type, width)
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/static/css/site.css") for url in log.requests)  # it records
    assert log.foreign_requests() == []
    document = page.url
    assert [text for text, url in log.errors if url != document or page_type.status == 200] == []


@each_page_type
def test_page_shows_no_release_under_embargo_and_no_draft(open_browser, newsroom, page_type):
    hidden = PressRelease.objects.exclude(pk__in=PressRelease.objects.published())
    assert {release.status for release in hidden} == {"draft", "published"}  # both kinds exist
    page, _log, response = visit(open_browser, page_type)
    html = response.text()
    for release in hidden:
        assert release.title not in html
        assert release.slug not in html


@each_page_type
@each_width
def test_page_fits_the_screen_without_sideways_scrolling(open_browser, newsroom, page_type, width):
    page, _log, _response = visit(open_browser, page_type, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy images load
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        label = next(name for name, pixels in WIDTHS.items() if pixels == width)
        page.screenshot(path=Path(folder) / f"{page_type.name}-{label}.png", full_page=True)
