"""Ingestion: turn a report into a stored, summarized, tagged article.

One pipeline for every input: decode -> parse -> detect language -> summarize
-> tag -> store. A bad input becomes an `IngestOutcome` with an error message;
it never stops the inputs after it.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from summaries.dedup import Features, StoryIndex, features, simhash
from summaries.errors import InputError
from summaries.incoming import IncomingArticle
from summaries.jsonl import is_jsonl, read_jsonl
from summaries.language import detect_language
from summaries.report import ParsedReport, parse_report
from summaries.store import NewArticle, Store, TagRef, content_hash
from summaries.summarizer import SUMMARY_VERSION, summarize
from summaries.tagging import auto_tags, tag_key, validate_tag
from summaries.text import decode_bytes, normalize_text
from summaries.urls import canonical_url, is_http_url

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 5 * 1024 * 1024
SUMMARY_SENTENCES = 3
AUTO_TAG_LIMIT = 8
LANGUAGE_SAMPLE_CHARS = 2000
STDIN = "-"
# Near-duplicates are looked for among the stories of this period.
STORY_WINDOW = dt.timedelta(days=3)
_STORY_CANDIDATES = 5
_STORY_REFRESH = dt.timedelta(seconds=1)
_PRELOAD_FEATURES = 1000
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Summarized:
    """What newsbot makes of a parsed report before storing it."""

    report: ParsedReport
    language: str
    summary: list[str]
    tags: list[TagRef]
    auto_tags: list[TagRef]


@dataclass(frozen=True)
class IngestOutcome:
    """The result for one input: stored (new or already known) or an error message."""

    origin: str
    article_id: int | None = None
    created: bool = False
    title: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    summary: tuple[str, ...] = field(default_factory=tuple)
    error: str | None = None
    duplicate_of: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def prepare(report: ParsedReport, *, sentences: int = SUMMARY_SENTENCES) -> Summarized:
    """Detect the language, summarize and tag a parsed report (no database involved)."""
    # The opening is enough to tell the language, and detection cost grows with length.
    language = detect_language(f"{report.title}\n{report.body[:LANGUAGE_SAMPLE_CHARS]}")
    summary = summarize(report.body, language, sentences=sentences, title=report.title)
    given: dict[str, TagRef] = {}
    for raw in report.tags:
        try:
            display = validate_tag(raw)
        except InputError:
            log.debug("Ignoring unusable source tag %r", raw)
            continue
        given.setdefault(tag_key(display), TagRef(display, tag_key(display)))
    automatic = [
        TagRef(tag.display, tag.key)
        for tag in auto_tags(report.title, report.body, language, limit=AUTO_TAG_LIMIT)
        if tag.key not in given
    ]
    return Summarized(report, language, summary, list(given.values()), automatic)


class Ingestor:
    """Stores reports through a `Store`; one instance serves many inputs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stories = StoryIndex(candidates=_STORY_CANDIDATES)
        self._stories_after = 0
        self._stories_loaded: dt.datetime | None = None
        self._stories_checked: dt.datetime | None = None

    def ingest_text(self, text: str, origin: str) -> IngestOutcome:
        try:
            report = parse_report(text)
        except InputError as error:
            return IngestOutcome(origin, error=f"{origin}: {error}")
        return self.ingest_article(
            IncomingArticle(
                title=report.title,
                body=report.body,
                origin=origin,
                url=report.url,
                tags=report.tags,
                published_at=_midnight_utc(report.published_at),
                read_count=report.read_count,
            )
        )

    def ingest_article(self, item: IncomingArticle) -> IngestOutcome:
        """Store one article once (URL, source GUID, text) and link it to its story."""
        origin = item.origin
        title = " ".join(normalize_text(item.title).split())
        body = normalize_text(item.body).strip()
        if not title or not body:
            return IngestOutcome(origin, error=f"{origin}: the article has no title or no text")
        url = _canonical_or_none(item.url)
        known = self.store.known_article(
            url=url, guid=item.guid, source_id=item.source_id, digest=content_hash(title, body)
        )
        if known is not None:
            return IngestOutcome(origin, article_id=known[0], created=False, title=known[1])
        try:
            prepared = prepare(
                ParsedReport(title, body, None, item.read_count, tuple(item.tags), url)
            )
        except InputError as error:
            return IngestOutcome(origin, error=f"{origin}: {error}")
        mine = features(f"{title}\n{body}")
        fingerprint = simhash(mine)
        story = self._story_of(mine, fingerprint)
        stored = self.store.add_article(
            NewArticle(
                title=title,
                body=body,
                language=prepared.language,
                summary=prepared.summary,
                summary_method=SUMMARY_VERSION,
                tags=prepared.tags,
                auto_tags=prepared.auto_tags,
                url=url,
                guid=item.guid[:2000] if item.guid else None,
                teaser=item.teaser,
                author=item.author[:500] if item.author else None,
                published_at=item.published_at,
                read_count=item.read_count,
                origin=origin,
                source_id=item.source_id,
                fingerprint=fingerprint,
            )
        )
        if stored.created and story is not None:
            self.store.mark_duplicate(stored.id, story)
        elif stored.created and fingerprint is not None:
            self._stories.add(stored.id, fingerprint, mine)
        return IngestOutcome(
            origin,
            article_id=stored.id,
            created=stored.created,
            title=stored.title,
            language=prepared.language,
            tags=tuple(tag.display for tag in prepared.tags + prepared.auto_tags),
            summary=tuple(prepared.summary),
            duplicate_of=story if stored.created else None,
        )

    def _story_of(self, mine: Features, fingerprint: int | None) -> int | None:
        """The earlier article (story head) this one is a near-duplicate of, if any."""
        if fingerprint is None:
            return None
        self._refresh_stories()
        return self._stories.match(mine, fingerprint, self._load_features)

    def _load_features(self, ids: list[int]) -> dict[int, Features]:
        return {
            article_id: features(f"{title}\n{body}")
            for article_id, (title, body) in self.store.article_texts(ids).items()
        }

    def _refresh_stories(self) -> None:
        now = dt.datetime.now(dt.UTC)
        if self._stories_loaded is None or now - self._stories_loaded > dt.timedelta(hours=1):
            self._stories.clear()  # full reload now and then drops stories past the window
            self._stories_after = 0
            self._stories_loaded = now
        elif self._stories_checked and now - self._stories_checked < _STORY_REFRESH:
            return  # our own articles are added as we store them; others' within a second
        self._stories_checked = now
        fresh = self.store.story_candidates(since=now - STORY_WINDOW, after_id=self._stories_after)
        # Stories stored by other processes: the newest get text features (for the LSH
        # bands) now, older ones only when their fingerprint makes them a candidate.
        if fresh:
            self._stories_after = max(self._stories_after, max(i for i, _ in fresh))
        fresh = [(head_id, fp) for head_id, fp in fresh if head_id not in self._stories]
        loaded = self._load_features([head_id for head_id, _ in fresh[:_PRELOAD_FEATURES]])
        for head_id, fingerprint in fresh:
            self._stories.add(head_id, fingerprint, loaded.get(head_id))

    def ingest_bytes(self, data: bytes, origin: str) -> IngestOutcome:
        if len(data) > MAX_REPORT_BYTES:
            return IngestOutcome(
                origin,
                error=f"{origin}: too large ({len(data):,} bytes; the limit is "
                f"{MAX_REPORT_BYTES:,})",
            )
        try:
            text = decode_bytes(data)
        except InputError as error:
            return IngestOutcome(origin, error=f"{origin}: {error}")
        return self.ingest_text(text, origin)

    def ingest_paths(self, paths: Iterable[str]) -> Iterator[IngestOutcome]:
        """Files (seed format or .jsonl), directories (every file inside, sorted), globs,
        http(s) URLs of a feed or an article page, or `-` for stdin."""
        for raw in paths:
            if raw == STDIN:
                yield self.ingest_bytes(sys.stdin.buffer.read(), "<stdin>")
                continue
            if is_http_url(raw):
                from summaries.sources import ingest_url  # fetching is only needed here

                yield from ingest_url(self, raw)
                continue
            path = Path(raw)
            if not path.exists() and _GLOB_CHARS & set(raw):
                matches = sorted(glob.glob(raw, recursive=True))
                files = [Path(m) for m in matches if Path(m).is_file()]
                if not files:
                    yield IngestOutcome(raw, error=f"{raw}: no files match")
                for file in files:
                    yield from self._ingest_any(file)
                continue
            if path.is_dir():
                files = sorted(
                    p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                )
                if not files:
                    yield IngestOutcome(raw, error=f"{raw}: directory has no files")
                for file in files:
                    yield from self._ingest_any(file)
            else:
                yield from self._ingest_any(path)

    def _ingest_any(self, path: Path) -> Iterator[IngestOutcome]:
        if is_jsonl(path.name):
            yield from self.ingest_jsonl(path)
        else:
            yield self._ingest_file(path)

    def ingest_jsonl(self, path: Path) -> Iterator[IngestOutcome]:
        """Every record of a JSONL dump (../shared/eval schema); bad lines are errors."""
        try:
            handle = path.open("rb")
        except OSError as error:
            yield IngestOutcome(str(path), error=f"{path}: cannot read ({error.strerror})")
            return
        with handle:
            for where, item in read_jsonl(handle, str(path)):
                if isinstance(item, InputError):
                    yield IngestOutcome(where, error=str(item))
                else:
                    yield self.ingest_article(item)

    def _ingest_file(self, path: Path) -> IngestOutcome:
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                return IngestOutcome(
                    str(path), error=f"{path}: too large (limit {MAX_REPORT_BYTES:,} bytes)"
                )
            data = path.read_bytes()
        except OSError as error:
            return IngestOutcome(
                str(path), error=f"{path}: cannot read ({error.strerror or error})"
            )
        return self.ingest_bytes(data, str(path))


def _canonical_or_none(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return canonical_url(url)
    except InputError:
        log.debug("Ignoring unusable article URL %r", url)
        return None


def _midnight_utc(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return day if day.tzinfo else day.replace(tzinfo=dt.UTC)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
