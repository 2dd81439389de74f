"""The mail of a release: the whole text as HTML (CSS inlined by css-inline, for mail programs
that drop <style>) and as plain text, for the press list and the alert subscribers alike.

No remote images, no tracking pixel, no rewritten links: the mail links to the release page, its
images and its press kit; under embargo those are the recipient's own embargo links.
"""

from email.utils import formataddr

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..presskit import html_to_text


def public_links(release):
    site = settings.SITE_URL
    kwargs = release.url_kwargs()
    return {
        "page": site + release.get_absolute_url(),
        "press_kit": site + release.get_press_kit_url(),
        "image": lambda pk: site + reverse("releases:image", kwargs={**kwargs, "pk": pk}),
        "attachment": lambda pk: site + reverse("releases:attachment", kwargs={**kwargs, "pk": pk}),
    }


def embargo_links(link):
    site, token = settings.SITE_URL, link.token
    return {
        "page": site + link.get_absolute_url(),
        "press_kit": site + reverse("releases:embargo_press_kit", args=[token]),
        "image": lambda pk: site + reverse("releases:embargo_image", args=[token, pk]),
        "attachment": lambda pk: site + reverse("releases:embargo_attachment", args=[token, pk]),
    }


def subject(release):
    if release.is_embargoed:
        until = timezone.localtime(release.publish_at)
        return f"SPERRFRIST {until:%d.%m.%Y, %H:%M} Uhr – {release.title}"
    return f"Pressemitteilung: {release.title}"


def release_mail(release, *, to, links, unsubscribe_url, reason, name="", connection=None):
    """The mail of `release` to one address. `links` come from public_links or embargo_links;
    `reason` says in the footer why the reader gets it. The release's images, attachments,
    projects and contacts should be prefetched when many mails are made."""
    images = [{"image": image, "url": links["image"](image.pk)} for image in release.images.all()]
    attachments = [
        {"attachment": item, "url": links["attachment"](item.pk)}
        for item in release.attachments.all()
    ]
    context = {
        "release": release,
        "embargo_until": release.publish_at if release.is_embargoed else None,
        "body_text": html_to_text(release.body),
        "images": images,
        "attachments": attachments,
        "projects": list(release.projects.all()),
        "contacts": [contact for contact in release.contacts.all() if contact.is_active],
        "links": links,
        "unsubscribe_url": unsubscribe_url,
        "reason": reason,
    }
    html = css_inline.inline(render_to_string("mail/release.html", context))
    message = EmailMultiAlternatives(
        subject=" ".join(subject(release).split()),
        body=render_to_string("mail/release.txt", context),
        to=[formataddr((name, to)) if name else to],
        connection=connection,
        headers={
            # RFC 8058: mail programs offer "Abbestellen" and POST to the address themselves.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
