"""Daily digests: once a day at the chat's local time, the parked summaries in one message.

The runner checks every `interval` seconds which digest chats are due
(`bot.schedule.digest_due`), claims their parked outbox rows, sends them grouped by
the tag that matched, split cleanly at Telegram's 4096-character limit, and records
rows and `last_digest_at` together (see summaries/store/digests.py for the guarantees).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from html import escape

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.formatting import article_html, hashtag
from bot.i18n import Translator, pick_language, translator
from bot.lengths import SummaryLengths
from bot.render import BLOCK_LIMIT, pack
from bot.schedule import digest_due
from summaries.models import utcnow
from summaries.store import ChatConfig, DigestItem, Store

log = logging.getLogger(__name__)


def digest_messages(t: Translator, items: Sequence[DigestItem], sentences: int) -> list[str]:
    """The digest as HTML messages: a heading, then the articles grouped by matched tag."""
    groups: dict[str, list[DigestItem]] = {}
    for item in items:
        groups.setdefault(item.matched_tag or "", []).append(item)
    blocks = [
        t.plural(
            "<b>Your daily digest</b>: {n} article",
            "<b>Your daily digest</b>: {n} articles",
            len(items),
        )
    ]
    for tag in sorted(groups, key=str.casefold):
        heading = f"<b>{escape(hashtag(tag))}</b>\n" if tag else ""
        for index, item in enumerate(groups[tag]):
            block = article_html(
                item.title,
                item.summary[:sentences],
                (),
                item.url,
                link_label=t("Read the article"),
                limit=BLOCK_LIMIT,
            )
            blocks.append((heading if index == 0 else "") + block)
    return pack(blocks)


class DigestRunner:
    """Sends due digests; safe to run in several processes (rows are claimed)."""

    def __init__(self, store: Store, *, interval: float = 30.0) -> None:
        self.store = store
        self.interval = interval
        self.lengths = SummaryLengths(store)
        self.owner = f"digest:{socket.gethostname()}:{os.getpid()}"

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        log.info("Digest loop started (checking every %.0f s)", self.interval)
        while not stop.is_set():
            try:
                await self.run_once(bot)
            except Exception:
                log.exception("Digest round failed; retrying in %.0f s", self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval)

    async def run_once(self, bot: Bot, now: datetime | None = None) -> int:
        """Send every due digest; returns how many digest messages were sent."""
        now = now or utcnow()
        configs = await asyncio.to_thread(self.store.digest_chats)
        sent = 0
        for config in configs:
            if digest_due(config, now) and not config.paused:
                sent += await self.send_digest(bot, config, now)
        return sent

    async def send_digest(self, bot: Bot, config: ChatConfig, now: datetime) -> int:
        store, chat_id = self.store, config.chat_id
        items = await asyncio.to_thread(store.claim_digest, chat_id, self.owner, now=now)
        if not items:
            await asyncio.to_thread(store.finish_digest, chat_id, [], self.owner, now=now)
            return 0
        t = translator(pick_language(config.language, config.chat_language))
        n = config.summary_sentences
        items = [
            replace(item, summary=await self.lengths.aget(item.article_id, n, item.summary))
            for item in items
        ]
        texts = digest_messages(t, items, n)
        message_id: int | None = None
        try:
            for text in texts:
                message = await bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                message_id = message.message_id
        except (RetryAfter, Forbidden, TelegramError) as error:
            log.warning("Digest for chat %s not sent (%s); will retry", chat_id, error)
            await asyncio.to_thread(
                store.return_to_digest, [i.delivery_id for i in items], self.owner
            )
            if isinstance(error, Forbidden):
                await asyncio.to_thread(store.deactivate_chat, chat_id, f"403: {error.message}")
            return 0
        await asyncio.to_thread(
            store.finish_digest,
            chat_id,
            [(item.delivery_id, message_id) for item in items],
            self.owner,
            now=now,
        )
        log.info("Sent a digest of %d articles to chat %s", len(items), chat_id)
        return len(texts)
