"""The delivery loop: plan new articles into the outbox, claim due rows, send, record.

All state lives in the database, so a restart (or a second process) picks up
exactly where the last one stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.formatting import article_html, article_plain
from summaries.store import DeliveryJob, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_BACKOFF_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 600.0


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with full jitter, so retries of many rows do not stampede."""
    ceiling = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


class DeliveryWorker:
    """Drains the outbox at the pace Telegram allows."""

    def __init__(
        self,
        store: Store,
        *,
        interval: float,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=120),
    ) -> None:
        self.store = store
        self.interval = interval
        self.batch_size = batch_size
        self.lease = lease
        self._paused_until = 0.0

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """Loop until `stop` is set; errors are logged and the loop goes on."""
        log.info("Delivery loop started (checking every %.1f s)", self.interval)
        while not stop.is_set():
            try:
                sent = await self.run_once(bot)
            except Exception:
                log.exception("Delivery round failed; retrying in %.1f s", self.interval)
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval)
        log.info("Delivery loop stopped")

    async def run_once(self, bot: Bot) -> int:
        """One round: plan, claim a batch, send it. Returns how many rows were handled."""
        released = await asyncio.to_thread(self.store.release_stale_claims, older_than=self.lease)
        if released:
            log.warning("Re-queued %d deliveries whose sender stopped mid-send", released)
        planned = await asyncio.to_thread(self.store.plan_deliveries)
        if planned:
            log.info("Planned %d new deliveries", planned)
        jobs = await asyncio.to_thread(self.store.claim_deliveries, limit=self.batch_size)
        for job in jobs:
            await self._respect_global_pause()
            await self.send(bot, job)
        return len(jobs)

    async def _respect_global_pause(self) -> None:
        delay = self._paused_until - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def send(self, bot: Bot, job: DeliveryJob) -> None:
        """Send one claimed row and record the outcome; never raises for Telegram errors."""
        store = self.store
        try:
            message = await self._send_html(bot, job)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            log.warning(
                "Telegram asks to wait %.0f s (chat %s); pausing sends", seconds, job.chat_id
            )
            self._paused_until = asyncio.get_running_loop().time() + seconds
            await asyncio.to_thread(
                store.mark_retry,
                job.delivery_id,
                f"429 retry after {seconds:.0f}s",
                delay=timedelta(seconds=seconds),
            )
            return
        except Forbidden as error:
            log.info(
                "Chat %s is unreachable (%s); holding its messages", job.chat_id, error.message
            )
            await asyncio.to_thread(store.deactivate_chat, job.chat_id, f"403: {error.message}")
            return
        except ChatMigrated as error:
            log.info(
                "Chat %s moved to %s; moving its subscriptions", job.chat_id, error.new_chat_id
            )
            await asyncio.to_thread(store.migrate_chat, job.chat_id, error.new_chat_id)
            await asyncio.to_thread(
                store.mark_retry, job.delivery_id, "chat migrated", delay=timedelta(0)
            )
            return
        except BadRequest as error:
            if "can't parse entities" in error.message.lower():
                await self._send_plain_instead(bot, job, error)
            else:
                log.warning(
                    "Telegram refused article %s for chat %s: %s",
                    job.article_id,
                    job.chat_id,
                    error.message,
                )
                await asyncio.to_thread(store.mark_failed, job.delivery_id, f"400: {error.message}")
            return
        except NetworkError as error:  # includes TimedOut and 5xx answers
            await self._retry_or_fail(job, f"network: {error.message}")
            return
        await asyncio.to_thread(store.mark_sent, job.delivery_id, message.message_id)
        log.info("Sent article %s to chat %s", job.article_id, job.chat_id)

    async def _send_html(self, bot: Bot, job: DeliveryJob):  # type: ignore[no-untyped-def]
        return await bot.send_message(
            chat_id=job.chat_id,
            text=article_html(job.title, job.summary, job.tags, job.url),
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )

    async def _send_plain_instead(self, bot: Bot, job: DeliveryJob, error: BadRequest) -> None:
        log.warning(
            "HTML of article %s was refused (%s); sending plain text", job.article_id, error.message
        )
        try:
            message = await bot.send_message(
                chat_id=job.chat_id,
                text=article_plain(job.title, job.summary, job.tags, job.url),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except (BadRequest, Forbidden) as second:
            await asyncio.to_thread(
                self.store.mark_failed, job.delivery_id, f"400: {second.message}"
            )
            return
        except NetworkError as second:
            await self._retry_or_fail(job, f"network: {second.message}")
            return
        await asyncio.to_thread(self.store.mark_sent, job.delivery_id, message.message_id)

    async def _retry_or_fail(self, job: DeliveryJob, reason: str) -> None:
        if job.attempts >= MAX_ATTEMPTS:
            log.error(
                "Giving up on article %s for chat %s after %d attempts: %s",
                job.article_id,
                job.chat_id,
                job.attempts,
                reason,
            )
            await asyncio.to_thread(self.store.mark_failed, job.delivery_id, reason)
            return
        delay = backoff(job.attempts)
        log.warning(
            "Send to chat %s failed (%s); retry %d in %.0f s",
            job.chat_id,
            reason,
            job.attempts,
            delay.total_seconds(),
        )
        await asyncio.to_thread(self.store.mark_retry, job.delivery_id, reason, delay=delay)


def _seconds(retry_after: int | timedelta) -> float:
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
