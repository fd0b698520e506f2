"""Chats, their tag subscriptions, their settings and their forum topic routes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from summaries.models import Chat, ChatSettings, Subscription, TopicRoute, utcnow
from summaries.store.base import StoreBase, TagRef, rowcount

DEFAULT_SUMMARY_SENTENCES = 3


@dataclass(frozen=True)
class ChatConfig:
    """A chat's settings with defaults filled in (a chat without a settings row has these)."""

    chat_id: int
    chat_type: str = "private"
    active: bool = True
    chat_language: str | None = None
    language: str | None = None
    summary_sentences: int = DEFAULT_SUMMARY_SENTENCES
    mode: str = "instant"
    digest_minute: int = 480
    timezone: str = "UTC"
    quiet_start: int | None = None
    quiet_end: int | None = None
    link_previews: bool = False
    paused: bool = False
    include_words: tuple[str, ...] = ()
    exclude_words: tuple[str, ...] = ()
    last_digest_at: datetime | None = None
    topics: tuple[tuple[str, int], ...] = ()  # (tag key, forum topic id)

    @property
    def digest(self) -> bool:
        return self.mode == "digest"


SETTING_COLUMNS = frozenset(
    {
        "language",
        "summary_sentences",
        "mode",
        "digest_minute",
        "timezone",
        "quiet_start",
        "quiet_end",
        "link_previews",
        "paused",
        "include_words",
        "exclude_words",
        "last_digest_at",
    }
)


def _config(
    chat: Chat, row: ChatSettings | None, topics: tuple[tuple[str, int], ...] = ()
) -> ChatConfig:
    if row is None:
        return ChatConfig(chat.id, chat.type, chat.active, chat.language, topics=topics)
    return ChatConfig(
        chat_id=chat.id,
        chat_type=chat.type,
        active=chat.active,
        chat_language=chat.language,
        language=row.language,
        summary_sentences=row.summary_sentences or DEFAULT_SUMMARY_SENTENCES,
        mode=row.mode,
        digest_minute=row.digest_minute,
        timezone=row.timezone,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        link_previews=row.link_previews,
        paused=row.paused,
        include_words=tuple(w for w in row.include_words.split("\n") if w),
        exclude_words=tuple(w for w in row.exclude_words.split("\n") if w),
        last_digest_at=row.last_digest_at,
        topics=topics,
    )


class ChatQueries(StoreBase):
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

    def unsubscribe_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; returns how many there were."""
        with self.session() as session:
            result = session.execute(delete(Subscription).where(Subscription.chat_id == chat_id))
            return rowcount(result) or 0

    def chat_config(self, chat_id: int) -> ChatConfig:
        """The chat's settings; an unknown chat gets the defaults."""
        return self.chat_configs([chat_id]).get(chat_id, ChatConfig(chat_id))

    def chat_configs(self, chat_ids: Iterable[int]) -> dict[int, ChatConfig]:
        """Settings of many chats in one query (for the delivery worker's batches)."""
        ids = list(set(chat_ids))
        if not ids:
            return {}
        with self.session() as session:
            rows = session.execute(
                select(Chat, ChatSettings)
                .outerjoin(ChatSettings, ChatSettings.chat_id == Chat.id)
                .where(Chat.id.in_(ids))
            ).all()
            topics: dict[int, list[tuple[str, int]]] = {}
            for chat_id, key, thread in session.execute(
                select(TopicRoute.chat_id, TopicRoute.tag_key, TopicRoute.thread_id).where(
                    TopicRoute.chat_id.in_(ids)
                )
            ):
                topics.setdefault(chat_id, []).append((key, thread))
            return {
                chat.id: _config(chat, settings, tuple(sorted(topics.get(chat.id, ()))))
                for chat, settings in rows
            }

    def digest_chats(self) -> list[ChatConfig]:
        """Active chats in daily-digest mode."""
        with self.session() as session:
            rows = session.execute(
                select(Chat, ChatSettings)
                .join(ChatSettings, ChatSettings.chat_id == Chat.id)
                .where(ChatSettings.mode == "digest", Chat.active.is_(True))
            )
            return [_config(chat, settings) for chat, settings in rows]

    def update_chat_config(self, chat_id: int, **values: Any) -> ChatConfig:
        """Change some settings of a known chat (see `SETTING_COLUMNS`); returns the result."""
        unknown = set(values) - SETTING_COLUMNS
        if unknown:
            raise ValueError(f"not chat settings: {sorted(unknown)}")
        now = utcnow()
        defaults = {
            "mode": "instant",
            "digest_minute": 480,
            "timezone": "UTC",
            "link_previews": False,
            "paused": False,
            "include_words": "",
            "exclude_words": "",
        }
        statement = (
            self._insert(ChatSettings)
            .values(chat_id=chat_id, updated_at=now, **{**defaults, **values})
            .on_conflict_do_update(index_elements=["chat_id"], set_={**values, "updated_at": now})
        )
        with self.session() as session:
            if session.get(Chat, chat_id) is None:
                raise LookupError(f"unknown chat {chat_id}")
            session.execute(statement)
        return self.chat_config(chat_id)

    def set_topic_route(self, chat_id: int, tag_key: str, thread_id: int | None) -> None:
        """Send articles matching `tag_key` to a forum topic (None: back to the main chat)."""
        with self.session() as session:
            session.execute(
                delete(TopicRoute).where(
                    TopicRoute.chat_id == chat_id, TopicRoute.tag_key == tag_key
                )
            )
            if thread_id is not None:
                session.add(TopicRoute(chat_id=chat_id, tag_key=tag_key, thread_id=thread_id))

    def topic_routes(self, chat_id: int) -> dict[str, int]:
        with self.session() as session:
            rows = session.execute(
                select(TopicRoute.tag_key, TopicRoute.thread_id).where(
                    TopicRoute.chat_id == chat_id
                )
            )
            return {key: thread for key, thread in rows}
