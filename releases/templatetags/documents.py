from django import template

from ..models import Organisation

register = template.Library()


@register.simple_tag
def boilerplate():
    """What stands under every release: the organisation's profile and its shareholders line
    (two queries). `{% boilerplate as about %}` → about.organisation, about.shareholders."""
    organisation = Organisation.objects.current()
    return {"organisation": organisation, "shareholders": organisation.shareholders_line()}
