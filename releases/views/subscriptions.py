import logging
import smtplib

from django.core.mail import send_mail
from django.db import DatabaseError, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from allianz_site.clients import client_address
from contacts.models import RateLimitCounter, Subscription, SubscriptionRequest

from ..forms import SubscriptionForm
from ..models import (
    Project,
    Topic,
)

logger = logging.getLogger(__name__)


# E-mail alerts: subscribe (double opt-in), confirm, unsubscribe. The subscription itself lives in
# the contacts app; these pages are here because a subscription is about topics and projects.

# The limits count in the database (contacts.RateLimitCounter), where page traffic cannot evict
# them and every process sees the same numbers, also while Redis is away.
SUBSCRIBE_LIMIT_PER_CLIENT = (10, 60 * 60)  # requests per hour from one address or IPv6 /64
SUBSCRIBE_LIMIT_PER_ADDRESS = (3, 24 * 60 * 60)  # confirmation mails per day to one address


def address_key(email):
    """The per-address counter's key: a keyed hash, so the table does not hold the address."""
    return "address:" + salted_hmac("alerts.address", email).hexdigest()


def subscription_problem(request, problem, status):
    response = render(
        request, "releases/subscription_problem.html", {"problem": problem}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class SubscribeView(FormView):
    template_name = "releases/subscribe.html"
    form_class = SubscriptionForm

    def form_valid(self, form):
        email = Subscription.normalize(form.cleaned_data["email"])
        try:
            client_over = RateLimitCounter.exceeded(
                f"client:{client_address(self.request)}", *SUBSCRIBE_LIMIT_PER_CLIENT
            )
            address_over = not client_over and RateLimitCounter.exceeded(
                address_key(email), *SUBSCRIBE_LIMIT_PER_ADDRESS
            )
        except DatabaseError:  # fail closed: what cannot be counted is not sent
            logger.exception("Die Zähler des Abonnement-Formulars sind nicht erreichbar.")
            response = subscription_problem(self.request, "cannot_count", status=503)
            response["Retry-After"] = "60"
            return response
        if client_over:
            return subscription_problem(self.request, "too_many", status=429)
        topics, projects = form.cleaned_data["topics"], form.cleaned_data["projects"]
        digest = form.cleaned_data["frequency"] == "daily"
        # Whether the address is new, already subscribed or was asked too often: the answer is
        # the same, so nobody learns through this form who subscribes.
        if not address_over:
            token = SubscriptionRequest.make(
                email,
                topics=[t.slug for t in topics],
                projects=[p.slug for p in projects],
                digest=digest,
            )
            context = {
                "confirm_url": self.request.build_absolute_uri(
                    reverse("releases:subscribe_confirm", args=[token])
                ),
                "topics": [topic.name for topic in topics],
                "projects": [project.name for project in projects],
                "digest": digest,
            }
            try:
                send_mail(
                    render_to_string("releases/mail/confirm_subject.txt").strip(),
                    render_to_string("releases/mail/confirm.txt", context),
                    None,
                    [email],
                )
            except (smtplib.SMTPException, OSError):
                logger.exception("Bestätigungsmail konnte nicht versendet werden.")
                return subscription_problem(self.request, "mail", status=503)
        return redirect("releases:subscribe_sent")


@method_decorator(never_cache, name="dispatch")
class ConfirmSubscriptionView(TemplateView):
    """GET shows what will be subscribed; only the button (POST) subscribes, so that a mail
    scanner opening the link does not give consent on the reader's behalf."""

    template_name = "releases/subscribe_confirm.html"

    def dispatch(self, request, token):
        self.wish = SubscriptionRequest.from_token(token)
        if self.wish is None:  # altered, expired or used
            return subscription_problem(request, "confirm_link", status=400)
        selection = self.wish.selection
        self.topics = list(Topic.objects.public().filter(slug__in=selection.get("topics", [])))
        self.projects = list(
            Project.objects.public().filter(slug__in=selection.get("projects", []))
        )
        chosen = selection.get("topics") or selection.get("projects")
        if chosen and not (self.topics or self.projects):
            return subscription_problem(request, "topics_gone", status=400)
        response = super().dispatch(request, token=token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token never goes to another site; but not "no-referrer": with it, browsers send
        # "Origin: null" with the form's POST and Django's CSRF check refuses the confirmation.
        response["Referrer-Policy"] = "same-origin"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            email=self.wish.email,
            topics=[topic.name for topic in self.topics],
            projects=[project.name for project in self.projects],
            digest=bool(self.wish.selection.get("digest")),
            **kwargs,
        )

    def post(self, request, token):
        with transaction.atomic():
            subscription = self.wish.confirm()
            if subscription is None:  # the same link, confirmed a moment ago
                return subscription_problem(request, "confirm_link", status=400)
            subscription.topics.set(self.topics)
            subscription.projects.set(self.projects)
        return self.render_to_response(
            self.get_context_data(done=True, unsubscribe_token=subscription.unsubscribe_token)
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(TemplateView):
    """GET asks, POST deletes the address with everything about it. The POST needs no CSRF
    token: the signed token in the address is the proof, and mail programs send the RFC 8058
    one-click POST (List-Unsubscribe-Post) without one."""

    template_name = "releases/unsubscribe.html"

    def dispatch(self, request, token):
        pk = Subscription.pk_from_unsubscribe_token(token)
        if pk is None:
            return subscription_problem(request, "unsubscribe_link", status=400)
        # Gone already (a second click): the same "unsubscribed" answer, nothing to delete.
        self.subscription = Subscription.objects.filter(pk=pk).first()
        response = super().dispatch(request, token=token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscription=self.subscription, **kwargs)

    def post(self, request, token):
        email = self.subscription.email if self.subscription else ""
        if self.subscription:
            self.subscription.unsubscribe()
        return self.render_to_response(self.get_context_data(done=True, email=email))
