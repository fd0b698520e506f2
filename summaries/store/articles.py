"""Articles, their tags and their summaries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from summaries.models import Article, ArticleTag, Summary, Tag, utcnow
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
    # The story head this article is a later version of: set in the same INSERT, so a
    # planner never sees the article as a story of its own.
    duplicate_of_id: int | None = None


@dataclass(frozen=True)
class ArticleIdentity:
    """What exact deduplication compares: canonical URL, source GUID and content hash."""

    url: str | None
    guid: str | None
    source_id: int | None
    digest: str

    def identity_keys(self) -> list[tuple[object, ...]]:
        """What makes two articles one stored article, in `_find_existing`'s order."""
        keys: list[tuple[object, ...]] = [("hash", self.digest)]
        if self.url:
            keys.append(("url", self.url))
        if self.guid and self.source_id is not None:
            keys.append(("guid", self.source_id, self.guid))
        return keys


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
                    duplicate_of_id=article.duplicate_of_id,
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

    def add_articles(self, articles: Sequence[NewArticle]) -> list[StoredArticle]:
        """Store a batch in one transaction with one multi-row INSERT per table.

        Each article is stored once, exactly as `add_article` would in this order: a copy of
        a stored article, or of an earlier one in the batch, returns the first. Unique
        constraints still decide: when another process stores one of them meanwhile, the
        batch is rolled back and stored one by one.
        """
        if not articles:
            return []
        digests = [content_hash(a.title, a.body) for a in articles]
        try:
            with self.session() as session:
                return self._add_batch(session, articles, digests)
        except IntegrityError:
            return [self.add_article(article) for article in articles]

    def _add_batch(
        self, session: Session, articles: Sequence[NewArticle], digests: list[str]
    ) -> list[StoredArticle]:
        identities = [
            ArticleIdentity(a.url, a.guid, a.source_id, digest)
            for a, digest in zip(articles, digests, strict=True)
        ]
        known = self._existing_by_identity(session, identities)
        results: list[StoredArticle | int | None] = []  # int: same as that earlier item
        first_of: dict[tuple[object, ...], int] = {}
        fresh: list[int] = []
        for index, identity in enumerate(identities):
            keys = identity.identity_keys()
            found = next((known[k] for k in keys if k in known), None)
            if found is not None:
                results.append(StoredArticle(found[0], False, found[1]))
                continue
            earlier = next((first_of[k] for k in keys if k in first_of), None)
            if earlier is not None:
                results.append(earlier)
                continue
            for key in keys:
                first_of[key] = index
            results.append(None)
            fresh.append(index)
        ids = self._insert_articles(
            session, [articles[i] for i in fresh], [digests[i] for i in fresh]
        )
        tags = self._attach_batch_tags(
            session, [(ids[n], articles[i]) for n, i in enumerate(fresh)]
        )
        summaries = [
            {
                "article_id": ids[n],
                "method": articles[i].summary_method,
                "sentences": len(articles[i].summary),
                "text": "\n".join(articles[i].summary),
                "created_at": utcnow(),
            }
            for n, i in enumerate(fresh)
        ]
        if summaries:
            session.execute(insert(cast(Table, Summary.__table__)), summaries)
        for n, i in enumerate(fresh):
            results[i] = StoredArticle(ids[n], True, articles[i].title, tags[n])
        out: list[StoredArticle] = []
        for result in results:
            if isinstance(result, int):
                first = results[result]
                assert isinstance(first, StoredArticle)
                out.append(StoredArticle(first.id, False, first.title))
            else:
                assert result is not None
                out.append(result)
        return out

    def known_articles(self, identities: Sequence[ArticleIdentity]) -> list[tuple[int, str] | None]:
        """(id, title) of the stored article each identity names, if any, in one query.

        Lets ingestion skip copies before paying for their summaries.
        """
        if not identities:
            return []
        with self.session() as session:
            known = self._existing_by_identity(session, identities)
        return [next((known[k] for k in i.identity_keys() if k in known), None) for i in identities]

    def _existing_by_identity(
        self, session: Session, identities: Sequence[ArticleIdentity]
    ) -> dict[tuple[object, ...], tuple[int, str]]:
        """(id, title) of stored articles by identity key, in one query."""
        urls = sorted({i.url for i in identities if i.url})
        digests = sorted({i.digest for i in identities})
        conditions: list[ColumnElement[bool]] = [Article.content_hash.in_(digests)]
        if urls:
            conditions.append(Article.url.in_(urls))
        conditions.extend(
            and_(Article.source_id == i.source_id, Article.guid == i.guid)
            for i in identities
            if i.guid and i.source_id is not None
        )
        rows = session.execute(
            select(
                Article.id, Article.title, Article.content_hash, Article.url, Article.source_id,
                Article.guid,
            ).where(or_(*conditions))
        )  # fmt: skip
        known: dict[tuple[object, ...], tuple[int, str]] = {}
        for article_id, title, digest, url, source_id, guid in rows:
            for key in ArticleIdentity(url, guid, source_id, digest).identity_keys():
                known[key] = (article_id, title)
        return known

    def _insert_articles(
        self, session: Session, articles: Sequence[NewArticle], digests: Sequence[str]
    ) -> list[int]:
        if not articles:
            return []
        now = utcnow()
        table = cast(Table, Article.__table__)
        rows = [
            {
                "url": a.url, "guid": a.guid, "content_hash": digest,
                "fingerprint": a.fingerprint, "duplicate_of_id": a.duplicate_of_id,
                "source_id": a.source_id, "origin": a.origin, "title": a.title, "body": a.body,
                "teaser": a.teaser, "author": a.author, "language": a.language,
                "published_at": a.published_at, "read_count": a.read_count, "created_at": now,
            }
            for a, digest in zip(articles, digests, strict=True)
        ]  # fmt: skip
        result = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        )
        return [row[0] for row in result]

    def _attach_batch_tags(
        self, session: Session, stored: Sequence[tuple[int, NewArticle]]
    ) -> list[tuple[str, ...]]:
        per_article: list[dict[str, tuple[TagRef, str]]] = []
        every: dict[str, TagRef] = {}
        for _, article in stored:
            origins: dict[str, tuple[TagRef, str]] = {}
            for tag in article.tags:
                origins.setdefault(tag.key, (tag, "source"))
            for tag in article.auto_tags:
                origins.setdefault(tag.key, (tag, "auto"))
            per_article.append(origins)
            for tag, _ in origins.values():
                every.setdefault(tag.key, tag)
        if not every:
            return [() for _ in stored]
        # Sorted keys: two batches inserting the same new tags lock them in one order.
        ids = self._tag_ids(session, [every[key] for key in sorted(every)])
        links = [
            {"article_id": article_id, "tag_id": ids[key], "origin": origin}
            for (article_id, _), origins in zip(stored, per_article, strict=True)
            for key, (_, origin) in origins.items()
        ]
        if links:
            session.execute(self._insert(ArticleTag.__table__).on_conflict_do_nothing(), links)
        return [tuple(tag.display for tag, _ in origins.values()) for origins in per_article]

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

    def story_urls(self, article_ids: Iterable[int]) -> dict[int, list[str]]:
        """URLs of the other versions of each article's story, oldest first (one query)."""
        ids = sorted(set(article_ids))
        if not ids:
            return {}
        with self.session() as session:
            rows = session.execute(
                select(Article.duplicate_of_id, Article.url)
                .where(Article.duplicate_of_id.in_(ids), Article.url.is_not(None))
                .order_by(Article.id)
            )
            found: dict[int, list[str]] = {}
            for head_id, url in rows:  # both NOT NULL in the query
                found.setdefault(cast(int, head_id), []).append(cast(str, url))
            return found

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
