from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from .models import PressContact


class ContactListView(ListView):
    template_name = "contacts/contact_list.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return PressContact.objects.active()


def vcard(request, slug):
    """An active contact as a vCard file, to save in an address book or phone."""
    contact = get_object_or_404(PressContact.objects.active(), slug=slug)
    response = HttpResponse(contact.vcard(), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contact.slug}.vcf"'
    return response
