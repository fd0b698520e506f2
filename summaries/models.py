"""The article store's tables, as typed SQLAlchemy 2 models.

Every query lives in `summaries.store`; this module only says what is stored.
Telegram chat ids are 64-bit, so they are BigInteger everywhere.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TAG_KEY_LENGTH = 128
URL_LENGTH = 2048


def utcnow() -> datetime:
    """Timezone-aware now; the database stores UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite hands back naive ones otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DeliveryState(enum.StrEnum):
    """Where one (chat, article) message is in the outbox."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"
    FAILED = "failed"
    # Parked for the chat's next daily digest (bot/digest.py sends it with the others).
    DIGEST = "digest"


class Source(Base):
    """A feed or page that newsbot polls, or a named origin of dumped reports."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="feed")
    title: Mapped[str | None] = mapped_column(Text)
    default_tags: Mapped[str] = mapped_column(Text, default="")
    interval_minutes: Mapped[int] = mapped_column(Integer, default=15)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Article(Base):
    """One news report as ingested, with what was parsed out of it."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH), unique=True)
    guid: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    fingerprint: Mapped[int | None] = mapped_column(BigInteger)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    origin: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    teaser: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tags: Mapped[list[ArticleTag]] = relationship(
        back_populates="article", cascade="all, delete-orphan", lazy="selectin"
    )
    summaries: Mapped[list[Summary]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_articles_planned_at_null", "planned_at", "id"),
        UniqueConstraint("source_id", "guid", name="uq_articles_source_guid"),
    )


class Summary(Base):
    """A summary computed once per article and summarizer version, shared by all subscribers."""

    __tablename__ = "summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(64))
    sentences: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    article: Mapped[Article] = relationship(back_populates="summaries")

    __table_args__ = (UniqueConstraint("article_id", "method", "sentences"),)


class Tag(Base):
    """A tag as people write it (display) and as it is matched (key)."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(TAG_KEY_LENGTH), unique=True)
    display: Mapped[str] = mapped_column(String(TAG_KEY_LENGTH))


class ArticleTag(Base):
    """Which tags an article carries, and whether the source or newsbot gave them."""

    __tablename__ = "article_tags"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    origin: Mapped[str] = mapped_column(String(8), default="source")

    article: Mapped[Article] = relationship(back_populates="tags")
    tag: Mapped[Tag] = relationship(lazy="joined")

    __table_args__ = (Index("ix_article_tags_tag_id", "tag_id"),)


class Chat(Base):
    """A Telegram chat that talked to the bot; inactive chats keep their subscriptions."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    inactive_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    # The few inactive chats, so matching excludes them with one small hash anti-join
    # instead of probing every matched chat (migration 0003).
    __table_args__ = (
        Index(
            "ix_chats_inactive",
            "id",
            postgresql_where=text("NOT active"),
            sqlite_where=text("NOT active"),
        ),
    )


class Subscription(Base):
    """A chat wants articles carrying the tag with this key (the tag need not exist yet)."""

    __tablename__ = "subscriptions"

    chat_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
    )
    tag_key: Mapped[str] = mapped_column(String(TAG_KEY_LENGTH), primary_key=True)
    tag_display: Mapped[str] = mapped_column(String(TAG_KEY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_subscriptions_tag_key", "tag_key", "chat_id"),)


class Delivery(Base):
    """One message in the outbox; the unique (chat, article) pair makes a second copy impossible.

    chat_id and article_id carry no foreign-key constraints (migration 0003): PostgreSQL
    checks those with a trigger per row, which doubled the time of a 100k-chat fan-out.
    Rows are only written by the store, which takes both ids from chats and articles.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    article_id: Mapped[int] = mapped_column(Integer)
    matched_tag: Mapped[str | None] = mapped_column(String(TAG_KEY_LENGTH))
    state: Mapped[DeliveryState] = mapped_column(
        Enum(
            DeliveryState,
            name="delivery_state",
            native_enum=False,
            length=16,
            values_callable=lambda states: [s.value for s in states],
        ),
        default=DeliveryState.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The process holding a `sending` row; claimed_at is its lease heartbeat.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("chat_id", "article_id", name="uq_deliveries_chat_article"),
        Index("ix_deliveries_state_next", "state", "next_attempt_at"),
        Index("ix_deliveries_article_id", "article_id"),
    )


class ChatSettings(Base):
    """How one chat wants its news; a chat without a row uses the defaults."""

    __tablename__ = "chat_settings"

    chat_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    language: Mapped[str | None] = mapped_column(String(8))
    summary_sentences: Mapped[int | None] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(8), default="instant")
    digest_minute: Mapped[int] = mapped_column(Integer, default=480)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    link_previews: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    include_words: Mapped[str] = mapped_column(Text, default="")
    exclude_words: Mapped[str] = mapped_column(Text, default="")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class TopicRoute(Base):
    """In a forum supergroup, articles matching `tag_key` go to one topic (message thread)."""

    __tablename__ = "topic_routes"

    chat_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
    )
    tag_key: Mapped[str] = mapped_column(String(TAG_KEY_LENGTH), primary_key=True)
    thread_id: Mapped[int] = mapped_column(BigInteger)
