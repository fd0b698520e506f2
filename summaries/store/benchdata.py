"""Bulk synthetic data for `newsbot bench`: many chats, subscriptions and tagged articles.

Kept apart from the query mixins: only benchmarks call it. Inserts go in large batches
(or, on PostgreSQL, one set-based INSERT ... SELECT over generate_series).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select, text

from summaries.models import Article, ArticleTag, Chat, Subscription, Tag, utcnow
from summaries.store import Store
from summaries.store.base import content_hash

BATCH = 20_000


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def add_chats(
    store: Store,
    count: int,
    *,
    tag_keys: list[str],
    first_id: int = 1,
    group_share: float = 0.0,
) -> list[tuple[int, str]]:
    """`count` active chats subscribed to every key in `tag_keys`; returns (id, type)."""
    now = utcnow()
    groups = int(count * group_share)
    chats = [(-(first_id + i), "group") for i in range(groups)]
    chats += [(first_id + i, "private") for i in range(groups, count)]
    with store.session() as session:
        for batch in _batches(
            {"id": chat_id, "type": kind, "active": True, "created_at": now, "updated_at": now}
            for chat_id, kind in chats
        ):
            session.execute(insert(Chat), batch)
        for batch in _batches(
            {"chat_id": chat_id, "tag_key": key, "tag_display": key, "created_at": now}
            for chat_id, _ in chats
            for key in tag_keys
        ):
            session.execute(insert(Subscription), batch)
    return chats


def add_tagged_article(store: Store, title: str, tag_keys: list[str]) -> int:
    """An unplanned article carrying the given tags (created if missing), with a summary."""
    from summaries.store import NewArticle, TagRef

    return store.add_article(
        NewArticle(
            title=title,
            body=f"{title}. Synthetic benchmark article body.",
            language="en",
            summary=[f"Summary of {title}."],
            summary_method="bench",
            tags=[TagRef(key, key) for key in tag_keys],
        )
    ).id


def seed_match_corpus(
    store: Store, *, chats: int, tags: int, per_chat: int, articles: int, tags_per_article: int
) -> list[int]:
    """chats x per_chat subscriptions spread over `tags` tag keys, and tagged articles.

    Chat c follows tags (c * 7919 + k * 1009) mod `tags` for k < per_chat: spread evenly,
    deterministic. Returns the article ids (already marked planned, so no fan-out runs).
    """
    now = utcnow()
    with store.session() as session:
        if store.engine.dialect.name == "postgresql":
            session.execute(
                text(
                    "INSERT INTO tags (key, display) SELECT 't' || n, 'T' || n "
                    "FROM generate_series(0, :tags - 1) AS n"
                ),
                {"tags": tags},
            )
            session.execute(
                text(
                    "INSERT INTO chats (id, type, active, created_at, updated_at) "
                    "SELECT c, 'private', true, :now, :now FROM generate_series(1, :chats) AS c"
                ),
                {"chats": chats, "now": now},
            )
            session.execute(
                text(
                    "INSERT INTO subscriptions (chat_id, tag_key, tag_display, created_at) "
                    "SELECT c, 't' || ((c * 7919 + k * 1009) % :tags), 'x', :now "
                    "FROM generate_series(1, :chats) AS c, generate_series(0, :per - 1) AS k "
                    "ON CONFLICT DO NOTHING"
                ),
                {"chats": chats, "tags": tags, "per": per_chat, "now": now},
            )
            session.execute(text("ANALYZE tags; ANALYZE chats; ANALYZE subscriptions"))
        else:
            for batch in _batches({"key": f"t{n}", "display": f"T{n}"} for n in range(tags)):
                session.execute(insert(Tag), batch)
            for batch in _batches(
                {"id": c, "type": "private", "active": True, "created_at": now, "updated_at": now}
                for c in range(1, chats + 1)
            ):
                session.execute(insert(Chat), batch)
            keys = {
                (c, f"t{(c * 7919 + k * 1009) % tags}")
                for c in range(1, chats + 1)
                for k in range(per_chat)
            }
            for batch in _batches(
                {"chat_id": c, "tag_key": key, "tag_display": "x", "created_at": now}
                for c, key in keys
            ):
                session.execute(insert(Subscription), batch)
        tag_ids = dict(session.execute(select(Tag.key, Tag.id)).tuples().all())
        rng = random.Random(5)
        ids = []
        for n in range(articles):
            title = f"Match bench article {n}"
            article = Article(
                title=title,
                body=title,
                language="en",
                content_hash=content_hash(title, f"match-bench-{n}"),
                planned_at=now,
            )
            session.add(article)
            session.flush()
            for key in rng.sample(sorted(tag_ids), tags_per_article):
                session.add(ArticleTag(article_id=article.id, tag_id=tag_ids[key]))
            ids.append(article.id)
        if store.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE articles; ANALYZE article_tags"))
        else:
            session.execute(text("ANALYZE"))
    return ids
