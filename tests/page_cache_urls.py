"""The site's addresses plus a public page with a form, as the alert subscription will be: such a
page carries a CSRF token for its visitor and must never be cached."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.urls import path

from allianz_site.urls import urlpatterns as site_urlpatterns

RENDERED = []

FORM = Template(
    '<form method="post">{% csrf_token %}<input name="email"><button>Abonnieren</button></form>'
)


def form_page(request):
    RENDERED.append(request.path)
    return HttpResponse(FORM.render(Context({"csrf_token": get_token(request)})))


urlpatterns = [path("formular/", form_page), *site_urlpatterns]
