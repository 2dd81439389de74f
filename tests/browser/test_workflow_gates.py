"""The review page a co-issuer opens (no account): every gate of a public page type, on a draft
with images whose text changed after the reviewer's first answer (so the changes show too)."""

import pytest

from releases import versions
from releases.models import PressRelease, ReviewDecision, ReviewLink

from .pages import WIDTHS
from .tools import axe_violations, vnu_errors

each_width = pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())


@pytest.fixture
def review_url(newsroom):
    draft = PressRelease.objects.filter(status=PressRelease.Status.DRAFT).first()
    link = ReviewLink.objects.create(
        release=draft, name="Anna Muster", organisation="IHK Braunschweig", email="a@ihk.example"
    )
    ReviewDecision.objects.create(
        link=link,
        decision="changes",
        comment="Bitte den Namen der Kammer ausschreiben.",
        version=versions.current_version(draft),
    )
    draft.lead = f"{draft.lead} Die Industrie- und Handelskammer ist Mitherausgeberin."
    draft.save()
    return link.get_absolute_url()


@each_width
def test_review_page_has_no_wcag_21_aa_violations(open_browser, review_url, width):
    page, _log = open_browser(width=width, bypass_csp=True)
    assert page.goto(review_url).status == 200
    assert page.get_by_text("Entwurf – nicht zur Veröffentlichung").is_visible()
    assert page.locator("ins").count() > 0  # the changes since the reviewer's answer
    problems = axe_violations(page)
    assert not problems, "\n".join(problems)


@each_width
def test_review_page_asks_no_other_host_logs_no_error_and_fits(open_browser, review_url, width):
    page, log = open_browser(width=width)
    assert page.goto(review_url).status == 200
    page.wait_for_load_state("networkidle")
    assert log.foreign_requests() == [] and log.errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_review_pages_are_valid_html(open_browser, review_url, tmp_path):
    page, _log = open_browser()
    (tmp_path / "freigabe.html").write_bytes(page.goto(review_url).body())
    closed = page.goto("/presse/freigabe/ungueltig/")
    assert closed.status == 404
    (tmp_path / "freigabe-ungueltig.html").write_bytes(closed.body())
    problems = vnu_errors(*sorted(tmp_path.glob("*.html")))
    assert not problems, "\n".join(problems)
