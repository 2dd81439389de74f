"""Generated hostile requests (hypothesis): no public page ever answers with a server error.

Each public URL pattern gets at least 200 requests with random path parts (sometimes the real
ones of an existing release), query strings, headers, methods and bodies. A page added later is
one more line in PUBLIC_URL_PATTERNS: "{slug}", "{number}" and friends are filled in below.
"""

import string
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES_PER_PATTERN = 200

PUBLIC_URL_PATTERNS = {
    "home": "/",
    "archive": "/presse/",
    "year archive": "/presse/{year}/",
    "month archive": "/presse/{year}/{month}/",
    "release": "/presse/{year}/{month}/{day}/{slug}/",
    "attachment": "/presse/{year}/{month}/{day}/{slug}/anhang/{number}/",
    "preview": "/presse/vorschau/{number}/",
    "editor upload": "/ckeditor5/image_upload/",
    "anything": "/{segment}/{segment}/",
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


def placeholders(release):
    """Real values of an existing release, numbers at the edges, and garbage."""
    day = release.release_date

    def number(width):
        return st.integers(0, 10**width - 1).map(lambda n: f"{n:0{width}d}")

    return {
        "year": st.one_of(st.just(f"{day.year}"), number(4), segment()),
        "month": st.one_of(st.just(f"{day.month:02d}"), number(2), segment()),
        "day": st.one_of(st.just(f"{day.day:02d}"), number(2), segment()),
        "slug": st.one_of(st.just(release.slug), segment()),
        "number": st.one_of(
            st.just(str(release.attachments.get().pk)),
            st.integers(-(2**70), 2**70).map(str),
            segment(),
        ),
        "segment": segment(),
    }


def fill(pattern, values):
    """The pattern with each {name} replaced by a value drawn from its strategy."""
    parts = []
    rest = pattern
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        parts.append(st.just(before))
        parts.append(values[name])
    parts.append(st.just(rest))
    return st.tuples(*parts).map("".join)


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


@pytest.mark.parametrize("pattern", PUBLIC_URL_PATTERNS.values(), ids=PUBLIC_URL_PATTERNS.keys())
def test_no_generated_request_gets_a_server_error(pattern, make_release):
    release = make_release(images=1, attachments=1)
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
        path=fill(pattern, placeholders(release)),
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
    if pattern in {"/", "/presse/"}:
        assert 200 in answered  # the real page was reached, not only error pages


@pytest.mark.parametrize("url", ["/presse/0000/", "/presse/0000/03/", "/presse/2022/00/"])
def test_year_zero_and_month_zero_are_not_found(client, make_release, url):
    make_release()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("host", ["presse.example.de", "", "böse.example"])
@pytest.mark.parametrize("url", ["/", "/gibt-es-nicht/"])
def test_a_multipart_post_without_boundary_is_refused_not_a_crash(settings, host, url):
    settings.ALLOWED_HOSTS = ["presse.example.de"]
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(url, b"\x00", content_type="multipart/form-data", HTTP_HOST=host)
    assert response.status_code in {400, 403, 404}
    assert "Content-Security-Policy" in response
