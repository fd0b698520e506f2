"""The outbox side of daily digests: parking rows for a chat's digest and sending them.

A digest chat's rows go `sending` -> `digest` (parked by the delivery worker), then at
the chat's local digest time `digest` -> `sending` (claimed by the digest runner) ->
`sent`, together with the chat's `last_digest_at`, in one transaction. A runner that
dies mid-digest leaves `sending` rows whose lease expires; the delivery worker then
re-queues them and parks them again, so the next digest includes them (at most one
repeat, the same bound as for instant messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from summaries.models import Article, ChatSettings, Delivery, DeliveryState, Summary, utcnow
from summaries.store.base import StoreBase, rowcount
from summaries.store.outbox import claim_rows, held_by


@dataclass(frozen=True)
class DigestItem:
    delivery_id: int
    article_id: int
    title: str
    url: str | None
    summary: tuple[str, ...]
    matched_tag: str | None
    attempts: int = 1  # digest rounds that claimed the row, this one included


class DigestQueries(StoreBase):
    def park_for_digest(self, delivery_ids: list[int], owner: str | None = None) -> int:
        """Move claimed rows of digest chats out of the send queue until their digest."""
        if not delivery_ids:
            return 0
        conditions = [
            Delivery.id.in_(delivery_ids),
            Delivery.state == DeliveryState.SENDING,
            *held_by(owner),
        ]
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(*conditions)
                .values(
                    state=DeliveryState.DIGEST,
                    claimed_by=None,
                    attempts=Delivery.attempts - 1,
                    updated_at=utcnow(),
                )
            )
            return rowcount(result) or 0

    def claim_digest(
        self, chat_id: int, owner: str, *, now: datetime | None = None, limit: int = 500
    ) -> list[DigestItem]:
        """Claim a chat's parked rows (oldest first) for sending as one digest."""
        now = now or utcnow()
        parked = (
            select(Delivery.id)
            .where(Delivery.chat_id == chat_id, Delivery.state == DeliveryState.DIGEST)
            .order_by(Delivery.id)
            .limit(limit)
        )
        with self.session() as session:
            ids = claim_rows(session, parked, owner=owner, now=now)
            if not ids:
                return []
            newest = (
                select(Summary.article_id, func.max(Summary.id).label("sid"))
                .group_by(Summary.article_id)
                .subquery()
            )
            rows = session.execute(
                select(
                    Delivery.id,
                    Article.id,
                    Article.title,
                    Article.url,
                    Summary.text,
                    Delivery.matched_tag,
                    Delivery.attempts,
                )
                .join(Article, Article.id == Delivery.article_id)
                .outerjoin(newest, newest.c.article_id == Article.id)
                .outerjoin(Summary, Summary.id == newest.c.sid)
                .where(Delivery.id.in_(ids))
                .order_by(Delivery.id)
            )
            return [
                DigestItem(d, a, title, url, tuple(text.split("\n")) if text else (), tag, n)
                for d, a, title, url, text, tag, n in rows
            ]

    def return_to_digest(self, delivery_ids: list[int], owner: str) -> int:
        """Give claimed digest rows back (sending failed); they go out with the next try."""
        if not delivery_ids:
            return 0
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(Delivery.id.in_(delivery_ids), *held_by(owner))
                .values(state=DeliveryState.DIGEST, claimed_by=None, updated_at=utcnow())
            )
            return rowcount(result) or 0

    def fail_digest(self, delivery_ids: list[int], reason: str, owner: str) -> int:
        """Give up on claimed digest rows (a permanent error, or too many attempts)."""
        if not delivery_ids:
            return 0
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(Delivery.id.in_(delivery_ids), *held_by(owner))
                .values(
                    state=DeliveryState.FAILED,
                    last_error=reason,
                    claimed_by=None,
                    updated_at=utcnow(),
                )
            )
            return rowcount(result) or 0

    def finish_digest(
        self,
        chat_id: int,
        sent: list[tuple[int, int | None]],
        owner: str | None,
        *,
        now: datetime | None = None,
    ) -> None:
        """Record a sent digest: its rows (with the message that carried each) and the time."""
        now = now or utcnow()
        with self.session() as session:
            for delivery_id, message_id in sent:
                conditions = [
                    Delivery.id == delivery_id,
                    Delivery.state == DeliveryState.SENDING,
                    *held_by(owner),
                ]
                session.execute(
                    update(Delivery)
                    .where(*conditions)
                    .values(
                        state=DeliveryState.SENT,
                        message_id=message_id,
                        sent_at=now,
                        claimed_by=None,
                        last_error=None,
                        updated_at=now,
                    )
                )
            session.execute(
                update(ChatSettings)
                .where(ChatSettings.chat_id == chat_id)
                .values(last_digest_at=now, updated_at=now)
            )

    def unpark_digest(self, chat_id: int) -> int:
        """A chat left digest mode: its parked rows go back to the send queue."""
        now = utcnow()
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(Delivery.chat_id == chat_id, Delivery.state == DeliveryState.DIGEST)
                .values(state=DeliveryState.PENDING, next_attempt_at=now, updated_at=now)
            )
            return rowcount(result) or 0

    def parked_count(self, chat_id: int) -> int:
        with self.session() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.chat_id == chat_id, Delivery.state == DeliveryState.DIGEST)
                )
                or 0
            )
