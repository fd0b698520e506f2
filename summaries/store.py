"""Every query newsbot makes, in one place.

The store speaks in plain dataclasses so that callers (the CLI, the bot, the
ingestion pipeline) never hold ORM objects across threads or sessions. It is
synchronous; the bot calls it from a worker thread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from summaries.db import make_engine, make_session_factory
from summaries.models import (
    Article,
    ArticleTag,
    Chat,
    Delivery,
    DeliveryState,
    Subscription,
    Summary,
    Tag,
    utcnow,
)


@dataclass(frozen=True)
class TagRef:
    """A tag as shown to people and as matched."""

    display: str
    key: str


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


@dataclass(frozen=True)
class DeliveryJob:
    """A claimed outbox row with what is needed to render and send it."""

    delivery_id: int
    chat_id: int
    chat_type: str
    article_id: int
    attempts: int
    title: str
    summary: tuple[str, ...]
    tags: tuple[str, ...]
    url: str | None
    matched_tag: str | None
    language: str


def content_hash(title: str, body: str) -> str:
    """Identity of an article's text, blind to whitespace and case differences."""
    normalized = " ".join(body.split()).casefold() or " ".join(title.split()).casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


class Store:
    """The article store: articles, tags, chats, subscriptions and the delivery outbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str, **engine_kwargs: Any) -> Store:
        return cls(make_engine(url, **engine_kwargs))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @property
    def _dialect(self) -> str:
        return self.engine.dialect.name

    def _insert(self, table: Any) -> Any:
        """An INSERT that understands ON CONFLICT on both supported backends."""
        return (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)

    # Articles -------------------------------------------------------------

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

    # Chats and subscriptions ---------------------------------------------

    def upsert_chat(
        self,
        chat_id: int,
        *,
        chat_type: str = "private",
        title: str | None = None,
        language: str | None = None,
        reactivate: bool = True,
    ) -> None:
        """Remember a chat; talking to the bot again makes a blocked chat active again."""
        now = utcnow()
        values: dict[str, Any] = {
            "id": chat_id,
            "type": chat_type,
            "title": title,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        if language is not None:
            values["language"] = language
        changes: dict[str, Any] = {"type": chat_type, "title": title, "updated_at": now}
        if language is not None:
            changes["language"] = language
        if reactivate:
            changes["active"] = True
            changes["inactive_reason"] = None
        statement = (
            self._insert(Chat)
            .values(**values)
            .on_conflict_do_update(index_elements=["id"], set_=changes)
        )
        with self.session() as session:
            session.execute(statement)

    def chat(self, chat_id: int) -> Chat | None:
        with self.session() as session:
            return session.get(Chat, chat_id)

    def subscribe(self, chat_id: int, tags: Iterable[TagRef]) -> list[TagRef]:
        """Add subscriptions; returns the ones that were new."""
        wanted = {tag.key: tag for tag in tags}
        if not wanted:
            return []
        with self.session() as session:
            existing = set(
                session.scalars(
                    select(Subscription.tag_key).where(
                        Subscription.chat_id == chat_id, Subscription.tag_key.in_(wanted)
                    )
                )
            )
            new = [tag for key, tag in wanted.items() if key not in existing]
            if new:
                session.execute(
                    self._insert(Subscription).on_conflict_do_nothing(),
                    [
                        {
                            "chat_id": chat_id,
                            "tag_key": tag.key,
                            "tag_display": tag.display,
                            "created_at": utcnow(),
                        }
                        for tag in new
                    ],
                )
            return new

    def unsubscribe(self, chat_id: int, keys: Iterable[str]) -> list[str]:
        """Remove subscriptions by key; returns the display forms that were removed."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        with self.session() as session:
            removed = list(
                session.scalars(
                    delete(Subscription)
                    .where(Subscription.chat_id == chat_id, Subscription.tag_key.in_(keys))
                    .returning(Subscription.tag_display)
                )
            )
            return removed

    def subscriptions(self, chat_id: int) -> list[TagRef]:
        with self.session() as session:
            rows = session.execute(
                select(Subscription.tag_display, Subscription.tag_key)
                .where(Subscription.chat_id == chat_id)
                .order_by(Subscription.tag_key)
            )
            return [TagRef(display, key) for display, key in rows]

    def subscription_count(self, chat_id: int) -> int:
        with self.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Subscription)
                    .where(Subscription.chat_id == chat_id)
                )
                or 0
            )

    # Delivery outbox -----------------------------------------------------

    def plan_deliveries(self, *, limit: int = 100) -> int:
        """Fan new articles out into outbox rows, one set-based INSERT per article.

        Returns the number of outbox rows created. Chats subscribed to several of an
        article's tags still get one row; the unique constraint guards against a second
        planner (another process) doing the same work.
        """
        created = 0
        with self.session() as session:
            article_ids = list(
                session.scalars(
                    select(Article.id)
                    .where(Article.planned_at.is_(None))
                    .order_by(Article.id)
                    .limit(limit)
                )
            )
        for article_id in article_ids:
            created += self._plan_article(article_id)
        return created

    def _plan_article(self, article_id: int) -> int:
        now = utcnow()
        matches = (
            select(
                Subscription.chat_id,
                literal(article_id),
                func.min(Subscription.tag_display),
                literal(DeliveryState.PENDING.value),
                literal(0),
                literal(now, type_=Delivery.next_attempt_at.type),
                literal(now, type_=Delivery.created_at.type),
                literal(now, type_=Delivery.updated_at.type),
            )
            .join(Tag, Tag.key == Subscription.tag_key)
            .join(ArticleTag, ArticleTag.tag_id == Tag.id)
            .join(Chat, Chat.id == Subscription.chat_id)
            .join(Article, Article.id == ArticleTag.article_id)
            .where(
                ArticleTag.article_id == article_id,
                Chat.active.is_(True),
                Article.duplicate_of_id.is_(None),
            )
            .group_by(Subscription.chat_id)
        )
        statement = (
            self._insert(Delivery)
            .from_select(
                [
                    "chat_id",
                    "article_id",
                    "matched_tag",
                    "state",
                    "attempts",
                    "next_attempt_at",
                    "created_at",
                    "updated_at",
                ],
                matches,
            )
            .on_conflict_do_nothing()
            .returning(Delivery.id)
        )
        with self.session() as session:
            claimed = session.execute(
                update(Article)
                .where(Article.id == article_id, Article.planned_at.is_(None))
                .values(planned_at=now)
            )
            if claimed.rowcount == 0:
                return 0  # another planner got there first
            return len(session.scalars(statement).all())

    def claim_deliveries(
        self, *, limit: int = 50, now: datetime | None = None
    ) -> list[DeliveryJob]:
        """Move due pending rows to `sending` and return them; claimers skip each other."""
        now = now or utcnow()
        due = (
            select(Delivery.id)
            .where(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        with self.session() as session:
            ids = list(
                session.scalars(
                    update(Delivery)
                    .where(Delivery.id.in_(due.scalar_subquery()))
                    .values(
                        state=DeliveryState.SENDING,
                        claimed_at=now,
                        attempts=Delivery.attempts + 1,
                        updated_at=now,
                    )
                    .returning(Delivery.id)
                )
            )
            if not ids:
                return []
            return self._jobs(session, ids)

    def _jobs(self, session: Session, ids: list[int]) -> list[DeliveryJob]:
        latest_summary = (
            select(Summary.text)
            .where(Summary.article_id == Article.id)
            .order_by(Summary.id.desc())
            .limit(1)
            .correlate(Article)
            .scalar_subquery()
        )
        rows = session.execute(
            select(Delivery, Article, Chat.type, latest_summary)
            .join(Article, Article.id == Delivery.article_id)
            .join(Chat, Chat.id == Delivery.chat_id)
            .where(Delivery.id.in_(ids))
            .order_by(Delivery.id)
        ).all()
        jobs = []
        for delivery, article, chat_type, summary_text in rows:
            jobs.append(
                DeliveryJob(
                    delivery_id=delivery.id,
                    chat_id=delivery.chat_id,
                    chat_type=chat_type,
                    article_id=article.id,
                    attempts=delivery.attempts,
                    title=article.title,
                    summary=tuple(summary_text.split("\n")) if summary_text else (),
                    tags=tuple(link.tag.display for link in article.tags),
                    url=article.url,
                    matched_tag=delivery.matched_tag,
                    language=article.language,
                )
            )
        return jobs

    def mark_sent(self, delivery_id: int, message_id: int | None) -> None:
        now = utcnow()
        with self.session() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(
                    state=DeliveryState.SENT,
                    message_id=message_id,
                    sent_at=now,
                    updated_at=now,
                    last_error=None,
                )
            )

    def mark_retry(self, delivery_id: int, error: str, *, delay: timedelta) -> None:
        now = utcnow()
        with self.session() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(
                    state=DeliveryState.PENDING,
                    last_error=error,
                    next_attempt_at=now + delay,
                    updated_at=now,
                )
            )

    def mark_failed(self, delivery_id: int, error: str) -> None:
        with self.session() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(state=DeliveryState.FAILED, last_error=error, updated_at=utcnow())
            )

    def release_stale_claims(self, *, older_than: timedelta) -> int:
        """Return rows stuck in `sending` (their sender died) to the queue.

        A message that was in flight when its sender died may thus be sent once more:
        Telegram offers no idempotency key, so at-most-one duplicate is the bound.
        """
        now = utcnow()
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.state == DeliveryState.SENDING,
                    Delivery.claimed_at < now - older_than,
                )
                .values(state=DeliveryState.PENDING, updated_at=now)
            )
            return result.rowcount or 0

    def deactivate_chat(self, chat_id: int, reason: str) -> int:
        """Stop sending to a chat that blocked or removed the bot; keep its subscriptions.

        Its queued messages are held, not dropped.
        """
        now = utcnow()
        with self.session() as session:
            session.execute(
                update(Chat)
                .where(Chat.id == chat_id)
                .values(active=False, inactive_reason=reason, updated_at=now)
            )
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.chat_id == chat_id,
                    Delivery.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
                )
                .values(state=DeliveryState.HELD, last_error=reason, updated_at=now)
            )
            return result.rowcount or 0

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move the chat, its subscriptions and its outbox."""
        with self.session() as session:
            old = session.get(Chat, old_id)
            if old is None:
                return
            if session.get(Chat, new_id) is None:
                session.execute(
                    update(Chat).where(Chat.id == old_id).values(id=new_id, type="supergroup")
                )
                return
            subscriptions = session.execute(
                select(Subscription.tag_key, Subscription.tag_display).where(
                    Subscription.chat_id == old_id
                )
            ).all()
            if subscriptions:
                session.execute(
                    self._insert(Subscription).on_conflict_do_nothing(),
                    [
                        {
                            "chat_id": new_id,
                            "tag_key": key,
                            "tag_display": display,
                            "created_at": utcnow(),
                        }
                        for key, display in subscriptions
                    ],
                )
            already = select(Delivery.article_id).where(Delivery.chat_id == new_id)
            session.execute(
                update(Delivery)
                .where(Delivery.chat_id == old_id, Delivery.article_id.not_in(already))
                .values(chat_id=new_id)
            )
            session.execute(delete(Chat).where(Chat.id == old_id))

    def delivery_counts(self) -> dict[str, int]:
        with self.session() as session:
            rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
            return {DeliveryState(state).value: count for state, count in rows}

    def deliveries_for_chat(self, chat_id: int) -> list[tuple[int, str]]:
        """(article id, state) of a chat's outbox rows, oldest first."""
        with self.session() as session:
            rows = session.execute(
                select(Delivery.article_id, Delivery.state)
                .where(Delivery.chat_id == chat_id)
                .order_by(Delivery.id)
            )
            return [(article_id, DeliveryState(state).value) for article_id, state in rows]
