"""The visitor's real address, the one thing login lockout and rate limits must not get wrong.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each proxy appends the address of the client it
received the request from to ``X-Forwarded-For``. The real client is therefore the N-th address
from the right: whatever lies further left was written by the client and may be forged. With no
proxy (the default), ``X-Forwarded-For`` is ignored and ``REMOTE_ADDR`` is the client.

A hand-written rule rather than django-ipware: ipware's ``proxy_count`` expects the proxies' own
addresses in the header too, which is not what nginx or Caddy send by default, and it answers
``None`` rather than the client when the count does not match.
"""

from ipaddress import ip_address

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part]
    if len(forwarded) < count:
        # The request did not come through every trusted proxy: only the peer is known.
        return remote
    return _valid(forwarded[-count]) or remote


def client_fingerprint(request) -> str:
    """The client's address as a keyed digest: enough to count one address's submissions (rate
    limits) without storing the address itself."""
    from django.utils.crypto import salted_hmac

    return salted_hmac("cooperations.client", client_address(request)).hexdigest()[:32]
