"""Reading articles back for people: latest, full-text search, tags with their counts.

Full-text search: SQLite uses a contentless FTS5 table (`articles_fts`, created by
migration 0004) that is topped up here before each search, ranked with bm25 and
the title weighted over the body. PostgreSQL uses the expression GIN index of
migration 0004: each article's tsvector is built with its own language's
configuration, and the query is parsed in every configuration we know and OR-ed,
so a word matches in the article's language whatever language the reader writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from summaries.models import Article, ArticleTag, Subscription, Summary, Tag, utcnow
from summaries.store.base import StoreBase

# Keep in sync with newsbot_ts_config() in migration 0004.
TS_CONFIGS = (
    "simple",
    "german",
    "english",
    "french",
    "spanish",
    "italian",
    "dutch",
    "portuguese",
    "russian",
    "turkish",
)
_PG_VECTOR = (
    "setweight(to_tsvector(newsbot_ts_config(a.language), coalesce(a.title, '')), 'A')"
    " || setweight(to_tsvector(newsbot_ts_config(a.language), coalesce(a.body, '')), 'B')"
)
_FTS_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class ArticleBrief:
    """An article as listed to a reader."""

    id: int
    title: str
    url: str | None
    language: str
    published_at: datetime | None
    summary: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class TagCount:
    id: int
    key: str
    display: str
    articles: int


class SearchQueries(StoreBase):
    def latest_articles(self, *, limit: int = 5, tag_key: str | None = None) -> list[ArticleBrief]:
        """The newest articles (by ingestion), optionally only those carrying a tag."""
        query = select(Article.id).where(Article.duplicate_of_id.is_(None))
        if tag_key is not None:
            query = (
                query.join(ArticleTag, ArticleTag.article_id == Article.id)
                .join(Tag, Tag.id == ArticleTag.tag_id)
                .where(Tag.key == tag_key)
            )
        query = query.order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
        with self.session() as session:
            return self._briefs(session, list(session.scalars(query)))

    def search_articles(self, words: str, *, limit: int = 5) -> list[ArticleBrief]:
        """Articles matching all the words, best matches first; empty for an empty query."""
        tokens = _FTS_WORD.findall(words)[:MAX_QUERY_WORDS]
        if not tokens:
            return []
        with self.session() as session:
            if self._dialect == "postgresql":
                ids = self._search_postgresql(session, " ".join(tokens), limit)
            else:
                ids = self._search_sqlite(session, tokens, limit)
            return self._briefs(session, ids)

    def _search_postgresql(self, session: Session, query: str, limit: int) -> list[int]:
        tsquery = " || ".join(f"websearch_to_tsquery('{cfg}', :q)" for cfg in TS_CONFIGS)
        statement = text(
            f"SELECT a.id FROM articles a CROSS JOIN (SELECT {tsquery} AS query) q "
            f"WHERE ({_PG_VECTOR}) @@ q.query AND a.duplicate_of_id IS NULL "
            f"ORDER BY ts_rank_cd({_PG_VECTOR}, q.query) DESC, a.created_at DESC, a.id DESC "
            "LIMIT :limit"
        )
        return list(session.scalars(statement, {"q": query, "limit": limit}))

    def _search_sqlite(self, session: Session, tokens: Sequence[str], limit: int) -> list[int]:
        self._sync_fts(session)
        # Each word quoted (so FTS5 operators typed by people mean nothing); words of 4+
        # letters also match as prefixes, a cheap stand-in for stemming (Wahl -> Wahlen).
        terms = [f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in tokens]
        statement = text(
            "SELECT f.rowid FROM articles_fts f JOIN articles a ON a.id = f.rowid "
            "WHERE articles_fts MATCH :match AND a.duplicate_of_id IS NULL "
            "ORDER BY bm25(articles_fts, 4.0, 1.0), a.created_at DESC, a.id DESC LIMIT :limit"
        )
        return list(session.scalars(statement, {"match": " ".join(terms), "limit": limit}))

    def _sync_fts(self, session: Session) -> None:
        """Index articles added since the last search (rowid = article id)."""
        session.execute(
            text(
                "INSERT INTO articles_fts(rowid, title, body) "
                "SELECT id, title, body FROM articles "
                "WHERE id > (SELECT coalesce(max(rowid), 0) FROM articles_fts) ORDER BY id"
            )
        )

    def _briefs(self, session: Session, ids: list[int]) -> list[ArticleBrief]:
        if not ids:
            return []
        summaries = _latest_summaries(session, ids)
        tags: dict[int, list[str]] = {}
        for article_id, display in session.execute(
            select(ArticleTag.article_id, Tag.display)
            .join(Tag, Tag.id == ArticleTag.tag_id)
            .where(ArticleTag.article_id.in_(ids))
            .order_by(ArticleTag.origin.desc(), Tag.display)
        ):
            tags.setdefault(article_id, []).append(display)
        articles = {
            row.id: row
            for row in session.execute(
                select(
                    Article.id, Article.title, Article.url, Article.language, Article.published_at
                ).where(Article.id.in_(ids))
            )
        }
        return [
            ArticleBrief(
                id=i,
                title=articles[i].title,
                url=articles[i].url,
                language=articles[i].language,
                published_at=articles[i].published_at,
                summary=tuple(summaries.get(i, "").split("\n")) if summaries.get(i) else (),
                tags=tuple(tags.get(i, ())),
            )
            for i in ids
            if i in articles
        ]

    def tag_counts(
        self, *, offset: int = 0, limit: int = 10, days: int = 30
    ) -> tuple[list[TagCount], int]:
        """Tags of articles from the last `days` days, most used first, and how many in all."""
        since = utcnow() - timedelta(days=days)
        counted = (
            select(Tag.id, Tag.key, Tag.display, func.count(ArticleTag.article_id).label("n"))
            .join(ArticleTag, ArticleTag.tag_id == Tag.id)
            .join(Article, Article.id == ArticleTag.article_id)
            .where(Article.created_at >= since, Article.duplicate_of_id.is_(None))
            .group_by(Tag.id, Tag.key, Tag.display)
        )
        with self.session() as session:
            total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
            page = (
                counted.order_by(func.count(ArticleTag.article_id).desc(), Tag.key)
                .offset(offset)
                .limit(limit)
            )
            rows = session.execute(page)
            return [TagCount(i, k, d, n) for i, k, d, n in rows], total

    def tag_by_id(self, tag_id: int) -> TagCount | None:
        with self.session() as session:
            row = session.execute(
                select(Tag.id, Tag.key, Tag.display).where(Tag.id == tag_id)
            ).first()
            return TagCount(row[0], row[1], row[2], 0) if row else None

    def subscribed_keys(self, chat_id: int, keys: Sequence[str]) -> set[str]:
        """Which of these tag keys the chat follows."""
        if not keys:
            return set()
        with self.session() as session:
            return set(
                session.scalars(
                    select(Subscription.tag_key).where(
                        Subscription.chat_id == chat_id, Subscription.tag_key.in_(list(keys))
                    )
                )
            )


def _latest_summaries(session: Session, ids: list[int]) -> dict[int, str]:
    newest = (
        select(Summary.article_id, func.max(Summary.id).label("sid"))
        .where(Summary.article_id.in_(ids))
        .group_by(Summary.article_id)
        .subquery()
    )
    rows = session.execute(
        select(Summary.article_id, Summary.text).join(newest, newest.c.sid == Summary.id)
    )
    return {article_id: summary for article_id, summary in rows}
