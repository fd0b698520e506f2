"""Ingestion: turn a report into a stored, summarized, tagged article.

One pipeline for every input: decode -> parse -> detect language -> summarize
-> tag -> store. A bad input becomes an `IngestOutcome` with an error message;
it never stops the inputs after it.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from summaries.errors import InputError
from summaries.language import detect_language
from summaries.report import ParsedReport, parse_report
from summaries.store import NewArticle, Store, TagRef
from summaries.summarizer import SUMMARY_VERSION, summarize
from summaries.tagging import auto_tags, tag_key, validate_tag
from summaries.text import decode_bytes

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 5 * 1024 * 1024
SUMMARY_SENTENCES = 3
AUTO_TAG_LIMIT = 8
STDIN = "-"


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

    @property
    def ok(self) -> bool:
        return self.error is None


def prepare(report: ParsedReport, *, sentences: int = SUMMARY_SENTENCES) -> Summarized:
    """Detect the language, summarize and tag a parsed report (no database involved)."""
    language = detect_language(f"{report.title}\n{report.body}")
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

    def ingest_text(self, text: str, origin: str) -> IngestOutcome:
        try:
            prepared = prepare(parse_report(text))
        except InputError as error:
            return IngestOutcome(origin, error=f"{origin}: {error}")
        report = prepared.report
        stored = self.store.add_article(
            NewArticle(
                title=report.title,
                body=report.body,
                language=prepared.language,
                summary=prepared.summary,
                summary_method=SUMMARY_VERSION,
                tags=prepared.tags,
                auto_tags=prepared.auto_tags,
                url=report.url,
                published_at=_midnight_utc(report.published_at),
                read_count=report.read_count,
                origin=origin,
            )
        )
        return IngestOutcome(
            origin,
            article_id=stored.id,
            created=stored.created,
            title=stored.title,
            language=prepared.language,
            tags=tuple(tag.display for tag in prepared.tags + prepared.auto_tags),
            summary=tuple(prepared.summary),
        )

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
        """Files, directories (every regular file inside, sorted) or `-` for stdin."""
        for raw in paths:
            if raw == STDIN:
                yield self.ingest_bytes(sys.stdin.buffer.read(), "<stdin>")
                continue
            path = Path(raw)
            if path.is_dir():
                files = sorted(
                    p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                )
                if not files:
                    yield IngestOutcome(raw, error=f"{raw}: directory has no files")
                for file in files:
                    yield self._ingest_file(file)
            else:
                yield self._ingest_file(path)

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


def _midnight_utc(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        return day if day.tzinfo else day.replace(tzinfo=dt.UTC)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
