"""Metadata of a release page for search engines and social networks: absolute URLs and the
schema.org NewsArticle as JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

PUBLISHER = "Allianz für die Region GmbH"

# As django.utils.html.json_script does: no "<", ">" or "&" in the JSON, so no text (a title
# with "</script>") can end the script element early. json_script itself only writes
# type="application/json"; JSON-LD needs "application/ld+json".
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` with scheme and host of the current request (https://…/presse/…)."""
    return context["request"].build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def picture(context, image, embargo_token=None):
    """ReleaseImage.picture: the page's <picture> with addresses under the release's address, or
    under the embargo link's (`embargo_token`), or on a review page under the review link's
    (the page's `review_token`)."""
    return image.picture(embargo_token, context.get("review_token"))


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, release):
    request = context["request"]
    url = request.build_absolute_uri(release.get_absolute_url())
    organisation = {
        "@type": "Organization",
        "name": PUBLISHER,
        "url": request.build_absolute_uri("/"),
    }
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": release.title,
        "description": release.lead,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": timezone.localtime(release.publish_at).isoformat(),
        "dateModified": timezone.localtime(release.modified_at).isoformat(),
        "dateline": release.place,
        "inLanguage": "de-DE",
        "image": [
            request.build_absolute_uri(image.get_absolute_url()) for image in release.images.all()
        ],
        "keywords": [topic.name for topic in release.topics.all()],
        "author": organisation,
        "publisher": organisation,
    }
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )
