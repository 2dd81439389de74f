from django import template

from ..cache import remembered
from ..models import Organisation

register = template.Library()


def organisation_and_shareholders():
    organisation = Organisation.objects.current()
    return {"organisation": organisation, "shareholders": organisation.shareholders_line()}


@register.simple_tag
def boilerplate():
    """What stands under every release: the organisation's profile and its shareholders line
    (two queries, kept like the archive's counts: releases.cache.remembered, so that a change of
    the profile or of any partner renews it). `{% boilerplate as about %}` → about.organisation,
    about.shareholders."""
    return remembered("boilerplate", organisation_and_shareholders)
