"""
A journalist's way to a release and its material, as far as the site offers it today: home page,
archive, the year, the release, its download.

TODO after issues 3, 4a and 4b: filter by topic, search "Betriebsnachbarschaften", download the
press contact's vCard and an image original, subscribe to alerts, confirm by the mail's link and
receive the next release's alert. Those features are not on this branch.
"""

from .pages import DETAIL


def test_journalist_goes_from_home_through_the_year_archive_to_a_release_and_its_download(
    open_browser, newsroom
):
    page, log = open_browser()
    page.goto("/")
    page.get_by_role("link", name="Alle Pressemitteilungen im Archiv").click()
    page.wait_for_url("**/presse/")
    page.get_by_role("navigation", name="Archiv nach Jahren").get_by_role(
        "link", name="2022"
    ).click()
    page.wait_for_url("**/presse/2022/")
    assert page.get_by_role("heading", level=1).inner_text() == "Pressemitteilungen 2022"
    assert page.get_by_text("5 Mitteilungen").is_visible()

    page.get_by_role(
        "link", name="Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt"
    ).click()
    page.wait_for_url(f"**{DETAIL}")
    assert page.locator(".dateline").inner_text() == "Helmstedt, 28. März 2022."
    credit = page.locator(".gallery .credit")
    assert credit.inner_text() == "Grafik: Allianz für die Region (Demobild)"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Projektsteckbrief Betriebsnachbarschaften").click()
    download = download_info.value
    assert download.suggested_filename == "projektsteckbrief-betriebsnachbarschaften.pdf"
    assert download.path().read_bytes().startswith(b"%PDF-")
    assert log.foreign_requests() == []
