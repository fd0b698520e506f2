"""Daily digests: once a day at the chat's local time, the parked summaries in one message.

The runner checks every `interval` seconds which digest chats are due
(`bot.schedule.digest_due`), claims their parked outbox rows, sends them grouped by
the tag that matched, split cleanly at Telegram's 4096-character limit, records each
message's rows as soon as it is sent, and `last_digest_at` once the digest is done
(see summaries/store/digests.py for the guarantees).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape, unescape

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.delivery import failure_reason, is_bad_html, retry_after_seconds
from bot.formatting import article_html, hashtag
from bot.i18n import Translator, pick_language, translator
from bot.lengths import SummaryLengths
from bot.render import BLOCK_LIMIT, pack
from bot.schedule import digest_due
from summaries.models import utcnow
from summaries.store import ChatConfig, DigestItem, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestPart:
    """One message of a digest and the articles it carries."""

    html: str
    items: tuple[DigestItem, ...]


def digest_parts(t: Translator, items: Sequence[DigestItem], sentences: int) -> list[DigestPart]:
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
    owners: list[DigestItem | None] = [None]
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
            owners.append(item)
    parts = []
    end = 0
    for message in pack(blocks):  # pack keeps the order and never cuts a block
        start, joined = end, ""
        while joined != message:
            joined = blocks[end] if end == start else joined + "\n\n" + blocks[end]
            end += 1
        parts.append(DigestPart(message, tuple(i for i in owners[start:end] if i is not None)))
    return parts


def digest_messages(t: Translator, items: Sequence[DigestItem], sentences: int) -> list[str]:
    return [part.html for part in digest_parts(t, items, sentences)]


def plain_text(html: str) -> str:
    """Our digest HTML without markup (links as "label: URL"), for when Telegram refuses it.

    Never longer than the HTML, so it fits wherever the HTML did.
    """
    text = _LINK.sub(lambda m: f"{m.group(2)}: {m.group(1)}", html)
    return unescape(_TAG.sub("", text))


_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class DigestRunner:
    """Sends due digests; safe to run in several processes (rows are claimed).

    Each message of a digest is recorded as soon as it is sent, so a failure part way
    through gives back only the articles not sent yet; a digest that keeps failing is
    given up after `max_attempts` rounds (its rows failed with the reason), so a chat
    never gets the same part again and again.
    """

    def __init__(self, store: Store, *, interval: float = 30.0, max_attempts: int = 5) -> None:
        self.store = store
        self.interval = interval
        self.max_attempts = max_attempts
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
        """Send one chat's digest; returns how many of its messages were sent.

        - 429: wait as long as Telegram asks, then resend the part (a few times).
        - 403: the chat is made inactive; its unsent rows are held (as for pushes).
        - migrated to a supergroup: the chat moves, the digest goes to the new id.
        - 400 "can't parse entities": the part is resent as plain text; another 400
          fails that part's rows with the reason and the digest goes on.
        - other errors: unsent rows go back for the next round, until `max_attempts`.
        """
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
        parts = digest_parts(t, items, n)
        sent = 0
        for index, part in enumerate(parts):
            ids = [item.delivery_id for item in part.items]
            try:
                chat_id, message = await self._send_part(bot, chat_id, part.html)
            except Forbidden as error:
                log.info("Chat %s is unreachable (%s); holding its digest", chat_id, error)
                await asyncio.to_thread(store.deactivate_chat, chat_id, failure_reason(error))
                return sent
            except BadRequest as error:
                log.warning("Telegram refused a digest part for chat %s: %s", chat_id, error)
                await asyncio.to_thread(store.fail_digest, ids, failure_reason(error), self.owner)
                continue
            except TelegramError as error:
                await self._give_back(chat_id, parts[index:], failure_reason(error), now)
                return sent
            await asyncio.to_thread(
                store.mark_sent_many, [(i, message.message_id) for i in ids], self.owner
            )
            sent += 1
        await asyncio.to_thread(store.finish_digest, chat_id, [], self.owner, now=now)
        log.info("Sent a digest of %d articles to chat %s", len(items), chat_id)
        return sent

    async def _send_part(self, bot: Bot, chat_id: int, html: str) -> tuple[int, Message]:
        """Send one message, through rate limits, a chat migration and refused HTML.

        Returns the chat id it went to (new after a migration) and the message.
        """
        plain = False
        for _ in range(_TRIES_PER_PART - 1):
            try:
                return chat_id, await self._send(bot, chat_id, html, plain=plain)
            except RetryAfter as error:
                seconds = retry_after_seconds(error)
                log.warning("Telegram asks to wait %.0f s (digest for %s)", seconds, chat_id)
                await asyncio.sleep(seconds)
            except ChatMigrated as error:
                log.info("Chat %s moved to %s; moving its digest", chat_id, error.new_chat_id)
                await asyncio.to_thread(self.store.migrate_chat, chat_id, error.new_chat_id)
                chat_id = error.new_chat_id
            except BadRequest as error:
                if plain or not is_bad_html(error):
                    raise
                log.warning("Digest HTML for chat %s refused (%s); plain text", chat_id, error)
                plain = True
        return chat_id, await self._send(bot, chat_id, html, plain=plain)

    @staticmethod
    async def _send(bot: Bot, chat_id: int, html: str, *, plain: bool) -> Message:
        return await bot.send_message(
            chat_id,
            plain_text(html) if plain else html,
            parse_mode=None if plain else ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _give_back(
        self, chat_id: int, unsent: Sequence[DigestPart], reason: str, now: datetime
    ) -> None:
        """Unsent rows wait for the next round, or fail once the digest had its attempts."""
        store = self.store
        items = [item for part in unsent for item in part.items]
        ids = [item.delivery_id for item in items]
        attempts = max(item.attempts for item in items)
        if attempts < self.max_attempts:
            log.warning("Digest for chat %s not sent (%s); will retry", chat_id, reason)
            await asyncio.to_thread(store.return_to_digest, ids, self.owner)
            return
        log.error("Giving up on the digest for chat %s: %s", chat_id, reason)
        reason = f"gave up after {attempts} attempts: {reason}"
        await asyncio.to_thread(store.fail_digest, ids, reason, self.owner)
        await asyncio.to_thread(store.finish_digest, chat_id, [], self.owner, now=now)


_TRIES_PER_PART = 4  # enough for a migration, a 429 wait and a plain-text resend
