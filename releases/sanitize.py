"""
The allow-list for rich text. Every rich-text field runs through `sanitize_html` on save, so the
template may mark the stored HTML safe whatever the editor (or an attacker posting to the admin)
sent. It keeps what CKEditor 5's toolbar (settings.CKEDITOR_5_CONFIGS) produces and nothing else,
and no control characters (allianz_site/text.py).
"""

import nh3
from django.conf import settings

from allianz_site.text import remove_control_characters

from .storage import TEXT_IMAGE_URL_PREFIX

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr",
    "figure", "figcaption", "img",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"figure": {"image", "table"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _keep_attribute(element, attribute, value):
    # Images only from our own media or the images uploaded into texts (EditorImage): a public
    # page never loads anything from another host.
    if element == "img" and attribute == "src":
        ours = value.startswith((settings.MEDIA_URL, TEXT_IMAGE_URL_PREFIX))
        if not ours or value.startswith("//"):
            return None
    return value


def sanitize_html(html):
    if not html:
        return ""
    return nh3.clean(
        remove_control_characters(html, multiline=True),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "noscript"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_keep_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
