"""Fetch feeds and pages over HTTP with the limits a long-running bot needs.

newsbot fetches every byte itself (parsers never see a URL): timeouts on connect and read,
a size cap enforced while streaming (a 50 MB or endless response is cut off, not buffered),
gzip/deflate/brotli decoded by httpx, conditional GET with ETag/Last-Modified, and redirects
followed with a note when every hop was permanent so the caller can update the stored URL.
Every failure is a `FetchError` with a message fit for `sources list` and the logs.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

import httpx

from summaries.errors import InputError

__all__ = ["FetchError", "FetchResult", "fetch", "make_client"]

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_REDIRECTS = 8
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; feed reader)"
ACCEPT = (
    "application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
_PERMANENT = {301, 308}


class FetchError(InputError):
    """A fetch failed; `transient` tells the poller whether retrying later may help."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = True,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class FetchResult:
    """What came back: the body (empty on 304) and what the next request needs."""

    url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    permanent_url: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def make_client(*, timeout: httpx.Timeout | float = TIMEOUT) -> httpx.Client:
    """One client per poller: connection reuse, our User-Agent, redirects followed."""
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
    )


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> FetchResult:
    """GET `url` within the limits; 304 comes back as a result, other non-2xx as errors.

    Raises:
        FetchError: unreachable host, timeout, too many redirects, an HTTP error status,
            or a body over `max_bytes` (decoded size, so gzip bombs are caught too).
    """
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    owned = client is None
    http = client or make_client()
    try:
        with http.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 304:
                return _result(url, response, b"")
            if status >= 400:
                raise FetchError(
                    f"HTTP {status} {response.reason_phrase} from {response.url}",
                    transient=status in (408, 425, 429) or status >= 500,
                    status=status,
                    retry_after=_retry_after(response.headers.get("retry-after")),
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"response too large ({int(declared):,} bytes; limit {max_bytes:,})",
                    transient=False,
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(
                        f"response too large (over {max_bytes:,} bytes; download stopped)",
                        transient=False,
                    )
                chunks.append(chunk)
            return _result(url, response, b"".join(chunks))
    except FetchError:
        raise
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects from {url}", transient=False) from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out fetching {url}") from None
    except httpx.DecodingError as error:
        raise FetchError(f"cannot decode the response from {url}: {error}") from None
    except httpx.UnsupportedProtocol:
        raise FetchError(f"unsupported URL: {url}", transient=False) from None
    except httpx.TransportError as error:
        raise FetchError(f"cannot reach {url}: {error or type(error).__name__}") from None
    except httpx.InvalidURL as error:
        raise FetchError(f"invalid URL {url!r}: {error}", transient=False) from None
    finally:
        if owned:
            http.close()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return max(0.0, (moment - dt.datetime.now(dt.UTC)).total_seconds())


def _result(requested: str, response: httpx.Response, content: bytes) -> FetchResult:
    history = response.history
    permanent = None
    if history and all(hop.status_code in _PERMANENT for hop in history):
        permanent = str(response.url)
    content_type = response.headers.get("content-type", "")
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content=content,
        content_type=content_type.split(";")[0].strip().lower(),
        charset=response.charset_encoding,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        permanent_url=permanent,
    )
