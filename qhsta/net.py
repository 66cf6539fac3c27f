"""The client's address, the one way: for throttles, login locking and logs.

Behind reverse proxies the address a request comes from is the last proxy's. Each trusted proxy
appends the address it received the request from to X-Forwarded-For (nginx:
`$proxy_add_x_forwarded_for`), so with TRUSTED_PROXIES = n (env QHSTA_TRUSTED_PROXIES) the
client is the n-th entry from the right; whatever a client wrote further left is its own claim
and ignored. With no trusted proxy, REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # the proxies did not all pass this request on: trust none of it
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
