"""The client's address, the same for the lockout and the audit trail."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """REMOTE_ADDR; behind ``CASEMGMT_PROXY_COUNT`` trusted proxies, the address the outermost
    of them saw: the Nth from the right of X-Forwarded-For, since each proxy appends the
    address it received from. Anything to the left of it the client may have written."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.CASEMGMT_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote  # a request that did not come through every proxy
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def lockout_address(request: HttpRequest | None) -> str:
    """The address the lockout counts (``AXES_CLIENT_IP_CALLABLE``): an IPv6 client by its
    /64 network, written as the network's first address (``2001:db8:1:2::``), since one
    machine commonly holds a whole /64 and could change address at every guess. IPv4 and
    IPv4-mapped clients count by their address. The audit trail keeps the full address."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
