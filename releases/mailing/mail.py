"""The mail of a release: the whole text as HTML (CSS inlined by css-inline, for mail programs
that drop <style>) and as plain text, for the press list and the alert subscribers alike.

No remote images, no tracking pixel, no rewritten links: the mail links to the release page, its
images and its press kit; under embargo those are the recipient's own embargo links.
"""

import logging
import smtplib
from email.utils import formataddr

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..presskit import html_to_text

logger = logging.getLogger(__name__)


def public_links(release):
    site = settings.SITE_URL
    kwargs = release.url_kwargs()
    return {
        "page": site + release.get_absolute_url(),
        "press_kit": site + release.get_press_kit_url(),
        "pdf": site + release.get_pdf_url(),
        "image": lambda pk: site + reverse("releases:image", kwargs={**kwargs, "pk": pk}),
        "attachment": lambda pk: site + reverse("releases:attachment", kwargs={**kwargs, "pk": pk}),
    }


def embargo_links(link):
    site, token = settings.SITE_URL, link.token
    return {
        "page": site + link.get_absolute_url(),
        "press_kit": site + reverse("releases:embargo_press_kit", args=[token]),
        "pdf": site + reverse("releases:embargo_pdf", args=[token]),
        "image": lambda pk: site + reverse("releases:embargo_image", args=[token, pk]),
        "attachment": lambda pk: site + reverse("releases:embargo_attachment", args=[token, pk]),
    }


def subject(release):
    if release.is_embargoed:
        until = timezone.localtime(release.publish_at)
        return f"SPERRFRIST {until:%d.%m.%Y, %H:%M} Uhr – {release.title}"
    return f"Pressemitteilung: {release.title}"


def release_context(release, links):
    """One release as the mail templates show it (mail/_release.html, mail/_release.txt). The
    release's images, attachments, projects and contacts should be prefetched when many mails
    are made."""
    return {
        "release": release,
        "body_text": html_to_text(release.body),
        "images": [
            {"image": image, "url": links["image"](image.pk)} for image in release.images.all()
        ],
        "attachments": [
            {"attachment": item, "url": links["attachment"](item.pk)}
            for item in release.attachments.all()
        ],
        "projects": list(release.projects.all()),
        "contacts": [contact for contact in release.contacts.all() if contact.is_active],
        "links": links,
    }


def mail_of(template, subject_line, context, *, to, unsubscribe_url, name="", connection=None):
    """HTML (CSS inlined) and plain text from mail/<template>.html and .txt, with the RFC 8058
    unsubscribe headers."""
    context = {**context, "unsubscribe_url": unsubscribe_url}
    html = css_inline.inline(render_to_string(f"mail/{template}.html", context))
    message = EmailMultiAlternatives(
        subject=" ".join(subject_line.split()),
        body=render_to_string(f"mail/{template}.txt", context),
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


def release_mail(release, *, to, links, unsubscribe_url, reason, name="", connection=None):
    """The mail of `release` to one address. `links` come from public_links or embargo_links;
    `reason` says in the footer why the reader gets it."""
    context = {
        "release": release,
        "item": release_context(release, links),
        "embargo_until": release.publish_at if release.is_embargoed else None,
        "reason": reason,
    }
    return mail_of(
        "release",
        subject(release),
        context,
        to=to,
        name=name,
        unsubscribe_url=unsubscribe_url,
        connection=connection,
    )


def digest_subject(releases, day):
    if len(releases) == 1:
        return f"Pressemitteilungen vom {day:%d.%m.%Y}: {releases[0].title}"
    return f"Pressemitteilungen vom {day:%d.%m.%Y}: {len(releases)} neue Mitteilungen"


def digest_mail(releases, *, day, to, unsubscribe_url, reason, connection=None):
    """The daily digest: every release in full, one after the other, in one mail (public
    releases only, so with their public links)."""
    context = {
        "day": day,
        "items": [release_context(release, public_links(release)) for release in releases],
        "reason": reason,
    }
    return mail_of(
        "digest",
        digest_subject(releases, day),
        context,
        to=to,
        unsubscribe_url=unsubscribe_url,
        connection=connection,
    )


def send_claimed(delivery, message, connection, sent, what):
    """Send the mail of a claimed delivery (AlertDelivery, DigestDelivery) and note the outcome:
    True once sent; a refused address is given back for the next run (the others still go out);
    an unreachable server gives it back too and ends the run with CommandError. `sent` and
    `what` ("Benachrichtigung(en)") only word that error."""
    try:
        connection.open()  # connects on the first mail only
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        delivery.give_back(error)
        logger.warning("%s an %s abgelehnt: %s", what, delivery, error)
        return False
    except (smtplib.SMTPException, OSError) as error:
        delivery.give_back(error)
        raise CommandError(
            f"Mailserver nicht erreichbar ({error}); {sent} {what} versendet, die übrigen folgen "
            "beim nächsten Lauf."
        ) from error
    delivery.mark_sent()
    return True
