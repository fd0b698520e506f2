"""Numbers for the admins' /stats: one small query per figure, all cheap aggregates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from summaries.models import Article, Chat, Delivery, DeliveryState, Source, Subscription
from summaries.store.base import StoreBase


@dataclass(frozen=True)
class SourceProblem:
    url: str
    active: bool
    error_count: int
    last_error: str | None


@dataclass(frozen=True)
class FailedDelivery:
    chat_id: int
    title: str
    reason: str | None


@dataclass(frozen=True)
class Stats:
    chats_active: int
    chats_inactive: int
    subscriptions: int
    articles: int
    deliveries: dict[str, int]
    sources: int
    failing_sources: list[SourceProblem]
    failed_deliveries: list[FailedDelivery]  # the latest first


class StatsQueries(StoreBase):
    def stats(self, *, failing_limit: int = 10, failed_limit: int = 5) -> Stats:
        with self.session() as session:
            chats = {
                active: count
                for active, count in session.execute(
                    select(Chat.active, func.count()).group_by(Chat.active)
                )
            }
            deliveries = {
                str(getattr(state, "value", state)): count
                for state, count in session.execute(
                    select(Delivery.state, func.count()).group_by(Delivery.state)
                )
            }
            failing = [
                SourceProblem(url, active, errors, last_error)
                for url, active, errors, last_error in session.execute(
                    select(Source.url, Source.active, Source.error_count, Source.last_error)
                    .where((Source.error_count > 0) | Source.active.is_(False))
                    .order_by(Source.error_count.desc(), Source.id)
                    .limit(failing_limit)
                )
            ]
            failed = [
                FailedDelivery(chat_id, title, reason)
                for chat_id, title, reason in session.execute(
                    select(Delivery.chat_id, Article.title, Delivery.last_error)
                    .join(Article, Article.id == Delivery.article_id)
                    .where(Delivery.state == DeliveryState.FAILED)
                    .order_by(Delivery.updated_at.desc(), Delivery.id.desc())
                    .limit(failed_limit)
                )
            ]
            return Stats(
                chats_active=chats.get(True, 0),
                chats_inactive=chats.get(False, 0),
                subscriptions=session.scalar(select(func.count()).select_from(Subscription)) or 0,
                articles=session.scalar(select(func.count()).select_from(Article)) or 0,
                deliveries=deliveries,
                sources=session.scalar(select(func.count()).select_from(Source)) or 0,
                failing_sources=failing,
                failed_deliveries=failed,
            )
