"""Polling sources: which are due, conditional fetches, backoff, deactivation, page fallback.

One `Poller` serves a process (one HTTP client, one `Ingestor`). `poll_due` leases due
sources in the store, so two bots on one database do not poll the same feed at once.
Every failure is recorded on the source (`sources list` shows it) and never escapes: a
bad feed, a bad entry or a dead host costs only itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import httpx

from summaries.errors import InputError
from summaries.feeds import FeedEntry, FeedError, looks_like_html, parse_feed
from summaries.fetch import MAX_BYTES, FetchError, FetchResult, fetch, make_client
from summaries.incoming import IncomingArticle
from summaries.ingest import Ingestor, IngestOutcome
from summaries.pages import extract_page
from summaries.store import SourceInfo, Store
from summaries.tagging import validate_tag
from summaries.urls import canonical_url

__all__ = [
    "PollReport",
    "Poller",
    "add_source",
    "format_source_table",
    "ingest_url",
    "next_interval",
    "poll_forever",
    "remove_source",
]

log = logging.getLogger(__name__)

MIN_INTERVAL = dt.timedelta(minutes=5)
MAX_INTERVAL = dt.timedelta(hours=24)
MAX_BACKOFF = dt.timedelta(hours=24)
DEACTIVATE_AFTER = 10
# A feed entry with less text than this is a teaser: the article page is fetched.
TEASER_CHARS = 400
MAX_PAGES_PER_POLL = 30


@dataclass
class PollReport:
    """What one poll of one source did."""

    source_id: int
    url: str
    status: str  # "ok", "not-modified", "error", "deactivated"
    new: int = 0
    known: int = 0
    duplicates: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)
    next_fetch_at: dt.datetime | None = None


def next_interval(minutes: int, ttl_minutes: int | None = None) -> dt.timedelta:
    """The source's own interval, stretched to the feed's TTL, within 5 minutes and a day."""
    interval = dt.timedelta(minutes=max(minutes, ttl_minutes or 0))
    return min(max(interval, MIN_INTERVAL), MAX_INTERVAL)


def backoff(minutes: int, errors: int) -> dt.timedelta:
    """Exponential: interval x 2^errors, capped at a day."""
    base = next_interval(minutes)
    return min(base * (2 ** min(errors, 16)), MAX_BACKOFF)


class Poller:
    def __init__(
        self,
        store: Store,
        *,
        client: httpx.Client | None = None,
        ingestor: Ingestor | None = None,
        fetch_pages: bool = True,
        max_bytes: int = MAX_BYTES,
        deactivate_after: int = DEACTIVATE_AFTER,
    ) -> None:
        self.store = store
        self.client = client or make_client()
        # One process: forking a pool from the bot's threads could deadlock.
        self.ingestor = ingestor or Ingestor(store, workers=1)
        self.fetch_pages = fetch_pages
        self.max_bytes = max_bytes
        self.deactivate_after = deactivate_after

    def close(self) -> None:
        self.client.close()

    def poll_due(self, *, now: dt.datetime | None = None) -> list[PollReport]:
        """Poll every active source whose time has come."""
        reports = []
        for source in self.store.claim_due_sources(now=now):
            try:
                reports.append(self.poll_source(source, now=now))
            except Exception as error:  # a bug must not stop the other sources
                log.exception("Polling %s failed unexpectedly", source.url)
                reports.append(self._failed(source, f"internal error: {error!r}", now))
        return reports

    def poll_source(self, source: SourceInfo, *, now: dt.datetime | None = None) -> PollReport:
        now = now or dt.datetime.now(dt.UTC)
        try:
            result = self._fetch(source.url, source.etag, source.last_modified)
        except FetchError as error:
            return self._failed(
                source, str(error), now, permanent=error.status == 410, wait=error.retry_after
            )
        if result.not_modified:
            next_at = now + next_interval(source.interval_minutes)
            self.store.record_fetch_success(
                source.id,
                next_fetch_at=next_at,
                etag=result.etag or source.etag,
                last_modified=result.last_modified or source.last_modified,
            )
            return PollReport(source.id, source.url, "not-modified", next_fetch_at=next_at)
        report = PollReport(source.id, source.url, "ok")
        ttl = None
        title = None
        kind = source.kind
        try:
            feed = parse_feed(result.content, url=result.url, content_type=result.content_type)
            outcomes = self._ingest_entries(feed.entries, source)
            report.problems.extend(feed.problems)
            ttl, title, kind = feed.ttl_minutes, feed.title, "feed"
        except FeedError as error:
            if not looks_like_html(result.content):
                return self._failed(source, str(error), now)
            try:  # a page source: the page itself is the article
                outcomes = [self._ingest_page(result, source.id, source.default_tags)]
                kind = "page"
            except InputError as page_error:
                return self._failed(source, f"{error}; as a page: {page_error}", now)
        for outcome in outcomes:
            _count(report, outcome)
        next_at = now + next_interval(source.interval_minutes, ttl)
        new_url = _canonical(result.permanent_url) if result.permanent_url else None
        note = self.store.record_fetch_success(
            source.id,
            next_fetch_at=next_at,
            etag=result.etag,
            last_modified=result.last_modified,
            new_url=new_url if new_url != source.url else None,
            title=title,
            kind=kind,
        )
        if note:
            report.problems.append(note)
        report.next_fetch_at = next_at
        return report

    def _fetch(self, url: str, etag: str | None = None, modified: str | None = None) -> FetchResult:
        return fetch(
            url, client=self.client, etag=etag, last_modified=modified, max_bytes=self.max_bytes
        )

    def _failed(
        self,
        source: SourceInfo,
        error: str,
        now: dt.datetime | None,
        *,
        permanent: bool = False,
        wait: float | None = None,
    ) -> PollReport:
        now = now or dt.datetime.now(dt.UTC)
        errors = source.error_count + 1
        deactivate = permanent or errors >= self.deactivate_after
        delay = backoff(source.interval_minutes, errors)
        if wait:  # the server's Retry-After, if longer (capped like any backoff)
            delay = max(delay, min(dt.timedelta(seconds=wait), MAX_BACKOFF))
        next_at = now + delay
        self.store.record_fetch_failure(
            source.id, error=error, next_fetch_at=next_at, deactivate=deactivate
        )
        log.warning("Source %s failed (%d in a row): %s", source.url, errors, error)
        status = "deactivated" if deactivate else "error"
        return PollReport(source.id, source.url, status, problems=[error], next_fetch_at=next_at)

    def _ingest_entries(
        self, entries: Sequence[FeedEntry], source: SourceInfo | None
    ) -> list[IngestOutcome]:
        outcomes = []
        pages = 0
        for entry in entries:
            origin = source.url if source else (entry.link or "feed")
            try:
                outcome, fetched = self._ingest_entry(entry, source, pages < MAX_PAGES_PER_POLL)
                pages += fetched
            except Exception as error:  # one entry never stops the rest of the feed
                log.exception("Entry %r of %s failed", entry.title, origin)
                outcome = IngestOutcome(origin, error=f"{entry.title[:80]!r}: {error!r}")
            outcomes.append(outcome)
        return outcomes

    def _ingest_entry(
        self, entry: FeedEntry, source: SourceInfo | None, may_fetch: bool
    ) -> tuple[IngestOutcome, int]:
        source_id = source.id if source else None
        origin = source.url if source else (entry.link or "feed")
        known = self.store.known_article(
            url=entry.link, guid=entry.guid, source_id=source_id, digest=None
        )
        if known is not None:
            return IngestOutcome(origin, article_id=known[0], created=False, title=known[1]), 0
        body, teaser, author = entry.content, entry.teaser, entry.author
        published, fetched = entry.published_at, 0
        if len(entry.body) < TEASER_CHARS and entry.link and self.fetch_pages and may_fetch:
            fetched = 1
            try:
                page = extract_page(self._fetch(entry.link).content, url=entry.link)
                body, author = page.text, author or page.author
                teaser = teaser or page.teaser
                published = published or page.published_at
            except InputError as error:
                log.info("Page %s unavailable, keeping the feed's text: %s", entry.link, error)
        body = body or teaser
        if not body:
            return IngestOutcome(
                origin, error=f"{entry.title[:80]!r}: no text (page unavailable)"
            ), fetched
        item = IncomingArticle(
            title=entry.title,
            body=body,
            origin=origin,
            url=entry.link,
            guid=entry.guid,
            teaser=teaser if teaser and teaser != body else None,
            author=author,
            published_at=published,
            tags=(*(source.default_tags if source else ()), *entry.tags),
            source_id=source_id,
        )
        return self.ingestor.ingest_article(item), fetched

    def _ingest_page(
        self, result: FetchResult, source_id: int | None, tags: Sequence[str] = ()
    ) -> IngestOutcome:
        page = extract_page(result.content, url=result.url)
        url = _canonical(page.url or result.url) or _canonical(result.url)
        return self.ingestor.ingest_article(
            IncomingArticle(
                title=page.title or page.text.split("\n", 1)[0][:140],
                body=page.text,
                origin=result.url,
                url=url,
                teaser=page.teaser,
                author=page.author,
                published_at=page.published_at,
                tags=(*tags, *page.tags),
                source_id=source_id,
            )
        )

    def ingest_url(self, url: str) -> Iterator[IngestOutcome]:
        """Ingest a feed (every entry) or an article page once, without registering it."""
        try:
            result = self._fetch(url)
        except FetchError as error:
            yield IngestOutcome(url, error=f"{url}: {error}")
            return
        try:
            feed = parse_feed(result.content, url=result.url, content_type=result.content_type)
        except FeedError as error:
            if not looks_like_html(result.content):
                yield IngestOutcome(url, error=f"{url}: {error}")
                return
            try:
                yield self._ingest_page(result, None)
            except InputError as page_error:
                yield IngestOutcome(url, error=f"{url}: {page_error}")
            return
        for problem in feed.problems:
            yield IngestOutcome(url, error=f"{url}: {problem}")
        yield from self._ingest_entries(feed.entries, None)


def ingest_url(ingestor: Ingestor, url: str) -> Iterator[IngestOutcome]:
    """`newsbot ingest URL`: one feed or one page, once."""
    poller = Poller(ingestor.store, ingestor=ingestor)
    try:
        yield from poller.ingest_url(url)
    finally:
        poller.close()


def add_source(store: Store, url: str, *, tags: Sequence[str] = (), interval: int = 15) -> str:
    """`newsbot sources add`: validate and register; returns the line to show.

    Raises:
        InputError: not an http(s) URL, or an unusable tag.
    """
    canonical = canonical_url(url)
    displays = list(dict.fromkeys(validate_tag(tag) for tag in tags))
    source, created = store.add_source(canonical, tags=displays, interval_minutes=interval)
    verb = "added" if created else "updated"
    tag_text = ", ".join(source.default_tags) or "-"
    return f"{verb} source #{source.id} {source.url} (every {interval} min, tags: {tag_text})"


def remove_source(store: Store, ref: str) -> str:
    """`newsbot sources remove ID|URL`; its stored articles stay."""
    source = store.find_source(ref.strip()) or (
        store.find_source(_canonical(ref) or "") if not ref.strip().isdigit() else None
    )
    if source is None or not store.remove_source(source.id):
        raise InputError(f"no source {ref!r} (see `newsbot sources list`)")
    return f"removed source #{source.id} {source.url}"


def format_source_table(sources: Sequence[SourceInfo]) -> str:
    """`newsbot sources list`: one line per source, with its last error when failing."""
    if not sources:
        return "no sources (add one with `newsbot sources add URL`)"
    lines = [f"{'ID':>4}  {'STATUS':<8} {'LAST FETCH (UTC)':<16} {'ERR':>3} {'ARTS':>5}  URL"]
    for source in sources:
        status = "active" if source.active else "inactive"
        if source.active and source.error_count:
            status = "failing"
        fetched = (
            source.last_fetch_at.strftime("%Y-%m-%d %H:%M") if source.last_fetch_at else "never"
        )
        lines.append(
            f"{source.id:>4}  {status:<8} {fetched:<16} {source.error_count:>3} "
            f"{source.article_count:>5}  {source.url}"
        )
        details = []
        if source.title:
            details.append(source.title)
        if source.default_tags:
            details.append("tags: " + ", ".join(source.default_tags))
        details.append(f"every {source.interval_minutes} min")
        if source.active and source.next_fetch_at:
            details.append(f"next {source.next_fetch_at.strftime('%Y-%m-%d %H:%M')}")
        lines.append("      " + " | ".join(details))
        if source.last_error:
            lines.append(f"      last error: {source.last_error}")
    return "\n".join(lines)


def _canonical(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return canonical_url(url)
    except InputError:
        return None


def _count(report: PollReport, outcome: IngestOutcome) -> None:
    if not outcome.ok:
        report.failed += 1
        report.problems.append(outcome.error or "unknown error")
    elif outcome.created:
        report.new += 1
        report.duplicates += outcome.duplicate_of is not None
    else:
        report.known += 1


async def poll_forever(store: Store, stop: asyncio.Event, *, check_every: float = 30.0) -> None:
    """`newsbot run`'s source loop: poll due sources until `stop` is set.

    Fetching, parsing and summarizing block, so each round runs in a worker thread; the
    event loop (and the bot) stay responsive. A failing round is logged and retried.
    """
    poller = Poller(store)
    try:
        while not stop.is_set():
            try:
                reports = await asyncio.to_thread(poller.poll_due)
                for report in reports:
                    log.info(
                        "Source %s: %s, %d new (%d same story), %d known, %d failed",
                        report.url, report.status, report.new, report.duplicates,
                        report.known, report.failed,
                    )  # fmt: skip
            except Exception:
                log.exception("Polling sources failed; retrying in %.0f s", check_every)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=check_every)
    finally:
        poller.close()
