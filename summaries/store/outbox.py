"""The delivery outbox: planning fan-outs, claiming rows, recording outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, literal, select, text, update
from sqlalchemy.orm import Session

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
from summaries.store.base import StoreBase, rowcount


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


def claim_rows(
    session: Session, due: Select[Any], *, owner: str | None, now: datetime
) -> list[int]:
    """Move the rows `due` selects (Delivery ids) to `sending` under `owner`'s lease.

    Shared by instant deliveries and digests (store-internal). On PostgreSQL concurrent
    claimers skip each other's locked rows (FOR UPDATE SKIP LOCKED); on SQLite the write
    lock (BEGIN IMMEDIATE) serialises claims, so two processes never get the same row.
    """
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return list(
        session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(due.scalar_subquery()))
            .values(
                state=DeliveryState.SENDING,
                claimed_at=now,
                claimed_by=owner,
                attempts=Delivery.attempts + 1,
                updated_at=now,
            )
            .returning(Delivery.id)
        )
    )


def held_by(owner: str | None) -> list[Any]:
    """Conditions that make an outcome count only while its sender still holds the row.

    A sender that lost its lease (it stalled, another process re-claimed the row)
    must not overwrite the new holder's outcome. No owner: no condition.
    """
    if owner is None:
        return []
    return [Delivery.state == DeliveryState.SENDING, Delivery.claimed_by == owner]


class OutboxQueries(StoreBase):
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

    def _matching_chats(self, article_id: int) -> Select:  # type: ignore[type-arg]
        """One row per active chat subscribed to any of the article's tags (by tag key)."""
        inactive = (
            select(Chat.id).where(Chat.id == Subscription.chat_id, Chat.active.is_(False)).exists()
        )
        return (
            select(Subscription.chat_id, func.min(Subscription.tag_display))
            .join(Tag, Tag.key == Subscription.tag_key)
            .join(ArticleTag, ArticleTag.tag_id == Tag.id)
            .join(Article, Article.id == ArticleTag.article_id)
            .where(
                ArticleTag.article_id == article_id,
                Article.duplicate_of_id.is_(None),
                ~inactive,  # few rows (partial index): one hash anti-join, no probe per chat
            )
            .group_by(Subscription.chat_id)
        )

    def matching_chat_ids(self, article_id: int) -> list[int]:
        """The chats an article goes to (what planning inserts), for benchmarks and admins."""
        with self.session() as session:
            return [row[0] for row in session.execute(self._matching_chats(article_id))]

    def _plan_article(self, article_id: int) -> int:
        now = utcnow()
        matches = self._matching_chats(article_id).add_columns(
            literal(DeliveryState.PENDING.value),
            literal(0),
            literal(now, type_=Delivery.next_attempt_at.type),
            literal(now, type_=Delivery.created_at.type),
            literal(now, type_=Delivery.updated_at.type),
        )
        matches = matches.with_only_columns(
            matches.selected_columns[0],
            literal(article_id),
            *matches.selected_columns[1:],
        ).where(
            # Rows that exist already (a chat that moved here, a retried plan) are skipped
            # by an anti-join on the article's few rows, cheaper than ON CONFLICT per row.
            ~select(Delivery.id)
            .where(Delivery.article_id == article_id, Delivery.chat_id == Subscription.chat_id)
            .exists()
        )
        insert = self._insert(Delivery)
        if self._dialect != "postgresql":
            insert = insert.on_conflict_do_nothing()
        # On PostgreSQL a concurrent writer of the same (chat, article) makes this INSERT
        # fail; its transaction (with planned_at) rolls back and the next round plans again.
        statement = insert.from_select(
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
        ).execution_options(preserve_rowcount=True)
        with self.session() as session:
            claimed = session.execute(
                update(Article)
                .where(Article.id == article_id, Article.planned_at.is_(None))
                .values(planned_at=now)
            )
            if rowcount(claimed) == 0:
                return 0  # another planner got there first
            if self._dialect == "postgresql":
                # A lost commit loses the planned_at mark with the rows, so the article is
                # simply planned again: no need to wait for the WAL flush of 100k rows.
                session.execute(text("SET LOCAL synchronous_commit = off"))
            return rowcount(session.execute(statement)) or 0

    def claim_deliveries(
        self, *, limit: int = 50, now: datetime | None = None, owner: str | None = None
    ) -> list[DeliveryJob]:
        """Move due pending rows to `sending` under `owner`'s lease and return them
        (no row goes to two claimers, see `claim_rows`)."""
        now = now or utcnow()
        due = (
            select(Delivery.id)
            .where(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        with self.session() as session:
            ids = claim_rows(session, due, owner=owner, now=now)
            if not ids:
                return []
            return self._jobs(session, ids)

    def renew_claims(
        self, owner: str, delivery_ids: list[int] | None = None, *, now: datetime | None = None
    ) -> int:
        """Heartbeat: extend the lease on the rows `owner` still holds (all, or these ids)."""
        now = now or utcnow()
        held = held_by(owner)
        if delivery_ids is None:
            chunks: list[list[int] | None] = [None]
        else:
            chunks = [delivery_ids[i : i + 1000] for i in range(0, len(delivery_ids), 1000)]
        renewed = 0
        with self.session() as session:
            for chunk in chunks:
                where = held if chunk is None else [*held, Delivery.id.in_(chunk)]
                result = session.execute(update(Delivery).where(*where).values(claimed_at=now))
                renewed += rowcount(result) or 0
        return renewed

    def release_claims(
        self, delivery_ids: list[int], owner: str | None = None, *, delay: timedelta | None = None
    ) -> int:
        """Give claimed rows back unsent (shutdown, pacing deferral); the claim does not count
        as an attempt."""
        if not delivery_ids:
            return 0
        now = utcnow()
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.id.in_(delivery_ids),
                    Delivery.state == DeliveryState.SENDING,
                    *held_by(owner),
                )
                .values(
                    state=DeliveryState.PENDING,
                    claimed_by=None,
                    attempts=Delivery.attempts - 1,
                    next_attempt_at=now + (delay or timedelta(0)),
                    updated_at=now,
                )
            )
            return rowcount(result) or 0

    def _jobs(self, session: Session, ids: list[int]) -> list[DeliveryJob]:
        """Claimed rows as jobs; each distinct article is loaded once, not once per chat."""
        rows = session.execute(
            select(
                Delivery.id,
                Delivery.chat_id,
                Delivery.article_id,
                Delivery.attempts,
                Delivery.matched_tag,
                Chat.type,
            )
            .join(Chat, Chat.id == Delivery.chat_id)
            .where(Delivery.id.in_(ids))
            .order_by(Delivery.id)
        ).all()
        latest_summary = (
            select(Summary.text)
            .where(Summary.article_id == Article.id)
            .order_by(Summary.id.desc())
            .limit(1)
            .correlate(Article)
            .scalar_subquery()
        )
        articles = {
            article.id: (article, summary_text)
            for article, summary_text in session.execute(
                select(Article, latest_summary).where(
                    Article.id.in_({row.article_id for row in rows})
                )
            )
        }
        tags = {
            article_id: tuple(link.tag.display for link in article.tags)
            for article_id, (article, _) in articles.items()
        }
        jobs = []
        for delivery_id, chat_id, article_id, attempts, matched_tag, chat_type in rows:
            article, summary_text = articles[article_id]
            jobs.append(
                DeliveryJob(
                    delivery_id=delivery_id,
                    chat_id=chat_id,
                    chat_type=chat_type,
                    article_id=article_id,
                    attempts=attempts,
                    title=article.title,
                    summary=tuple(summary_text.split("\n")) if summary_text else (),
                    tags=tags[article_id],
                    url=article.url,
                    matched_tag=matched_tag,
                    language=article.language,
                )
            )
        return jobs

    def mark_sent(self, delivery_id: int, message_id: int | None, owner: str | None = None) -> None:
        self.mark_sent_many([(delivery_id, message_id)], owner)

    def mark_sent_many(self, sent: list[tuple[int, int | None]], owner: str | None = None) -> int:
        """Record several successful sends in one transaction (the hot path of a fan-out)."""
        if not sent:
            return 0
        now = utcnow()
        statement = (
            update(Delivery)
            .where(Delivery.id == bindparam("b_id"), *held_by(owner))
            .values(
                state=DeliveryState.SENT,
                message_id=bindparam("b_message_id"),
                sent_at=now,
                updated_at=now,
                last_error=None,
                claimed_by=None,
            )
        )
        with self.session() as session:
            result = session.connection().execute(
                statement,
                [
                    {"b_id": delivery_id, "b_message_id": message_id}
                    for delivery_id, message_id in sent
                ],
            )
            return result.rowcount or 0

    def mark_retry(
        self,
        delivery_id: int,
        error: str,
        *,
        delay: timedelta,
        owner: str | None = None,
        count_attempt: bool = True,
    ) -> None:
        now = utcnow()
        values: dict[str, Any] = {
            "state": DeliveryState.PENDING,
            "last_error": error,
            "next_attempt_at": now + delay,
            "updated_at": now,
            "claimed_by": None,
        }
        if not count_attempt:
            values["attempts"] = Delivery.attempts - 1
        with self.session() as session:
            session.execute(
                update(Delivery).where(Delivery.id == delivery_id, *held_by(owner)).values(**values)
            )

    def mark_failed(self, delivery_id: int, error: str, owner: str | None = None) -> None:
        with self.session() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, *held_by(owner))
                .values(
                    state=DeliveryState.FAILED,
                    last_error=error,
                    updated_at=utcnow(),
                    claimed_by=None,
                )
            )

    def release_stale_claims(self, *, older_than: timedelta) -> int:
        """Return rows whose lease ran out (their sender died) to the queue.

        Live senders renew their leases (`renew_claims`) well within `older_than`, so
        only a dead or stalled process loses rows. A message that was in flight when
        its sender died may thus be sent once more: Telegram offers no idempotency
        key, so at most one extra copy per crash is the bound.
        """
        now = utcnow()
        with self.session() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.state == DeliveryState.SENDING,
                    Delivery.claimed_at < now - older_than,
                )
                .values(state=DeliveryState.PENDING, claimed_by=None, updated_at=now)
            )
            return rowcount(result) or 0

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
                .values(
                    state=DeliveryState.HELD,
                    last_error=reason,
                    claimed_by=None,
                    updated_at=now,
                )
            )
            return rowcount(result) or 0

    def reactivate_chat(
        self, chat_id: int, *, backlog: int = 3, max_age: timedelta = timedelta(hours=48)
    ) -> tuple[int, int]:
        """A chat is back (/start, or the bot was re-added): send again, without a flood.

        Its newest `backlog` held messages younger than `max_age` go back to the queue;
        older held messages are marked failed ("skipped") so they never arrive late.
        Articles published while the chat was inactive were never planned for it.
        Returns (requeued, skipped). Safe to call for an active chat (then (0, 0)).
        """
        now = utcnow()
        with self.session() as session:
            session.execute(
                update(Chat)
                .where(Chat.id == chat_id)
                .values(active=True, inactive_reason=None, updated_at=now)
            )
            held = list(
                session.execute(
                    select(Delivery.id, Delivery.created_at)
                    .where(Delivery.chat_id == chat_id, Delivery.state == DeliveryState.HELD)
                    .order_by(Delivery.created_at.desc(), Delivery.id.desc())
                )
            )
            if not held:
                return 0, 0
            fresh = [
                delivery_id
                for delivery_id, created_at in held[:backlog]
                if created_at >= now - max_age
            ]
            stale = [delivery_id for delivery_id, _ in held if delivery_id not in set(fresh)]
            if fresh:
                session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(fresh))
                    .values(
                        state=DeliveryState.PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        updated_at=now,
                    )
                )
            if stale:
                session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(stale))
                    .values(
                        state=DeliveryState.FAILED,
                        last_error="skipped: backlog from while the chat was unreachable",
                        updated_at=now,
                    )
                )
            return len(fresh), len(stale)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move the chat, its subscriptions and its outbox."""
        with self.session() as session:
            old = session.get(Chat, old_id)
            if old is None:
                return
            if session.get(Chat, new_id) is None:
                # Subscriptions follow by ON UPDATE CASCADE; deliveries have no FK.
                session.execute(
                    update(Chat).where(Chat.id == old_id).values(id=new_id, type="supergroup")
                )
                session.execute(
                    update(Delivery).where(Delivery.chat_id == old_id).values(chat_id=new_id)
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
            session.execute(delete(Delivery).where(Delivery.chat_id == old_id))
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
