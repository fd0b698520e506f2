"""Canonical article URLs, so one page reached through different links is stored once.

Feeds and share buttons decorate links with tracking parameters, fragments, default ports
and mixed-case hosts. `canonical_url` removes what never changes the page and keeps what
might (path case, the order-independent set of real query parameters).
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from summaries.errors import InputError

__all__ = ["canonical_url", "is_http_url"]

MAX_URL_LENGTH = 2048

# Parameters that identify a campaign or a click, never the page itself.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "piwik_", "matomo_", "hsa_", "vero_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "ito",
        "icid",
        "wt_mc",
        "wt.mc_id",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "rss",
        "feed",
        "from",
        "share",
        "smid",
        "sr_share",
        "xtor",
        "spm",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLASHES = re.compile(r"/{2,}")


def is_http_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host: the only kind newsbot fetches."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def canonical_url(url: str) -> str:
    """Normalise an http(s) URL for identity comparisons.

    Lowercases scheme and host (IDN hosts become punycode), drops default ports, userinfo,
    fragments, tracking parameters (``utm_*``, ``fbclid``, ...) and empty query values,
    sorts the remaining parameters, collapses duplicate slashes and re-quotes the path
    consistently. The path keeps its case: servers may treat it as significant.

    Raises:
        InputError: not an absolute http(s) URL, or longer than 2048 characters.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as error:
        raise InputError(f"Not a valid URL: {raw[:200]!r} ({error}).") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InputError(f"Not an http(s) URL: {raw[:200]!r}.")
    host = parts.hostname.rstrip(".").lower()
    with contextlib.suppress(UnicodeError):  # else keep it; it still identifies the page
        host = host.encode("idna").decode("ascii")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _SLASHES.sub("/", parts.path) or "/"
    path = quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if value and not _is_tracking(key)
        ),
        quote_via=quote,
    )
    result = urlunsplit((scheme, netloc, path, query, ""))
    if len(result) > MAX_URL_LENGTH:
        raise InputError(f"URL is too long ({len(result)} characters; limit {MAX_URL_LENGTH}).")
    return result


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)
