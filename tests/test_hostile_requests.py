"""Generated hostile requests (hypothesis): no public page ever answers with a server error.

The URL patterns come from Django's URL resolver itself: every pattern outside the admin and the
editor's upload gets at least 200 requests. Each path part is the real value of an existing object
(real_values()), a value of the right shape for its converter (four digits for <yyyy:year>) or
garbage; query strings, headers, methods and bodies are random. A page added later is fuzzed
without anyone listing it, and test_every_public_pattern_is_reached_with_real_values fails until
real_values() says how to reach it with real data.
"""

import datetime
import re
import string
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Subscription, SubscriptionRequest
from releases.models import (
    EditorImage,
    EmbargoLink,
    Mailing,
    MailingDelivery,
    ManagementPortrait,
    Organisation,
    ReviewLink,
)

from .helpers import image_upload, png_bytes

EXAMPLES_PER_PATTERN = 200

# Not public: the admin (staff only, behind the login throttle) and everything of the rich-text
# editor (staff only); uploads are served by nginx (deploy/nginx-site.conf), by Django only in
# development.
NOT_PUBLIC = ("admin/", "ckeditor5/", django_settings.MEDIA_URL.lstrip("/"))
# Fuzzed as well: the editor's image upload (must refuse strangers cleanly) and unknown pages.
EXTRA_ROUTES = {
    "editor upload": "ckeditor5/image_upload/",
    "unknown pages": "<str:first>/<str:second>/",
}


TRICKY_SEGMENTS = [
    "..",
    "%2e%2e",
    "%00",
    "%ff%fe",
    "%C0%AE",
    "%0d%0aSet-Cookie:%20x=y",
    ";jsessionid=1",
    "%25",
    "%",
    "~",
    "a" * 300,
    "0000",
    "9999",
    "-1",
    "00",
    "99",
    "%E2%80%AE",
    "%F0%9F%98%80",
    "<script>",
]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
latin1_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80)


def segment():
    return st.one_of(
        st.sampled_from(TRICKY_SEGMENTS),
        text.map(lambda value: quote(value, safe="")),
        st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=20),
    )


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def digits(width):
    return st.integers(0, 10**width - 1).map(lambda n: f"{n:0{width}d}")


# Values of the right shape for each path converter (the garbage of segment() comes on top).
SHAPES = {
    "yyyy": digits(4),
    "mm": st.one_of(digits(2), digits(1)),
    "int": st.one_of(st.integers(-(2**70), 2**70).map(str), digits(3)),
    "slug": st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
    "str": segment(),
    "path": st.lists(segment(), min_size=1, max_size=4).map("/".join),
    "uuid": st.uuids().map(str),
}


def paths(route, converters, real, address=None):
    """The route with each <converter:name> filled in: the real value (when `real` has one), one
    of the right shape, or garbage; or else the whole real `address`."""
    parts, position = [], 0
    for match in PARAMETER.finditer(route):
        parts.append(st.just(route[position : match.start()]))
        choices = [SHAPES[match["converter"] or "str"], segment()]
        if match["name"] in real:
            value = converters[match["name"]].to_url(real[match["name"]])
            choices.insert(0, st.just(str(value)))
        parts.append(st.one_of(choices))
        position = match.end()
    parts.append(st.just(route[position:]))
    mixed = st.tuples(*parts).map(lambda values: "/" + "".join(values))
    return st.one_of(st.just(address), mixed) if address else mixed


query_strings = st.one_of(
    st.just(""),
    st.dictionaries(
        st.sampled_from(["page", "q", "jahr", "topic", "year", "month", "_", "next", "format"])
        | text,
        st.one_of(text, st.integers(-(2**70), 2**70).map(str)),
        max_size=4,
    ).map(urlencode),
    latin1_text.map(lambda value: quote(value, safe="=&%+")),
)

HEADER_NAMES = [
    "HTTP_ACCEPT",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_ACCEPT_ENCODING",
    "HTTP_COOKIE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_ORIGIN",
]
cookies = st.one_of(
    latin1_text,
    # A well-formed CSRF cookie lets a POST get as far as reading its body.
    st.text(alphabet=string.ascii_letters + string.digits, min_size=32, max_size=32).map(
        lambda token: f"csrftoken={token}; sessionid={token}"
    ),
)
headers = st.tuples(
    st.dictionaries(st.sampled_from(HEADER_NAMES), latin1_text, max_size=5),
    st.one_of(st.none(), cookies),
).map(lambda pair: {**pair[0], **({"HTTP_COOKIE": pair[1]} if pair[1] is not None else {})})
methods = st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
bodies = st.tuples(
    st.binary(max_size=300),
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "application/json",
            "text/plain; charset=utf-7",
            "",
        ]
    ),
)


