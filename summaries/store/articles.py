"""Articles, their tags and their summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from summaries.models import Article, ArticleTag, Summary, Tag
from summaries.store.base import StoreBase, TagRef, content_hash


@dataclass(frozen=True)
class NewArticle:
    """Everything ingestion learned about an article, ready to be stored."""

    title: str
    body: str
    language: str
    summary: Sequence[str]
    summary_method: str
    tags: Sequence[TagRef] = ()
    auto_tags: Sequence[TagRef] = ()
    url: str | None = None
    guid: str | None = None
    teaser: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    read_count: int | None = None
    origin: str | None = None
    source_id: int | None = None
    fingerprint: int | None = None


@dataclass(frozen=True)
class StoredArticle:
    id: int
    created: bool
    title: str
    tags: tuple[str, ...] = field(default_factory=tuple)


class ArticleQueries(StoreBase):
    def add_article(self, article: NewArticle) -> StoredArticle:
        """Store an article once; a second copy (same URL or same text) returns the first."""
        digest = content_hash(article.title, article.body)
        with self.session() as session:
            existing = self._find_existing(session, article, digest)
            if existing is not None:
                return StoredArticle(existing.id, False, existing.title)
        try:
            with self.session() as session:
                row = Article(
                    url=article.url,
                    guid=article.guid,
                    content_hash=digest,
                    fingerprint=article.fingerprint,
                    source_id=article.source_id,
                    origin=article.origin,
                    title=article.title,
                    body=article.body,
                    teaser=article.teaser,
                    author=article.author,
                    language=article.language,
                    published_at=article.published_at,
                    read_count=article.read_count,
                )
                session.add(row)
                session.flush()
                tags = self._attach_tags(session, row.id, article.tags, article.auto_tags)
                session.add(
                    Summary(
                        article_id=row.id,
                        method=article.summary_method,
                        sentences=len(article.summary),
                        text="\n".join(article.summary),
                    )
                )
                return StoredArticle(row.id, True, row.title, tags)
        except IntegrityError:
            # Another process stored the same article between our check and insert.
            with self.session() as session:
                existing = self._find_existing(session, article, digest)
                if existing is None:
                    raise
                return StoredArticle(existing.id, False, existing.title)

    def _find_existing(self, session: Session, article: NewArticle, digest: str) -> Article | None:
        conditions = [Article.content_hash == digest]
        if article.url:
            conditions.append(Article.url == article.url)
        if article.guid and article.source_id is not None:
            conditions.append(
                and_(Article.source_id == article.source_id, Article.guid == article.guid)
            )
        for condition in conditions:
            found = session.scalars(select(Article).where(condition).limit(1)).first()
            if found is not None:
                return found
        return None

    def _attach_tags(
        self,
        session: Session,
        article_id: int,
        given: Sequence[TagRef],
        auto: Sequence[TagRef],
    ) -> tuple[str, ...]:
        origins: dict[str, tuple[TagRef, str]] = {}
        for tag in given:
            origins.setdefault(tag.key, (tag, "source"))
        for tag in auto:
            origins.setdefault(tag.key, (tag, "auto"))
        if not origins:
            return ()
        ids = self._tag_ids(session, [tag for tag, _ in origins.values()])
        session.execute(
            self._insert(ArticleTag).on_conflict_do_nothing(),
            [
                {"article_id": article_id, "tag_id": ids[key], "origin": origin}
                for key, (_, origin) in origins.items()
            ],
        )
        return tuple(tag.display for tag, _ in origins.values())

    def _tag_ids(self, session: Session, tags: Sequence[TagRef]) -> dict[str, int]:
        session.execute(
            self._insert(Tag).on_conflict_do_nothing(index_elements=["key"]),
            [{"key": tag.key, "display": tag.display} for tag in tags],
        )
        rows = session.execute(
            select(Tag.key, Tag.id).where(Tag.key.in_([tag.key for tag in tags]))
        )
        return {key: tag_id for key, tag_id in rows}

    def article_count(self) -> int:
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(Article)) or 0

    def article_tags(self, article_id: int) -> list[TagRef]:
        with self.session() as session:
            rows = session.execute(
                select(Tag.display, Tag.key)
                .join(ArticleTag, ArticleTag.tag_id == Tag.id)
                .where(ArticleTag.article_id == article_id)
                .order_by(ArticleTag.origin.desc(), Tag.display)
            )
            return [TagRef(display, key) for display, key in rows]

    def get_article(self, article_id: int) -> Article | None:
        with self.session() as session:
            return session.get(Article, article_id)

    def latest_summary(self, article_id: int) -> list[str]:
        with self.session() as session:
            text = session.scalar(
                select(Summary.text)
                .where(Summary.article_id == article_id)
                .order_by(Summary.id.desc())
                .limit(1)
            )
            return text.split("\n") if text else []
