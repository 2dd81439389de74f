import datetime
import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contacts.models import PressContact
from releases.cache import stop_retrying
from releases.models import (
    Partner,
    PressRelease,
    Project,
    ProjectArea,
    ProjectEvent,
    ReleaseAttachment,
    ReleaseImage,
    Topic,
)

from .helpers import (
    image_upload,
    running_nginx,
)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to temporary folders; static files are served unhashed (no collectstatic)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logins in tests check passwords often; the production hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request builds its page afresh, so query counts count real work; the caches live in
    this process only and start empty. tests/test_page_cache.py switches the page cache on,
    tests/test_counts_cache.py the archive's counts cache."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.COUNTS_CACHE_SECONDS = 0
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ["default", "shared"]
    }
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _no_page_cache_debt():
    """A test that made the page cache fail leaves no thread behind that would replace the
    generation during a later test (releases/cache.py: owe_invalidation)."""
    yield
    stop_retrying()


@pytest.fixture
def make_release(db):
    """A public release unless told otherwise; `topics`, `images` and `attachments` add relations."""
    numbers = itertools.count(1)

    def make(topics=(), images=0, attachments=0, **fields):
        number = next(numbers)
        values = {
            "title": f"Mitteilung Nummer {number}",
            "place": "Braunschweig",
            "release_date": datetime.date(2022, 3, 28),
            "lead": "Das Wichtigste in zwei Sätzen.",
            "body": "<p>Der Text.</p>",
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": timezone.now() - datetime.timedelta(hours=1),
            **fields,
        }
        release = PressRelease.objects.create(**values)
        release.topics.set(topics)
        for order in range(images):
            ReleaseImage.objects.create(
                release=release,
                image=image_upload(),
                caption=f"Bildunterschrift {order}",
                credit="Foto: Erika Beispiel",
                alt_text="Menschen bei einer Veranstaltung",
                order=order,
            )
        for order in range(attachments):
            ReleaseAttachment.objects.create(
                release=release,
                file=SimpleUploadedFile("steckbrief.pdf", b"%PDF-1.4\n%demo\n"),
                title=f"Steckbrief {order}",
                order=order,
            )
        return release

    return make


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Fachkräftesicherung")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        "redakteurin", password="ein-langes-passwort-1", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def as_role(client, django_user_model):
    """`as_role("Redaktion")`: the client, logged in as a new staff member of that group."""

    def log_in(group_name):
        user = django_user_model.objects.create_user(
            group_name.lower(), password="ein-langes-passwort-1", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def helmstedt_release(make_release, topic):
    """A public release with a topic and two images, published on 28.03.2022 at 10:00 in
    Berlin: what a feed, the metadata and the JSON-LD of a release page describe."""
    return make_release(
        title="Abschluss in Helmstedt",
        place="Helmstedt",
        lead="Zwei Jahre lang haben Betriebe aus Schöningen zusammengearbeitet.",
        topics=[topic],
        images=2,
        publish_at=timezone.make_aware(datetime.datetime(2022, 3, 28, 10, 0)),
    )


@pytest.fixture
def make_contact(db):
    numbers = itertools.count(1)

    def make(**fields):
        number = next(numbers)
        values = {
            "first_name": "Erika",
            "last_name": f"Beispiel{number}",
            "slug": f"erika-beispiel-{number}",
            "position": "Pressesprecherin",
            "department": "Kommunikation",
            "phone": "+49 (0)531/1218-154",
            "fax": "+49 (0)531/1218-124",
            "mobile": "+49 (0)173/5406110",
            "email": f"erika{number}@example.org",
            "order": number,
            **fields,
        }
        return PressContact.objects.create(**values)

    return make


@pytest.fixture
def make_partner(db):
    numbers = itertools.count(1)

    def make(**fields):
        return Partner.objects.create(**{"name": f"Partner Nummer {next(numbers)}", **fields})

    return make


@pytest.fixture
def make_project(db):
    """A running project; `areas` adds that many areas with one event each (`event_at`)."""
    numbers = itertools.count(1)

    def make(areas=0, event_at=None, **fields):
        number = next(numbers)
        values = {
            "name": f"Projekt Nummer {number}",
            "summary": "Betriebe gewinnen gemeinsam Fachkräfte.",
            "status": Project.Status.RUNNING,
            **fields,
        }
        project = Project.objects.create(**values)
        for order in range(areas):
            area = ProjectArea.objects.create(project=project, name=f"Raum {order}", order=order)
            ProjectEvent.objects.create(
                area=area,
                title=f"Treffen im Raum {order}",
                starts_at=event_at or timezone.now() + datetime.timedelta(days=7),
                place=f"Rathaus {order}",
            )
        return project

    return make


@pytest.fixture
def chief(client, people):
    """The test's client, logged in as the member of the Chefredaktion (people["chefin"])."""
    client.force_login(people["chefin"][0])
    return client


@pytest.fixture
def editor_client(people):
    """A second browser: the member of the Redaktion (people["redakteur"])."""
    return people["redakteur"][1]


@pytest.fixture
def nginx_app():
    """The address nginx passes pages to (`upstream presse_app`). Nothing listens there: nginx
    answers /media/ itself. tests/test_nginx_proxy_cache.py puts a stand-in app there."""
    return "127.0.0.1:9"


@pytest.fixture
def nginx(tmp_path, nginx_app):
    """nginx alone; yields its address and a folder of uploads under /media/presse/4f1c/."""
    with running_nginx(tmp_path, app=nginx_app) as address:
        yield address, tmp_path / "media/presse/4f1c"


@pytest.fixture
def site(tmp_path, live_server, settings):
    """nginx in front of the app (pytest-django's live server), set up as in production: the
    app hands the sending of release files to nginx (X-Accel-Redirect)."""
    settings.PROTECTED_MEDIA_ACCEL = "/_protected-media/"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # nginx passes the host it was asked for
    with running_nginx(tmp_path, app=live_server.url.removeprefix("http://")) as address:
        yield address


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Changes made inside `with committed():` are committed as far as the cache can tell (the
    test's transaction is never committed, so its on_commit callbacks run here)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(django_user_model):
    """A member of each role, each with a browser (a client) of their own."""
    from django.test import Client

    made = {}
    for username, first_name, group in [
        ("redakteur", "Redakteur", "Redaktion"),
        ("chefin", "Clara", "Chefredaktion"),
    ]:
        user = django_user_model.objects.create_user(
            username,
            password="ein-langes-passwort-1",
            is_staff=True,
            email=f"{username}@allianz.example",
            first_name=first_name,
        )
        user.groups.add(Group.objects.get(name=group))
        browser = Client()
        browser.force_login(user)
        made[username] = (user, browser)
    return made


@pytest.fixture
def authored_draft(make_release, people):
    """A draft that a member of the Redaktion (people["redakteur"]) wrote."""
    return make_release(
        title="Gemeinsam mit der IHK",
        status=PressRelease.Status.DRAFT,
        publish_at=None,
        created_by=people["redakteur"][0],
    )
