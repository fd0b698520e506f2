"""Canonical URLs: the same page through different links is one URL."""

from __future__ import annotations

import pytest

from summaries.errors import InputError
from summaries.urls import canonical_url, is_http_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://Example.COM/News/Story?utm_source=rss&utm_medium=feed#comments",
            "https://example.com/News/Story",
        ),
        ("http://example.com:80/a//b/?b=2&a=1&fbclid=XYZ", "http://example.com/a/b/?a=1&b=2"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://user:pw@example.com/x", "https://example.com/x"),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://bücher.de/x", "https://xn--bcher-kva.de/x"),
        ("  https://example.com/a?id=7&empty=&gclid=1  ", "https://example.com/a?id=7"),
        ("https://example.com./a", "https://example.com/a"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTPS://Example.com//x/y?b=1&a=%20z&utm_campaign=c#top")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    "raw",
    ["ftp://example.com/x", "example.com/x", "javascript:alert(1)", "", "http://", "http://[::1"],
)
def test_rejects_non_http(raw: str) -> None:
    assert not is_http_url(raw) or raw == "http://[::1"
    with pytest.raises(InputError):
        canonical_url(raw)


def test_rejects_overlong() -> None:
    with pytest.raises(InputError, match="too long"):
        canonical_url("https://example.com/" + "a" * 3000)
