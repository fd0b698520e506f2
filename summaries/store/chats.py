"""Chats and their tag subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select

from summaries.models import Chat, Subscription, utcnow
from summaries.store.base import StoreBase, TagRef


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
