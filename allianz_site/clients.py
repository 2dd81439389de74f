"""Who is asking: the client's address, for the login throttle and the alert form's rate limit.

One rule for both, so that behind the reverse proxy neither counts the proxy as the client.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address as text, or "" when there is none that parses.

    Behind the reverse proxy (DJANGO_BEHIND_PROXY=1) every request comes from the proxy; the
    client is the address the proxy appended last to X-Forwarded-For (nginx:
    `$proxy_add_x_forwarded_for`). Entries before it were sent by the client and prove nothing.
    Without the proxy setting X-Forwarded-For is not looked at.

    django-axes asks this function too (AXES_CLIENT_IP_CALLABLE) and stores the answer in an IP
    address column: hence only a valid address, or "" (stored as empty).
    """
    value = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        value = hops[-1] or value
    try:
        return str(ipaddress.ip_address(value.partition("%")[0]))  # without a zone ("%eth0")
    except ValueError:
        return ""


def client_address(request):
    """The client as a rate limit counts it: its IPv4 address, or its IPv6 /64 block (the block
    one customer usually gets, so that hopping between its addresses does not help)."""
    value = client_ip(request)
    if not value:
        return "unbekannt"
    address = ipaddress.ip_address(value)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return value
