"""Every query newsbot makes, in one place.

The store speaks in plain dataclasses so that callers (the CLI, the bot, the
ingestion pipeline) never hold ORM objects across threads or sessions. It is
synchronous; the bot calls it from worker threads. `Store` is assembled from one
mixin per concern so each file stays small.
"""

from __future__ import annotations

from summaries.store.articles import ArticleIdentity, ArticleQueries, NewArticle, StoredArticle
from summaries.store.base import StoreBase, TagRef, content_hash
from summaries.store.chats import ChatConfig, ChatQueries
from summaries.store.digests import DigestItem, DigestQueries
from summaries.store.lengths import SummaryLengthQueries
from summaries.store.outbox import DeliveryJob, OutboxQueries
from summaries.store.search import ArticleBrief, SearchQueries, TagCount
from summaries.store.sources import SourceInfo, SourceQueries
from summaries.store.stats import Stats, StatsQueries

__all__ = [
    "ArticleBrief",
    "ArticleIdentity",
    "ChatConfig",
    "DeliveryJob",
    "DigestItem",
    "NewArticle",
    "SourceInfo",
    "Stats",
    "Store",
    "StoredArticle",
    "TagCount",
    "TagRef",
    "content_hash",
]


class Store(
    ArticleQueries,
    ChatQueries,
    OutboxQueries,
    SourceQueries,
    SearchQueries,
    StatsQueries,
    DigestQueries,
    SummaryLengthQueries,
    StoreBase,
):
    """The article store: articles, tags, chats, subscriptions and the delivery outbox."""
