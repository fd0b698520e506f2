"""Polled sources (feeds and pages) and the story links between near-duplicate articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from summaries.models import Article, Source, utcnow
from summaries.store.base import StoreBase, rowcount

TAG_SEPARATOR = "\n"


@dataclass(frozen=True)
class SourceInfo:
    """A source as the poller and `newsbot sources list` see it."""

    id: int
    url: str
    kind: str
    title: str | None
    default_tags: tuple[str, ...]
    interval_minutes: int
    active: bool
    etag: str | None
    last_modified: str | None
    last_fetch_at: datetime | None
    next_fetch_at: datetime | None
    error_count: int
    last_error: str | None
    article_count: int = 0


def _info(row: Source, article_count: int = 0) -> SourceInfo:
    return SourceInfo(
        id=row.id,
        url=row.url,
        kind=row.kind,
        title=row.title,
        default_tags=tuple(t for t in (row.default_tags or "").split(TAG_SEPARATOR) if t),
        interval_minutes=row.interval_minutes,
        active=row.active,
        etag=row.etag,
        last_modified=row.last_modified,
        last_fetch_at=row.last_fetch_at,
        next_fetch_at=row.next_fetch_at,
        error_count=row.error_count,
        last_error=row.last_error,
        article_count=article_count,
    )


class SourceQueries(StoreBase):
    def add_source(
        self,
        url: str,
        *,
        kind: str = "feed",
        tags: Sequence[str] = (),
        interval_minutes: int = 15,
    ) -> tuple[SourceInfo, bool]:
        """Register a source (URL already canonical); returns it and whether it is new.

        Adding a known URL again re-activates it and updates its tags and interval.
        """
        values = {
            "kind": kind,
            "default_tags": TAG_SEPARATOR.join(tags),
            "interval_minutes": interval_minutes,
            "active": True,
        }
        try:
            with self.session() as session:
                row = Source(url=url, error_count=0, **values)
                session.add(row)
                session.flush()
                return _info(row), True
        except IntegrityError:
            with self.session() as session:
                row = session.scalars(select(Source).where(Source.url == url)).one()
                for key, value in values.items():
                    setattr(row, key, value)
                row.error_count = 0
                row.last_error = None
                row.next_fetch_at = None
                session.flush()
                return _info(row), False

    def get_source(self, source_id: int) -> SourceInfo | None:
        with self.session() as session:
            row = session.get(Source, source_id)
            return _info(row) if row else None

    def find_source(self, ref: str) -> SourceInfo | None:
        """A source by id (digits) or exact URL."""
        with self.session() as session:
            condition = Source.id == int(ref) if ref.isdigit() else Source.url == ref
            row = session.scalars(select(Source).where(condition)).first()
            return _info(row) if row else None

    def list_sources(self) -> list[SourceInfo]:
        counts = (
            select(Article.source_id, func.count().label("n"))
            .group_by(Article.source_id)
            .subquery()
        )
        with self.session() as session:
            rows = session.execute(
                select(Source, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.source_id == Source.id)
                .order_by(Source.id)
            )
            return [_info(row, count) for row, count in rows]

    def remove_source(self, source_id: int) -> bool:
        """Forget a source; its articles stay (their source becomes unknown)."""
        with self.session() as session:
            return rowcount(session.execute(delete(Source).where(Source.id == source_id))) > 0

    def claim_due_sources(
        self,
        *,
        now: datetime | None = None,
        lease: timedelta = timedelta(minutes=5),
        limit: int = 20,
    ) -> list[SourceInfo]:
        """Active sources whose time has come, leased so a second poller skips them."""
        now = now or utcnow()
        with self.session() as session:
            ids = list(
                session.scalars(
                    select(Source.id)
                    .where(
                        Source.active.is_(True),
                        or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now),
                    )
                    .order_by(Source.next_fetch_at.is_not(None), Source.next_fetch_at)
                    .limit(limit)
                )
            )
        claimed = []
        for source_id in ids:
            with self.session() as session:
                result = session.execute(
                    update(Source)
                    .where(
                        Source.id == source_id,
                        or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now),
                    )
                    .values(next_fetch_at=now + lease)
                )
                if rowcount(result):
                    claimed.append(_info(session.get_one(Source, source_id)))
        return claimed

    def record_fetch_success(
        self,
        source_id: int,
        *,
        next_fetch_at: datetime,
        etag: str | None,
        last_modified: str | None,
        new_url: str | None = None,
        title: str | None = None,
        kind: str | None = None,
    ) -> str | None:
        """Store validators and schedule; returns a problem note if `new_url` was refused."""
        note = None
        with self.session() as session:
            row = session.get_one(Source, source_id)
            row.etag, row.last_modified = etag, last_modified
            row.last_fetch_at = utcnow()
            row.next_fetch_at = next_fetch_at
            row.error_count = 0
            row.last_error = None
            if title:
                row.title = title[:500]
            if kind:
                row.kind = kind
        if new_url:
            try:
                with self.session() as session:
                    session.execute(
                        update(Source).where(Source.id == source_id).values(url=new_url)
                    )
            except IntegrityError:
                note = f"moved permanently to {new_url}, which is already another source"
        return note

    def record_fetch_failure(
        self, source_id: int, *, error: str, next_fetch_at: datetime, deactivate: bool
    ) -> int:
        """Count a failed fetch; returns the consecutive error count."""
        with self.session() as session:
            row = session.get_one(Source, source_id)
            row.error_count += 1
            row.last_fetch_at = utcnow()
            row.next_fetch_at = next_fetch_at
            row.last_error = (
                f"deactivated after {row.error_count} failures: {error}" if deactivate else error
            )[:2000]
            if deactivate:
                row.active = False
            return row.error_count

    # Stories: near-duplicates across sources.

    def known_article(
        self, *, url: str | None, guid: str | None, source_id: int | None, digest: str | None
    ) -> tuple[int, str] | None:
        """(id, title) of a stored article with this URL, source GUID or content hash.

        Lets polling skip entries it already has before paying for a summary.
        """
        conditions = []
        if url:
            conditions.append(Article.url == url)
        if guid and source_id is not None:
            conditions.append(and_(Article.source_id == source_id, Article.guid == guid))
        if digest:
            conditions.append(Article.content_hash == digest)
        if not conditions:
            return None
        with self.session() as session:  # one round trip; each branch has its unique index
            row = session.execute(
                select(Article.id, Article.title).where(or_(*conditions)).limit(1)
            ).first()
            return (row[0], row[1]) if row is not None else None

    def story_candidates(
        self, *, since: datetime, after_id: int = 0, limit: int = 50000
    ) -> list[tuple[int, int]]:
        """(id, fingerprint) of recent articles that head a story, newer than `after_id`."""
        with self.session() as session:
            rows = session.execute(
                select(Article.id, Article.fingerprint)
                .where(
                    Article.fingerprint.is_not(None),
                    Article.duplicate_of_id.is_(None),
                    Article.created_at >= since,
                    Article.id > after_id,
                )
                .order_by(Article.id.desc())
                .limit(limit)
            )
            # fingerprint IS NOT NULL in the query
            return cast(list[tuple[int, int]], [(article_id, fp) for article_id, fp in rows])

    def article_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        with self.session() as session:
            rows = session.execute(
                select(Article.id, Article.title, Article.body).where(Article.id.in_(ids))
            )
            return {article_id: (title, body) for article_id, title, body in rows}

    def story_sources(self, article_id: int) -> list[str]:
        """URLs (or origins) of the other versions of an article's story, oldest first."""
        with self.session() as session:
            rows = session.execute(
                select(Article.url, Article.origin)
                .where(Article.duplicate_of_id == article_id)
                .order_by(Article.id)
            )
            return cast(list[str], [url or origin for url, origin in rows if url or origin])
