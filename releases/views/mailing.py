"""Unsubscribing from the press list, from the link in a mailing (or the mail program's RFC 8058
one-click POST)."""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from contacts.models import Suppression

from ..models import MailingDelivery
from .subscriptions import subscription_problem


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class MailingUnsubscribeView(TemplateView):
    """GET asks, POST puts the address on the Sperrliste at once (and deletes what else the
    press list holds about it). The signed token names the delivery, not the address."""

    template_name = "releases/mailing_unsubscribe.html"

    def dispatch(self, request, token):
        self.delivery = MailingDelivery.from_unsubscribe_token(token)
        if self.delivery is None:
            return subscription_problem(request, "unsubscribe_link", status=400)
        response = super().dispatch(request, token=token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_context_data(self, **kwargs):
        email = self.delivery.email  # None once the address opted out and was forgotten
        context = {
            "email": email,
            "done": email is None or Suppression.objects.opted_out().filter(email=email).exists(),
            **kwargs,
        }
        return super().get_context_data(**context)

    def post(self, request, token):
        email = self.delivery.email
        if email:
            Suppression.opt_out(email)  # the delivery forgets the address (MailingDelivery.forget)
        return self.render_to_response(self.get_context_data(email=email, done=True))
