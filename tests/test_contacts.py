"""The press contacts: /pressekontakt/ and the vCard download of each contact."""

import pytest
import vobject

from .helpers import assert_german_404, page


def test_contact_page_lists_active_contacts_with_tel_and_mailto_links(client, make_contact):
    make_contact(
        first_name="Sibille",
        last_name="Rosinski",
        slug="sibille-rosinski",
        email="sibille.rosinski@example.org",
    )
    make_contact(first_name="Ehemalige", last_name="Sprecherin", is_active=False)
    html = page(client, "/pressekontakt/")
    assert "Sibille Rosinski" in html and "Pressesprecherin · Kommunikation" in html
    assert '<a href="tel:+495311218154">+49 (0)531/1218-154</a>' in html
    assert '<a href="tel:+491735406110">+49 (0)173/5406110</a>' in html
    assert "<dt>Telefax</dt><dd>+49 (0)531/1218-124</dd>" in html
    assert '<a href="mailto:sibille.rosinski@example.org">' in html
    assert 'href="/pressekontakt/sibille-rosinski.vcf"' in html
    assert "Ehemalige" not in html


def test_contact_page_without_contacts_says_so(client, db):
    assert "kein Pressekontakt eingetragen" in page(client, "/pressekontakt/")


def test_vcard_is_valid_and_carries_every_field(client, make_contact):
    contact = make_contact(
        first_name="Sibille",
        last_name="Rosinski",
        slug="sibille-rosinski",
        email="sibille.rosinski@example.org",
    )
    response = client.get(contact.get_vcard_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sibille-rosinski.vcf"'
    raw = response.content.decode()
    assert raw.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and raw.endswith("END:VCARD\r\n")

    card = vobject.readOne(raw)
    assert card.fn.value == "Sibille Rosinski"
    assert (card.n.value.family, card.n.value.given) == ("Rosinski", "Sibille")
    assert card.org.value == ["Allianz für die Region GmbH", "Kommunikation"]
    assert card.title.value == "Pressesprecherin"
    phones = {tuple(tel.params["TYPE"]): tel.value for tel in card.tel_list}
    assert phones == {
        ("WORK", "VOICE"): "+495311218154",
        ("WORK", "FAX"): "+495311218124",
        ("CELL", "VOICE"): "+491735406110",
    }
    assert card.email.value == "sibille.rosinski@example.org"


def test_vcard_escapes_special_characters_and_folds_long_lines(client, make_contact):
    position = "Leiterin Kommunikation; Presse, Social Media und Öffentlichkeitsarbeit " * 2
    contact = make_contact(position=position.strip(), department="Presse, Medien; Veranstaltungen")
    raw = client.get(contact.get_vcard_url()).content
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    assert any(line.startswith(b" ") for line in lines)  # and the long title was folded
    assert b"Kommunikation\\; Presse\\, Social" in raw.replace(b"\r\n ", b"")
    card = vobject.readOne(raw.decode())
    assert card.title.value == position.strip()
    assert card.org.value == ["Allianz für die Region GmbH", "Presse, Medien; Veranstaltungen"]


def test_vcard_leaves_out_what_is_not_known(client, make_contact):
    contact = make_contact(fax="", mobile="", position="")
    card = vobject.readOne(client.get(contact.get_vcard_url()).content.decode())
    assert [tel.params["TYPE"] for tel in card.tel_list] == [["WORK", "VOICE"]]
    assert "title" not in card.contents


@pytest.mark.parametrize(
    "url", ["/pressekontakt/niemand.vcf", "/pressekontakt/erika-beispiel-1", "/pressekontakt/x/"]
)
def test_unknown_contact_addresses_get_a_german_404(client, make_contact, url):
    make_contact()
    assert_german_404(client.get(url))


def test_inactive_contact_has_no_vcard(client, make_contact):
    contact = make_contact(is_active=False)
    assert client.get(contact.get_vcard_url()).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_contact_page_costs_one_query_for_3_or_30_contacts(
    client, make_contact, count, django_assert_num_queries
):
    for _ in range(count):
        make_contact()
    with django_assert_num_queries(1):
        page(client, "/pressekontakt/")
