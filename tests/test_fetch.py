"""HTTP fetching against a real server on 127.0.0.1: validators, redirects, limits, errors."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from summaries.fetch import FetchError, fetch, make_client

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def test_conditional_get_etag_and_last_modified(httpserver: HTTPServer) -> None:
    modified = "Wed, 01 May 2024 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(
            FEED,
            headers={"ETag": '"v1"', "Last-Modified": modified},
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = fetch(httpserver.url_for("/feed"))
    assert first.status == 200 and first.content == FEED
    assert first.etag == '"v1"' and first.last_modified == modified
    assert first.content_type == "application/rss+xml"
    second = fetch(httpserver.url_for("/feed"), etag=first.etag, last_modified=modified)
    assert second.not_modified and second.content == b""
    request, _ = httpserver.log[-1]
    assert request.headers["If-Modified-Since"] == modified


def test_permanent_redirect_reports_the_new_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": "/new"})
    )
    httpserver.expect_request("/new").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/old"))
    assert result.content == FEED
    assert result.permanent_url == httpserver.url_for("/new")


def test_temporary_redirect_keeps_the_old_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/tmp").respond_with_response(
        Response(status=302, headers={"Location": "/new"})
    )
    httpserver.expect_request("/new").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/tmp"))
    assert result.content == FEED and result.permanent_url is None


def test_redirect_loop_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_response(
        Response(status=302, headers={"Location": "/loop"})
    )
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(httpserver.url_for("/loop"))


def test_gzip_is_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gz").respond_with_response(
        Response(gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    )
    assert fetch(httpserver.url_for("/gz")).content == FEED


def test_charset_from_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/latin").respond_with_data(
        "Café".encode("latin-1"), content_type="text/xml; charset=ISO-8859-1"
    )
    result = fetch(httpserver.url_for("/latin"))
    assert result.charset == "iso-8859-1" and result.content_type == "text/xml"


def test_fifty_megabyte_stream_is_cut_off(httpserver: HTTPServer) -> None:
    chunk = b"x" * (1 << 20)

    def endless() -> Iterator[bytes]:
        for _ in range(50):
            yield chunk

    httpserver.expect_request("/huge").respond_with_response(Response(endless()))
    started = time.monotonic()
    with pytest.raises(FetchError, match="too large") as caught:
        fetch(httpserver.url_for("/huge"), max_bytes=2 << 20)
    assert not caught.value.transient
    assert time.monotonic() - started < 10


def test_declared_length_over_the_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"y" * 5000)
    with pytest.raises(FetchError, match="5,000 bytes"):
        fetch(httpserver.url_for("/big"), max_bytes=1000)


def test_gzip_bomb_is_capped_on_decoded_size(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * (5 << 20))
    httpserver.expect_request("/bomb").respond_with_response(
        Response(bomb, headers={"Content-Encoding": "gzip"})
    )
    with pytest.raises(FetchError, match="too large"):
        fetch(httpserver.url_for("/bomb"), max_bytes=1 << 20)


@pytest.mark.parametrize(
    ("status", "transient"), [(404, False), (410, False), (500, True), (503, True), (429, True)]
)
def test_http_errors(httpserver: HTTPServer, status: int, transient: bool) -> None:
    httpserver.expect_request("/err").respond_with_data("nope", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status}") as caught:
        fetch(httpserver.url_for("/err"))
    assert caught.value.transient is transient
    assert caught.value.status == status


def test_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(FEED)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with make_client(timeout=0.3) as client, pytest.raises(FetchError, match="timed out"):
        fetch(httpserver.url_for("/slow"), client=client)


def test_unreachable_host() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="cannot reach"):
        fetch(f"http://127.0.0.1:{port}/feed")


def test_unsupported_scheme() -> None:
    with pytest.raises(FetchError, match="unsupported URL"):
        fetch("ftp://127.0.0.1/feed")


def test_retry_after_is_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    with pytest.raises(FetchError) as caught:
        fetch(httpserver.url_for("/busy"))
    assert caught.value.transient and caught.value.retry_after == 120.0
