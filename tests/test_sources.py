"""Sources: the store's bookkeeping, and polling feeds served from 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from summaries.db import upgrade
from summaries.errors import InputError
from summaries.ingest import Ingestor
from summaries.sources import (
    Poller,
    add_source,
    backoff,
    format_source_table,
    ingest_url,
    next_interval,
    poll_forever,
    remove_source,
)
from summaries.store import Store


def test_add_list_remove_source(store: Store) -> None:
    source, created = store.add_source("https://a.example/feed", tags=["Tech", "Welt"])
    assert created and source.default_tags == ("Tech", "Welt") and source.active
    again, created = store.add_source("https://a.example/feed", interval_minutes=60)
    assert not created and again.id == source.id and again.interval_minutes == 60
    listed = store.list_sources()
    assert [(s.url, s.article_count) for s in listed] == [("https://a.example/feed", 0)]
    assert store.find_source(str(source.id)) == store.find_source("https://a.example/feed")
    assert store.remove_source(source.id)
    assert not store.remove_source(source.id)
    assert store.list_sources() == []


def test_claim_due_sources_leases_each_once(store: Store) -> None:
    source, _ = store.add_source("https://b.example/feed")
    now = dt.datetime.now(dt.UTC)
    assert [s.id for s in store.claim_due_sources(now=now)] == [source.id]
    assert store.claim_due_sources(now=now) == []  # leased to the first poller
    later = now + dt.timedelta(minutes=6)
    assert [s.id for s in store.claim_due_sources(now=later)] == [source.id]


def test_failures_count_and_deactivate(store: Store) -> None:
    source, _ = store.add_source("https://c.example/feed")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert (
        store.record_fetch_failure(
            source.id, error="HTTP 500", next_fetch_at=soon, deactivate=False
        )
        == 1
    )
    store.record_fetch_failure(source.id, error="HTTP 500", next_fetch_at=soon, deactivate=True)
    info = store.get_source(source.id)
    assert info is not None and not info.active and info.error_count == 2
    assert info.last_error == "deactivated after 2 failures: HTTP 500"
    store.record_fetch_success(
        source.id,
        next_fetch_at=soon,
        etag='"e"',
        last_modified=None,
        new_url="https://c.example/moved",
    )
    info = store.get_source(source.id)
    assert info is not None and info.url == "https://c.example/moved" and info.error_count == 0


# Polling real HTTP on 127.0.0.1.

FEEDS = Path(__file__).parent / "data" / "feeds"


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    upgrade(sqlite_url)
    store = Store.from_url(sqlite_url)
    yield store
    store.close()


def _serve_feed(httpserver: HTTPServer, path: str, body: bytes, etag: str = '"v1"') -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag}, content_type="application/rss+xml")

    httpserver.expect_request(path).respond_with_handler(handler)


def _rss(items: str, base: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test feed</title><link>{base}/</link><ttl>90</ttl>{items}</channel></rss>"
    ).encode()


def _item(title: str, link: str, text: str, guid: str = "", category: str = "") -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        + (f"<guid isPermaLink='false'>{guid}</guid>" if guid else "")
        + (f"<category>{category}</category>" if category else "")
        + f"<description><![CDATA[{text}]]></description></item>"
    )


def test_poll_ingests_then_not_modified(httpserver: HTTPServer, store: Store) -> None:
    text = " ".join([SEED_SENTENCE] * 4)
    _serve_feed(
        httpserver, "/feed", _rss(_item("Aliyev und Blinken", "/a1", text, "g1", "Kaukasus"))
    )
    source, _ = store.add_source(httpserver.url_for("/feed"), tags=["Welt"])
    poller = Poller(store)
    try:
        now = dt.datetime.now(dt.UTC)
        first = poller.poll_source(source, now=now)
        assert (first.status, first.new, first.failed) == ("ok", 1, 0)
        assert first.next_fetch_at == now + dt.timedelta(minutes=90)  # the feed's TTL
        info = store.get_source(source.id)
        assert info is not None and info.etag == '"v1"' and info.title == "Test feed"
        [listed] = store.list_sources()
        assert listed.article_count == 1
        keys = {tag.key for tag in store.article_tags(1)}
        assert {"welt", "kaukasus"} <= keys  # source default tag and feed category
        second = poller.poll_source(info, now=now)
        assert second.status == "not-modified" and second.new == 0
    finally:
        poller.close()


SEED_SENTENCE = (
    "Am 28. April rief US-Außenminister Anthony Blinken den Präsidenten von Aserbaidschan "
    "Ilham Aliyev an und lobte die Teilnahme Aserbaidschans an der Friedensmission in Afghanistan."
)


def test_teaser_entries_fetch_the_page(httpserver: HTTPServer, sqlite_store: Store) -> None:
    teaser = "Die Gewerkschaft hat zum Streik aufgerufen."
    _serve_feed(httpserver, "/feed", _rss(_item("Bahnstreik", "/artikel?utm_source=rss", teaser)))
    httpserver.expect_request("/artikel").respond_with_data(
        (FEEDS / "article.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    source, _ = sqlite_store.add_source(httpserver.url_for("/feed"))
    poller = Poller(sqlite_store)
    try:
        report = poller.poll_source(source)
    finally:
        poller.close()
    assert report.new == 1, report.problems
    article = sqlite_store.get_article(1)
    assert article is not None
    assert article.body.startswith("Die Lokführergewerkschaft hat ihre Mitglieder")
    assert article.teaser == teaser
    assert article.author == "Erika Musterfrau"
    assert article.url == httpserver.url_for("/artikel")  # tracking parameter removed
    assert article.source_id == source.id


def test_broken_entries_and_duplicate_guids(httpserver: HTTPServer, sqlite_store: Store) -> None:
    long = (
        "Ein langer Text über die Wahl in der Stadt, der genug Wörter für einen Artikel hat. " * 6
    )
    items = (
        _item("Gut", "/gut", long, "same-guid")
        + "<item><title></title><description></description></item>"
        + _item("Gleiche GUID, anderer Text", "/anders", long.replace("Wahl", "Flut"), "same-guid")
        + _item("Ohne Link", "", "Ein zweiter langer Text über den Hafen und die Schiffe. " * 9)
    )
    _serve_feed(httpserver, "/feed", _rss(items))
    source, _ = sqlite_store.add_source(httpserver.url_for("/feed"))
    poller = Poller(sqlite_store, fetch_pages=False)
    try:
        report = poller.poll_source(source)
    finally:
        poller.close()
    assert (report.new, report.known) == (2, 1)  # same GUID in one source: stored once
    assert any("no title and no text" in p for p in report.problems)
    assert sqlite_store.article_count() == 2


def test_permanent_redirect_updates_the_source(httpserver: HTTPServer, sqlite_store: Store) -> None:
    httpserver.expect_request("/old").respond_with_response(
        Response(status=308, headers={"Location": "/new"})
    )
    _serve_feed(httpserver, "/new", _rss(""))
    source, _ = sqlite_store.add_source(httpserver.url_for("/old"))
    poller = Poller(sqlite_store)
    try:
        assert poller.poll_source(source).status == "ok"
    finally:
        poller.close()
    info = sqlite_store.get_source(source.id)
    assert info is not None and info.url == httpserver.url_for("/new")


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (lambda: Response("<html><body>Hi</body></html>", content_type="text/html"), "not a feed"),
        (lambda: Response("nope", status=500), "HTTP 500"),
        (lambda: Response(b"\x00\x01" * 500, content_type="application/xml"), "binary data"),
        (lambda: Response("<rss><channel><item>", content_type="text/xml"), "not a feed"),
    ],
)
def test_failures_back_off_and_deactivate(
    httpserver: HTTPServer, sqlite_store: Store, respond: Callable[[], Response], message: str
) -> None:
    httpserver.expect_request("/bad").respond_with_handler(lambda request: respond())
    source, _ = sqlite_store.add_source(httpserver.url_for("/bad"), interval_minutes=10)
    poller = Poller(sqlite_store, deactivate_after=3)
    now = dt.datetime.now(dt.UTC)
    delays = []
    try:
        for _ in range(3):
            info = sqlite_store.get_source(source.id)
            assert info is not None
            report = poller.poll_source(info, now=now)
            assert message in report.problems[0]
            assert report.next_fetch_at is not None
            delays.append(report.next_fetch_at - now)
    finally:
        poller.close()
    assert delays == [dt.timedelta(minutes=m) for m in (20, 40, 80)]
    info = sqlite_store.get_source(source.id)
    assert info is not None and not info.active
    assert info.last_error is not None and info.last_error.startswith("deactivated after 3")
    assert report.status == "deactivated"
    assert sqlite_store.claim_due_sources(now=now + dt.timedelta(days=2)) == []


def test_poll_due_survives_unreachable_hosts(sqlite_store: Store) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sqlite_store.add_source(f"http://127.0.0.1:{port}/feed")
    poller = Poller(sqlite_store)
    try:
        [report] = poller.poll_due()
    finally:
        poller.close()
    assert report.status == "error" and "cannot reach" in report.problems[0]


def test_next_interval_bounds() -> None:
    assert next_interval(1) == dt.timedelta(minutes=5)
    assert next_interval(15, 60) == dt.timedelta(minutes=60)
    assert next_interval(15, 100000) == dt.timedelta(hours=24)
    assert backoff(15, 20) == dt.timedelta(hours=24)


def test_ingest_url_page_and_feed(httpserver: HTTPServer, sqlite_store: Store) -> None:
    httpserver.expect_request("/page").respond_with_data(
        (FEEDS / "article.html").read_bytes(), content_type="text/html"
    )
    httpserver.expect_request("/feed.json").respond_with_data(
        (FEEDS / "jsonfeed.json").read_bytes(), content_type="application/feed+json"
    )
    ingestor = Ingestor(sqlite_store)
    [page] = list(ingest_url(ingestor, httpserver.url_for("/page")))
    assert page.ok and page.created and page.title == "Bahnstreik legt Fernverkehr lahm"
    outcomes = list(ingest_url(ingestor, httpserver.url_for("/feed.json")))
    assert sum(o.ok for o in outcomes) == 2 and sum(not o.ok for o in outcomes) == 2


async def test_poll_forever_polls_until_stopped(
    httpserver: HTTPServer, sqlite_store: Store
) -> None:
    text = " ".join([SEED_SENTENCE] * 3)
    _serve_feed(httpserver, "/feed", _rss(_item("Aliyev", "/a1", text, "g1")))
    sqlite_store.add_source(httpserver.url_for("/feed"))
    stop = asyncio.Event()
    task = asyncio.create_task(poll_forever(sqlite_store, stop, check_every=0.05))
    for _ in range(400):
        if sqlite_store.article_count():
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert sqlite_store.article_count() == 1
    [source] = sqlite_store.list_sources()
    assert source.last_fetch_at is not None and source.error_count == 0


def test_add_and_remove_source_commands(sqlite_store: Store) -> None:
    line = add_source(sqlite_store, "HTTPS://News.example/feed?utm_source=x", tags=["#Welt"])
    assert line == "added source #1 https://news.example/feed (every 15 min, tags: Welt)"
    with pytest.raises(InputError):
        add_source(sqlite_store, "ftp://news.example/feed")
    table = format_source_table(sqlite_store.list_sources())
    assert "https://news.example/feed" in table and "never" in table
    assert remove_source(sqlite_store, "https://news.example/feed") == (
        "removed source #1 https://news.example/feed"
    )
    with pytest.raises(InputError, match="no source"):
        remove_source(sqlite_store, "1")


def test_retry_after_stretches_the_backoff(httpserver: HTTPServer, sqlite_store: Store) -> None:
    httpserver.expect_request("/busy").respond_with_data(
        "busy", status=503, headers={"Retry-After": "7200"}
    )
    source, _ = sqlite_store.add_source(httpserver.url_for("/busy"), interval_minutes=10)
    now = dt.datetime.now(dt.UTC)
    poller = Poller(sqlite_store)
    try:
        report = poller.poll_source(source, now=now)
    finally:
        poller.close()
    assert report.status == "error" and report.next_fetch_at == now + dt.timedelta(hours=2)


def test_cli_sources_and_ingest_url(
    httpserver: HTTPServer,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    httpserver.expect_request("/feed.json").respond_with_data(
        (FEEDS / "jsonfeed.json").read_bytes(), content_type="application/feed+json"
    )
    feed = httpserver.url_for("/feed.json")
    assert main(["sources", "add", feed, "--tag", "Tech", "--interval", "30"]) == 0
    assert main(["sources", "add", "ftp://nope"]) == 2
    assert main(["ingest", "--quiet", feed]) == 1  # two broken items in that feed
    assert main(["ingest", "--quiet", httpserver.url_for("/missing")]) == 1
    assert main(["sources", "list"]) == 0
    out = capsys.readouterr()
    assert f"added source #1 {feed} (every 30 min, tags: Tech)" in out.out
    assert feed in out.out and "never" in out.out
    assert "2 stored, 0 already stored, 2 failed" in out.err
    assert "HTTP 500" in out.err or "HTTP 404" in out.err
    assert main(["sources", "remove", "1"]) == 0
    assert main(["sources", "remove", "1"]) == 2
