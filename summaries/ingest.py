"""Ingestion: turn a report into a stored, summarized, tagged article.

One pipeline for every input: decode -> parse -> detect language -> summarize
-> tag -> store. A bad input becomes an `IngestOutcome` with an error message;
it never stops the inputs after it.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from summaries.dedup import Features, StoryIndex, features, simhash
from summaries.errors import InputError
from summaries.incoming import IncomingArticle
from summaries.jsonl import is_jsonl, read_jsonl
from summaries.language import detect_language
from summaries.report import ParsedReport, parse_report
from summaries.store import (
    ArticleIdentity,
    NewArticle,
    Store,
    StoredArticle,
    TagRef,
    content_hash,
)
from summaries.summarizer import SUMMARY_VERSION, summarize
from summaries.tagging import auto_tags, tag_key, validate_tag
from summaries.text import decode_bytes, normalize_text
from summaries.urls import canonical_url, is_http_url

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 5 * 1024 * 1024
SUMMARY_SENTENCES = 3
AUTO_TAG_LIMIT = 8
# The same language as from 2,000 or 4,000 characters on all 2,248 eval articles.
LANGUAGE_SAMPLE_CHARS = 1000
STDIN = "-"
# Near-duplicates are looked for among the stories of this period.
STORY_WINDOW = dt.timedelta(days=3)
_STORY_CANDIDATES = 5
_STORY_REFRESH = dt.timedelta(seconds=1)
_PRELOAD_FEATURES = 1000
_GLOB_CHARS = frozenset("*?[")
# Articles per exact-duplicate query and write transaction.
BATCH_SIZE = 64
# Smaller batches are prepared in this process: starting workers would cost more.
_POOL_MIN_BATCH = 16


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


@dataclass(frozen=True)
class _Prepared:
    """What a worker computes for one article: `prepare()` and its dedup features."""

    language: str = ""
    summary: tuple[str, ...] = ()
    tags: tuple[TagRef, ...] = ()
    auto_tags: tuple[TagRef, ...] = ()
    found: Features | None = None
    fingerprint: int | None = None
    error: str | None = None


def _prepare_all(reports: list[ParsedReport]) -> list[_Prepared]:
    """The CPU-bound part of ingestion; runs in a worker process for large inputs."""
    out = []
    for report in reports:
        try:
            done = prepare(report)
        except InputError as error:
            out.append(_Prepared(error=str(error)))
            continue
        found = features(f"{report.title}\n{report.body}")
        out.append(
            _Prepared(
                done.language, tuple(done.summary), tuple(done.tags), tuple(done.auto_tags),
                found, simhash(found),
            )
        )  # fmt: skip
    return out


@dataclass
class _Entry:
    """One input on its way through a batch: decided early (error, known) or to be stored."""

    origin: str
    outcome: IngestOutcome | None = None
    item: IncomingArticle | None = None
    title: str = ""
    body: str = ""
    url: str | None = None
    digest: str = ""
    prepared: _Prepared | None = None
    same_as: _Entry | None = None  # an exact copy of an earlier input not yet stored


@dataclass
class _Batch:
    entries: list[_Entry]
    todo: list[_Entry]
    reports: list[ParsedReport]
    futures: list[Future[list[_Prepared]]] = field(default_factory=list)


class Ingestor:
    """Stores reports through a `Store`; one instance serves many inputs.

    Inputs go through in batches: one exact-duplicate query per batch, summaries and tags
    computed by `workers` processes when a batch is large (the next batch is prepared while
    this one is stored), and one transaction per batch for the writes, all in this process.
    """

    def __init__(
        self, store: Store, *, workers: int | None = None, batch_size: int = BATCH_SIZE
    ) -> None:
        self.store = store
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.batch_size = max(1, batch_size)
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight: dict[tuple[object, ...], _Entry] = {}  # identity key -> first input
        self._stories = StoryIndex(candidates=_STORY_CANDIDATES)
        self._stories_after = 0
        self._stories_loaded: dt.datetime | None = None
        self._stories_checked: dt.datetime | None = None

    def ingest_text(self, text: str, origin: str) -> IngestOutcome:
        return self._one(self._item_from_text(text, origin))

    def ingest_bytes(self, data: bytes, origin: str) -> IngestOutcome:
        return self._one(self._item_from_bytes(data, origin))

    def ingest_article(self, item: IncomingArticle) -> IngestOutcome:
        """Store one article once (URL, source GUID, text) and link it to its story."""
        return self._one(item)

    def ingest_jsonl(self, path: Path) -> Iterator[IngestOutcome]:
        """Every record of a JSONL dump (../shared/eval schema); bad lines are errors."""
        return self._run(self._jsonl_items(path))

    def ingest_paths(self, paths: Iterable[str]) -> Iterator[IngestOutcome]:
        """Files (seed format or .jsonl), directories (every file inside, sorted), globs,
        http(s) URLs of a feed or an article page, or `-` for stdin."""
        return self._run(self._path_items(paths))

    # -- the pipeline -----------------------------------------------------------------------

    def _one(self, item: IncomingArticle | IngestOutcome) -> IngestOutcome:
        return next(iter(self._run([item])))

    def _run(self, stream: Iterable[IncomingArticle | IngestOutcome]) -> Iterator[IngestOutcome]:
        owner = self._pool is None
        started: deque[_Batch] = deque()
        try:
            for chunk in _chunks(stream, self.batch_size):
                started.append(self._start(chunk))
                if len(started) > 1:  # workers prepare this batch while the last is stored
                    yield from self._finish(started.popleft())
            while started:
                yield from self._finish(started.popleft())
        finally:
            if owner and self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None

    def _start(self, chunk: list[IncomingArticle | IngestOutcome]) -> _Batch:
        """Normalise, drop what is stored already (one query), hand the rest to workers."""
        entries = [self._admit(x) for x in chunk]
        todo = [e for e in entries if e.outcome is None]
        identities = [
            ArticleIdentity(e.url, _guid(e.item), _source(e.item), e.digest) for e in todo
        ]
        known = self.store.known_articles(identities)
        for entry, identity, found in zip(todo, identities, known, strict=True):
            if found is not None:
                entry.outcome = IngestOutcome(
                    entry.origin, article_id=found[0], created=False, title=found[1]
                )
                continue
            keys = identity.identity_keys()
            # A copy of an input that is still on its way: the answer is the first one's.
            entry.same_as = next((self._in_flight[k] for k in keys if k in self._in_flight), None)
            if entry.same_as is None:
                for key in keys:
                    self._in_flight[key] = entry
        todo = [e for e in todo if e.outcome is None and e.same_as is None]
        reports = [
            ParsedReport(e.title, e.body, None, e.item.read_count, tuple(e.item.tags), e.url)
            for e in todo
            if e.item is not None
        ]
        batch = _Batch(entries, todo, reports)
        pool = self._pool_for(len(reports))
        if pool is not None:
            size = max(1, -(-len(reports) // (self.workers * 2)))
            batch.futures = [
                pool.submit(_prepare_all, reports[i : i + size])
                for i in range(0, len(reports), size)
            ]
        return batch

    def _pool_for(self, count: int) -> ProcessPoolExecutor | None:
        if self.workers <= 1 or count < _POOL_MIN_BATCH:
            return None
        if self._pool is None:
            context: multiprocessing.context.BaseContext
            try:  # fork: workers start at once with this process's loaded models
                context = multiprocessing.get_context("fork")
            except ValueError:
                context = multiprocessing.get_context()
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def _admit(self, x: IncomingArticle | IngestOutcome) -> _Entry:
        if isinstance(x, IngestOutcome):
            return _Entry(x.origin, outcome=x)
        title = " ".join(normalize_text(x.title).split())
        body = normalize_text(x.body).strip()
        if not title or not body:
            error = f"{x.origin}: the article has no title or no text"
            return _Entry(x.origin, outcome=IngestOutcome(x.origin, error=error))
        url = _canonical_or_none(x.url)
        return _Entry(x.origin, None, x, title, body, url, content_hash(title, body))

    def _finish(self, batch: _Batch) -> Iterator[IngestOutcome]:
        """Link each article to its story and store the batch (two transactions at most)."""
        if batch.futures:
            results = [p for future in batch.futures for p in future.result()]
        else:
            results = _prepare_all(batch.reports)
        local = StoryIndex(candidates=_STORY_CANDIDATES)  # heads stored with this batch
        heads: list[tuple[_Entry, NewArticle]] = []
        copies: list[tuple[_Entry, NewArticle, int]] = []
        for position, (entry, prepared) in enumerate(zip(batch.todo, results, strict=True)):
            entry.prepared = prepared
            if prepared.error is not None:
                entry.outcome = IngestOutcome(
                    entry.origin, error=f"{entry.origin}: {prepared.error}"
                )
                continue
            story, in_batch = self._story_for(prepared, local)
            article = self._new_article(entry, prepared, story)
            if in_batch is not None:
                copies.append((entry, article, in_batch))
                continue
            heads.append((entry, article))
            if story is None and prepared.fingerprint is not None and prepared.found is not None:
                local.add(position, prepared.fingerprint, prepared.found)
        stored = dict(
            zip(
                [id(e) for e, _ in heads],
                self.store.add_articles([a for _, a in heads]),
                strict=True,
            )
        )
        for entry, article in heads:
            result = stored[id(entry)]
            done = entry.prepared
            new_story = result.created and article.duplicate_of_id is None
            if new_story and done is not None and done.fingerprint is not None:
                self._stories.add(result.id, done.fingerprint, done.found)
            entry.outcome = _outcome(entry, result, article.duplicate_of_id)
        if copies:
            resolved = [
                replace(article, duplicate_of_id=stored[id(batch.todo[head])].id)
                for _, article, head in copies
            ]
            for (entry, _, _), article, result in zip(
                copies, resolved, self.store.add_articles(resolved), strict=True
            ):
                entry.outcome = _outcome(entry, result, article.duplicate_of_id)
        for entry in batch.entries:
            if entry.same_as is not None:
                entry.outcome = _copy_outcome(entry, entry.same_as)
        self._in_flight = {k: e for k, e in self._in_flight.items() if e not in batch.todo}
        for entry in batch.entries:
            assert entry.outcome is not None
            yield entry.outcome

    def _story_for(self, prepared: _Prepared, local: StoryIndex) -> tuple[int | None, int | None]:
        """(stored story head, head earlier in this batch): the more similar one, or neither."""
        if prepared.found is None or prepared.fingerprint is None:
            return None, None
        stored = self._story_of(prepared.found, prepared.fingerprint)
        mine = local.match(prepared.found, prepared.fingerprint)
        if mine is not None and (
            stored is None
            or local.score(mine, prepared.found) >= self._stories.score(stored, prepared.found)
        ):
            return None, mine
        return stored, None

    @staticmethod
    def _new_article(entry: _Entry, prepared: _Prepared, story: int | None) -> NewArticle:
        item = entry.item
        assert item is not None
        return NewArticle(
            title=entry.title,
            body=entry.body,
            language=prepared.language,
            summary=prepared.summary,
            summary_method=SUMMARY_VERSION,
            tags=prepared.tags,
            auto_tags=prepared.auto_tags,
            url=entry.url,
            guid=_guid(item),
            teaser=item.teaser,
            author=item.author[:500] if item.author else None,
            published_at=item.published_at,
            read_count=item.read_count,
            origin=entry.origin,
            source_id=item.source_id,
            fingerprint=prepared.fingerprint,
            duplicate_of_id=story,
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

    # -- inputs -----------------------------------------------------------------------------

    def _item_from_text(self, text: str, origin: str) -> IncomingArticle | IngestOutcome:
        try:
            report = parse_report(text)
        except InputError as error:
            return IngestOutcome(origin, error=f"{origin}: {error}")
        return IncomingArticle(
            title=report.title,
            body=report.body,
            origin=origin,
            url=report.url,
            tags=report.tags,
            published_at=_midnight_utc(report.published_at),
            read_count=report.read_count,
        )

    def _item_from_bytes(self, data: bytes, origin: str) -> IncomingArticle | IngestOutcome:
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
        return self._item_from_text(text, origin)

    def _path_items(self, paths: Iterable[str]) -> Iterator[IncomingArticle | IngestOutcome]:
        for raw in paths:
            if raw == STDIN:
                yield self._item_from_bytes(sys.stdin.buffer.read(), "<stdin>")
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
                    yield from self._file_items(file)
                continue
            if path.is_dir():
                files = sorted(
                    p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                )
                if not files:
                    yield IngestOutcome(raw, error=f"{raw}: directory has no files")
                for file in files:
                    yield from self._file_items(file)
            else:
                yield from self._file_items(path)

    def _file_items(self, path: Path) -> Iterator[IncomingArticle | IngestOutcome]:
        if is_jsonl(path.name):
            yield from self._jsonl_items(path)
        else:
            yield self._file_item(path)

    def _jsonl_items(self, path: Path) -> Iterator[IncomingArticle | IngestOutcome]:
        try:
            handle = path.open("rb")
        except OSError as error:
            yield IngestOutcome(str(path), error=f"{path}: cannot read ({error.strerror})")
            return
        with handle:
            for where, item in read_jsonl(handle, str(path)):
                yield (
                    IngestOutcome(where, error=str(item)) if isinstance(item, InputError) else item
                )

    def _file_item(self, path: Path) -> IncomingArticle | IngestOutcome:
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
        return self._item_from_bytes(data, str(path))


def _outcome(entry: _Entry, stored: StoredArticle, story: int | None) -> IngestOutcome:
    prepared = entry.prepared
    assert prepared is not None
    return IngestOutcome(
        entry.origin,
        article_id=stored.id,
        created=stored.created,
        title=stored.title,
        language=prepared.language,
        tags=tuple(tag.display for tag in prepared.tags + prepared.auto_tags),
        summary=prepared.summary,
        duplicate_of=story if stored.created else None,
    )


def _copy_outcome(entry: _Entry, first: _Entry) -> IngestOutcome:
    """What ingesting `entry` after `first` was stored gives: the stored article, or the
    same error."""
    done = first.outcome
    assert done is not None
    if done.error is not None:
        prepared = first.prepared
        reason = prepared.error if prepared is not None else done.error
        return IngestOutcome(entry.origin, error=f"{entry.origin}: {reason}")
    return IngestOutcome(entry.origin, article_id=done.article_id, created=False, title=done.title)


def _chunks(
    stream: Iterable[IncomingArticle | IngestOutcome], size: int
) -> Iterator[list[IncomingArticle | IngestOutcome]]:
    chunk: list[IncomingArticle | IngestOutcome] = []
    for x in stream:
        chunk.append(x)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _guid(item: IncomingArticle | None) -> str | None:
    return item.guid[:2000] if item is not None and item.guid else None


def _source(item: IncomingArticle | None) -> int | None:
    return item.source_id if item is not None else None


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
