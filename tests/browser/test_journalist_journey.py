"""
A journalist's way to a release and its material: home page, archive, the year, a topic and a
search term, the release, its press contact's vCard and its download.

TODO after issue 4b (media, press kit, alerts): download an image original, subscribe to alerts,
confirm by the mail's link and receive the next release's alert. Not on this branch yet.
"""

from .pages import DETAIL


def test_journalist_narrows_the_archive_opens_a_release_and_takes_contact_and_material(
    open_browser, newsroom
):
    page, log = open_browser()
    page.goto("/")
    page.get_by_role("link", name="Alle Pressemitteilungen im Archiv").click()
    page.wait_for_url("**/presse/")
    years = page.get_by_role("navigation", name="Archiv nach Jahren")
    years.get_by_role("link", name="2022", exact=True).click()
    page.wait_for_url("**/presse/2022/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Pressemitteilungen 2022"

    page.get_by_label("Thema").select_option("fachkraeftesicherung")
    page.get_by_label("Suchbegriff").fill("Betriebsnachbarschaften")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/presse/2022/?*q=Betriebsnachbarschaften*")
    assert page.get_by_role("status").inner_text() == (
        "5 Mitteilungen zu „Betriebsnachbarschaften“ gefunden"
    )

    page.get_by_role(
        "link", name="Betriebsnachbarschaften: Abschluss im Landkreis Helmstedt"
    ).click()
    page.wait_for_url(f"**{DETAIL}")
    assert page.locator(".dateline").inner_text() == "Helmstedt, 28. März 2022."
    assert page.locator(".gallery .credit").inner_text() == (
        "Grafik: Allianz für die Region (Demobild)"
    )

    with page.expect_download() as vcard_download:
        page.get_by_role("link", name="Kontakt speichern").first.click()
    vcard = vcard_download.value.path().read_text(encoding="utf-8")
    assert vcard.startswith("BEGIN:VCARD")
    assert "Rosinski" in vcard

    with page.expect_download() as attachment_download:
        page.get_by_role("link", name="Projektsteckbrief Betriebsnachbarschaften").click()
    attachment = attachment_download.value
    assert attachment.suggested_filename == "projektsteckbrief-betriebsnachbarschaften.pdf"
    assert attachment.path().read_bytes().startswith(b"%PDF-")
    assert log.foreign_requests() == []