def public_patterns(patterns=None, prefix="", namespace="", converters=None):
    """{name: (route, converters)} of every public URL pattern, as the resolver sees them."""
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(NOT_PUBLIC):
            continue
        known = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            found |= public_patterns(entry.url_patterns, route, entry.namespace or namespace, known)
        else:
            found[f"{namespace}:{entry.name}" if namespace else entry.name] = (route, known)
    return found


PUBLIC_PATTERNS = public_patterns()
FUZZED = {**PUBLIC_PATTERNS, **{name: (route, {}) for name, route in EXTRA_ROUTES.items()}}


SMALLEST_JPEG = {"width": 40, "kind": "jpeg"}  # the images of make_release are 40 pixels wide


def text_image(release):
    image = release.editor_images.get()
    return {"key": image.key, "name": image.filename}


def with_text_image(release):
    """The release with an image in its text, as uploaded in the editor."""
    image = EditorImage()
    image.file.save("grafik.png", ContentFile(png_bytes()))
    release.body = f'<p>Text</p><img src="{image.get_absolute_url()}" alt="Grafik">'
    release.save()
    return release


def real_values(world):
    """The path parts of each public pattern for existing objects: the page a visitor gets."""
    release, project, link = world["release"], world["project"], world["embargo_link"]
    review = world["review_link"]
    day = release.url_kwargs()
    in_release = {**day, "pk": release.attachments.get().pk}
    return {
        "sitemap": {},
        "sitemap_section": {"section": "pressemitteilungen"},
        "robots": {},
        "impressum": {},
        "datenschutz": {},
        "barrierefreiheit": {},
        "releases:home": {},
        "releases:archive": {},
        "releases:archive_year": {"year": day["year"]},
        "releases:archive_month": {"year": day["year"], "month": day["month"]},
        "releases:detail": day,
        "releases:attachment": in_release,
        "releases:image": {**day, "pk": release.images.get().pk},
        "releases:image_rendition": {**day, "pk": release.images.get().pk, **SMALLEST_JPEG},
        "releases:text_image": text_image(release),
        "releases:press_kit": day,
        "releases:pdf": day,
        "releases:preview": {"pk": world["draft"].pk},  # staff only: the login page answers
        "releases:feed": {},
        "releases:topic_feed": {"slug": world["topic"].slug},
        "releases:project_feed": {"slug": project.slug},
        "releases:embargo": {"token": link.token},
        "releases:embargo_image": {"token": link.token, "pk": link.release.images.get().pk},
        "releases:embargo_image_rendition": {
            "token": link.token,
            "pk": link.release.images.get().pk,
            **SMALLEST_JPEG,
        },
        "releases:embargo_text_image": {"token": link.token, **text_image(link.release)},
        "releases:embargo_attachment": {
            "token": link.token,
            "pk": link.release.attachments.get().pk,
        },
        "releases:embargo_press_kit": {"token": link.token},
        "releases:embargo_pdf": {"token": link.token},
        "releases:review": {"token": review.token},
        "releases:review_image": {"token": review.token, "pk": review.release.images.get().pk},
        "releases:review_attachment": {
            "token": review.token,
            "pk": review.release.attachments.get().pk,
        },
        "releases:review_press_kit": {"token": review.token},
        "releases:review_image_rendition": {
            "token": review.token,
            "pk": review.release.images.get().pk,
            **SMALLEST_JPEG,
        },
        "releases:review_text_image": {"token": review.token, **text_image(review.release)},
        "releases:review_pdf": {"token": review.token},
        "releases:subscribe": {},
        "releases:subscribe_sent": {},
        "releases:subscribe_confirm": {
            "token": SubscriptionRequest.make("neu@example.org", topics=[])
        },
        "releases:unsubscribe": {"token": world["subscription"].unsubscribe_token},
        "releases:mailing_unsubscribe": {"token": world["delivery"].unsubscribe_token},
        "releases:projects": {},
        "releases:project": {"slug": project.slug},
        "releases:event_ics": {"slug": project.slug, "pk": world["event"].pk},
        "releases:shareholders": {},
        "releases:partner": {"slug": world["partner"].slug},
        "contacts:list": {},
        "contacts:vcard": {"slug": world["contact"].slug},
        "releases:images": {},
        "releases:image_web": {"pk": release.images.get().pk},
        "releases:project_images_zip": {"slug": project.slug},
        "releases:material": {},
        "releases:material_zip": {},
        "releases:fact_sheet_pdf": {},
        "releases:management_photo": {"pk": world["portrait"].pk},
        "releases:contact_photo": {"slug": world["contact"].slug},
    }


