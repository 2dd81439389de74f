import pytest

from releases.models import Topic
from releases.slugs import slugify_de


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Größere Förderung für Übergänge", "groessere-foerderung-fuer-uebergaenge"),
        ("Straße der Ökonomie", "strasse-der-oekonomie"),
        ("ÄRGER ÜBER ÖLPREIS", "aerger-ueber-oelpreis"),
        ("Fachkräftebündnis Südostniedersachsen", "fachkraeftebuendnis-suedostniedersachsen"),
        ("Café René", "cafe-rene"),
        ("IHK Lüneburg-Wolfsburg: 105.000 Euro!", "ihk-lueneburg-wolfsburg-105000-euro"),
    ],
)
def test_slugs_transliterate_german(title, slug):
    assert slugify_de(title) == slug


def test_release_slug_comes_from_the_title(make_release):
    release = make_release(title="Schöningen und Heeseberg: Abschluss")
    assert release.slug == "schoeningen-und-heeseberg-abschluss"
    assert release.get_absolute_url() == "/presse/2022/03/28/schoeningen-und-heeseberg-abschluss/"


def test_same_title_gets_a_unique_slug(make_release):
    first = make_release(title="Gleicher Titel")
    second = make_release(title="Gleicher Titel")
    third = make_release(title="Gleicher Titel")
    assert [first.slug, second.slug, third.slug] == [
        "gleicher-titel",
        "gleicher-titel-2",
        "gleicher-titel-3",
    ]


def test_editing_the_title_keeps_the_published_address(client, make_release):
    release = make_release(title="Erster Titel")
    url = release.get_absolute_url()
    release.title = "Ganz anderer, korrigierter Titel"
    release.save()
    response = client.get(url)
    assert response.status_code == 200
    assert "Ganz anderer, korrigierter Titel" in response.content.decode()


def test_a_title_without_letters_still_gets_a_slug(make_release):
    assert make_release(title="!!!").slug == "eintrag"


def test_very_long_titles_fit_the_slug_field(make_release):
    release = make_release(title=("Überlange Überschrift " * 11).strip())
    assert 0 < len(release.slug) <= 200


def test_topic_slug(db):
    assert Topic.objects.create(name="Fachkräftesicherung").slug == "fachkraeftesicherung"
