from django import template

from .. import dashboard

register = template.Library()


@register.inclusion_tag("admin/includes/press_dashboard.html", takes_context=True)
def press_dashboard(context):
    """The start page's lists for the logged-in staff member (releases/dashboard.py)."""
    user = context["request"].user
    return {
        "sections": dashboard.sections(user),
        "mailings": dashboard.recent_mailings(user),
        "can_add": user.has_perm("releases.add_pressrelease"),
    }