@pytest.fixture
def world(make_release, make_project, make_partner, make_contact, topic):
    """One of everything a public page shows, linked as on the real site."""
    project = make_project(areas=1)
    partner = make_partner(is_shareholder=True)
    contact = make_contact(photo=image_upload("portraet.png"), photo_credit="Foto: Erika Beispiel")
    release = with_text_image(make_release(topics=[topic], images=1, attachments=1))
    release.projects.add(project)
    release.partners.add(partner)
    release.contacts.add(contact)
    embargoed = with_text_image(
        make_release(
            images=1, attachments=1, publish_at=timezone.now() + datetime.timedelta(days=2)
        )
    )
    return {
        "release": release,
        "draft": make_release(status="draft", publish_at=None),
        "embargo_link": EmbargoLink.objects.create(release=embargoed, recipient="Verteiler"),
        "review_link": ReviewLink.objects.create(
            release=with_text_image(
                make_release(status="draft", publish_at=None, images=1, attachments=1)
            ),
            name="Anna Muster",
            organisation="IHK Braunschweig",
            email="anna@ihk.example",
        ),
        "topic": topic,
        "project": project,
        "event": project.areas.get().events.get(),
        "partner": partner,
        "contact": contact,
        "portrait": ManagementPortrait.objects.create(
            organisation=Organisation.objects.create(),
            name="Wendelin Göbel",
            photo=image_upload("goebel.png"),
            credit="Foto: Erika Beispiel",
        ),
        "subscription": Subscription.objects.create(
            email="leserin@example.org", confirmed_at=timezone.now()
        ),
        "delivery": MailingDelivery.objects.create(
            mailing=Mailing.objects.create(release=release), email="redaktion@example.org"
        ),
    }


def test_every_public_pattern_is_reached_with_real_values(world, client):
    real = real_values(world)
    missing = sorted(set(PUBLIC_PATTERNS) - set(real))
    assert not missing, f"pages without real_values(): {missing}"
    assert not set(real) - set(PUBLIC_PATTERNS), "real_values() names a pattern that is gone"
    for name, kwargs in real.items():
        url = reverse(name, kwargs=kwargs)
        status = client.get(url).status_code
        assert status == (302 if name == "releases:preview" else 200), url


def test_every_path_part_has_a_strategy():
    for name, (route, _converters) in FUZZED.items():
        for match in PARAMETER.finditer(route):
            assert (match["converter"] or "str") in SHAPES, (name, route)


@pytest.mark.parametrize("name", FUZZED, ids=FUZZED)
def test_no_generated_request_gets_a_server_error(name, world):
    route, converters = FUZZED[name]
    real = real_values(world).get(name, {})
    address = reverse(name, kwargs=real) if name in PUBLIC_PATTERNS else None
    # CSRF is enforced as in production; exceptions in views surface here as they happen.
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    answered = []

    @settings(
        max_examples=EXAMPLES_PER_PATTERN,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=paths(route, converters, real, address),
        query=query_strings,
        method=methods,
        header_values=headers,
        body=bodies,
    )
    def request(path, query, method, header_values, body):
        data, content_type = body
        url = f"{path}?{query}" if query else path
        response = client.generic(method, url, data, content_type, **header_values)
        answered.append(response.status_code)
        assert response.status_code < 500, (method, url, header_values, body)

    request()
    assert len(answered) >= EXAMPLES_PER_PATTERN
    if name in PUBLIC_PATTERNS:
        assert min(answered) < 400  # the real page was reached, not only error pages


@pytest.mark.parametrize("host", ["presse.example.de", "", "böse.example"])
@pytest.mark.parametrize("url", ["/", "/gibt-es-nicht/"])
def test_a_multipart_post_without_boundary_is_refused_not_a_crash(settings, host, url):
    settings.ALLOWED_HOSTS = ["presse.example.de"]
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(url, b"\x00", content_type="multipart/form-data", HTTP_HOST=host)
    assert response.status_code in {400, 403, 404}
    assert "Content-Security-Policy" in response
