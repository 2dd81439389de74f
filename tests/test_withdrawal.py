"""Withdrawing a published release: its address answers 410 Gone with a short German notice."""

import datetime

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from releases.models import PressRelease

from .helpers import (
    LIST_URL,
    file_addresses,
    page,
    release_form_without_files,
    release_with_every_kind_of_file,
    stored_names,
    withdraw,
)


def test_withdrawn_release_answers_410_with_a_notice_and_leaves_every_list(client, make_release):
    release = withdraw(make_release(title="Falsche Zahlen", attachments=1))
    attachment = release.attachments.get()
    correct = make_release(title="Richtige Zahlen")  # so that the lists have a page to show

    response = client.get(release.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 410
    assert "Diese Pressemitteilung wurde zurückgezogen" in html
    assert "vom 28. März 2022" in html
    assert "Falsche Zahlen" not in html  # the notice does not repeat what was withdrawn
    assert '<meta name="robots" content="noindex">' in html

    for url in ["/", "/presse/", "/presse/2022/", "/presse/2022/03/"]:
        html = page(client, url)
        assert "Richtige Zahlen" in html and "Falsche Zahlen" not in html, url
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert list(PressRelease.objects.published()) == [correct]


def test_release_withdrawn_under_embargo_was_never_public_and_stays_404(client, make_release):
    release = withdraw(make_release(publish_at=timezone.now() + datetime.timedelta(days=1)))
    assert client.get(release.get_absolute_url()).status_code == 404


def test_draft_and_unknown_addresses_stay_404(client, make_release):
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/presse/2022/03/28/gibt-es-nicht/").status_code == 404


def test_republishing_a_withdrawn_release_makes_it_public_again(client, make_release):
    release = withdraw(make_release())
    assert release.withdrawn_at is not None
    release.publish()
    release.save()
    assert release.withdrawn_at is None
    assert client.get(release.get_absolute_url()).status_code == 200


def test_chefredaktion_withdraws_with_the_list_action(as_role, make_release):
    public = make_release()
    draft = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    chief = as_role("Chefredaktion")
    response = chief.post(
        LIST_URL, {"action": "withdraw", "_selected_action": [public.pk, draft.pk]}, follow=True
    )
    assert "1 Mitteilung(en) zurückgezogen" in response.content.decode()
    public.refresh_from_db()
    draft.refresh_from_db()
    assert public.status == PressRelease.Status.WITHDRAWN
    assert draft.status == PressRelease.Status.DRAFT
    assert chief.get(public.get_absolute_url()).status_code == 410


def test_the_withdraw_action_says_what_happens_to_public_and_embargoed_releases(
    as_role, client, make_release
):
    public = make_release()
    embargoed = make_release(publish_at=timezone.now() + datetime.timedelta(days=1))
    chief = as_role("Chefredaktion")
    response = chief.post(
        LIST_URL,
        {"action": "withdraw", "_selected_action": [public.pk, embargoed.pk]},
        follow=True,
    )
    message = str(list(response.context["messages"])[0])
    assert message == (
        "2 Mitteilung(en) zurückgezogen. Öffentlich waren davon 1: Ihre Adresse meldet jetzt, "
        "dass sie zurückgezogen wurde. Unter Sperrfrist standen davon 1: Sie erscheinen nie, "
        "ihre Adresse bleibt „Seite nicht gefunden“. Entwürfe und bereits zurückgezogene "
        "bleiben unverändert."
    )
    client.logout()
    assert client.get(public.get_absolute_url()).status_code == 410
    assert client.get(embargoed.get_absolute_url()).status_code == 404


def test_redaktion_cannot_withdraw(as_role, make_release):
    release = make_release()
    editor = as_role("Redaktion")
    assert 'value="withdraw"' not in editor.get(LIST_URL).content.decode()
    editor.post(LIST_URL, {"action": "withdraw", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.is_public


def test_a_draft_cannot_be_withdrawn_in_the_form(staff_client, topic):
    data = release_form_without_files(topic, status="withdrawn", publish_at_0="", publish_at_1="")
    response = staff_client.post("/admin/releases/pressrelease/add/", data)
    assert response.status_code == 200
    assert "Nur eine veröffentlichte Mitteilung kann zurückgezogen werden." in (
        response.content.decode()
    )
    assert not PressRelease.objects.exists()


# The files of a release follow it: closed the moment it stops being public


@pytest.mark.parametrize(
    "stop_being_public",
    [
        pytest.param(withdraw, id="withdrawn"),
        pytest.param(
            lambda release: setattr(release, "status", "draft") or release.save(), id="unpublished"
        ),
        pytest.param(
            lambda release: (
                setattr(release, "publish_at", timezone.now() + datetime.timedelta(1))
                or release.save()
            ),
            id="embargoed again",
        ),
    ],
)
def test_every_file_of_a_release_closes_when_it_stops_being_public(
    client, make_release, stop_being_public
):
    release = release_with_every_kind_of_file(make_release)
    urls = file_addresses(page(client, release.get_absolute_url()))
    # image original and three renditions (AVIF where Pillow writes it), attachment, press kit,
    # the image in the text
    assert len(urls) >= 6, urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    stop_being_public(release)
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_no_file_of_a_release_lies_where_nginx_serves_media(client, make_release):
    """/media/ is served as it lies (deploy/nginx-site.conf): a file there cannot be closed."""
    release = release_with_every_kind_of_file(make_release)
    client.get(release.get_press_kit_url())  # the stored press kit too
    names = [*stored_names(release), *(document.file.name for document in release.documents.all())]
    assert [name for name in names if storages["default"].exists(name)] == []
    assert all(storages["protected"].exists(name) for name in names)
