"""The delivery engine: plan new articles into the outbox, claim due rows, send them paced.

All state lives in the database, so a restart (or a second process) picks up
exactly where the last one stopped. One worker runs four loops:

- feeder: plans fan-outs, claims due rows under this process's lease, queues them;
- dispatcher: takes the next chat that may receive (per-chat pacing), waits for a
  global slot (even spacing), and starts the send with a bounded number in flight;
- heartbeat: renews the lease on every row this process holds, so a live but slow
  process never loses rows to another one;
- flusher: records successful sends in batches.

Every Telegram error keeps the message (see `DeliveryWorker.send`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import AIORateLimiter

from bot.formatting import article_html, article_plain
from bot.pacing import ChatScheduler, GlobalPacer, PacingConfig
from bot.settings import Settings
from summaries.store import DeliveryJob, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """Transient failures (timeouts, network, 5xx) back off exponentially with jitter."""

    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 600.0

    def delay(self, attempt: int) -> timedelta:
        """Full jitter in the upper half, so retries of many rows do not stampede."""
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def backoff(attempt: int) -> timedelta:
    return RetryPolicy().delay(attempt)


class Plan(Protocol):
    """How one chat wants one article (bot.push.PushPlan): rendered text and send options.

    Read-only, so a frozen dataclass such as PushPlan satisfies it."""

    @property
    def html(self) -> str: ...
    @property
    def plain(self) -> str: ...
    @property
    def keyboard(self) -> InlineKeyboardMarkup | None: ...
    @property
    def link_preview(self) -> LinkPreviewOptions | None: ...
    @property
    def thread_id(self) -> int | None: ...


class Gate(Protocol):
    """Applies chat settings to a claimed batch (bot.push.PushGate): rows to skip, park or
    hold are recorded by the gate; the rest come back with their plan."""

    async def admit(
        self, jobs: Sequence[DeliveryJob], owner: str | None
    ) -> Sequence[tuple[DeliveryJob, Plan]]: ...


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # back in the outbox with a delay
    RATE_LIMITED = "rate_limited"  # kept in memory, resent after Telegram's wait
    HELD = "held"  # chat unreachable (403)
    MOVED = "moved"  # chat migrated; resent to the new id
    FAILED = "failed"


def telegram_rate_limiter(pacing: PacingConfig) -> AIORateLimiter | None:  # type: ignore[type-arg]
    """PTB's limiter as the outer safety net for every request, command replies included.

    It does not retry (max_retries=0): a 429 reaches the delivery worker, which pauses
    all sends itself and keeps the message. With pacing off there is no limiter at all.
    """
    if not pacing.enabled:
        return None
    # It would log each 429 it passes on as an error with a traceback; the worker logs it.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    return AIORateLimiter(
        overall_max_rate=pacing.global_rate,
        group_max_rate=pacing.group_per_minute,
        max_retries=0,
    )


def process_owner_id() -> str:
    """Unique per process run: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class DeliveryWorker:
    """Drains the outbox at the pace Telegram allows, through every Telegram error."""

    def __init__(
        self,
        store: Store,
        *,
        interval: float,
        pacing: PacingConfig | None = None,
        retry: RetryPolicy | None = None,
        batch_size: int = 100,
        lease: timedelta = timedelta(seconds=60),
        owner: str | None = None,
        flush_interval: float = 0.2,
        gate: Gate | None = None,
    ) -> None:
        self.store = store
        self.gate = gate
        self._plans: dict[int, Plan] = {}
        self.interval = interval
        self.pacing = pacing or PacingConfig()
        self.retry = retry or RetryPolicy()
        self.batch_size = batch_size
        self.lease = lease
        self.owner = owner or process_owner_id()
        self.flush_interval = flush_interval
        self.max_buffered = max(2 * batch_size, 4 * self.pacing.concurrency)
        self.pacer = GlobalPacer(self.pacing.global_rate if self.pacing.enabled else None)
        self.scheduler: ChatScheduler[DeliveryJob] = ChatScheduler(self.pacing)
        self._slots = asyncio.Semaphore(self.pacing.concurrency)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._in_flight_ids: set[int] = set()
        self._sent: list[tuple[int, int | None]] = []
        # (chat id, topic id) of forum topics Telegram says are gone: plans made before the
        # route was cleared go to the main chat instead of failing once more.
        self._gone_topics: set[tuple[int, int]] = set()
        self._room = asyncio.Event()
        self._handing_out = False
        self.counts: dict[Outcome, int] = dict.fromkeys(Outcome, 0)

    @classmethod
    def from_settings(cls, store: Store, settings: Settings) -> DeliveryWorker:
        """The worker `newsbot run` uses: settings' pacing and retries, chat settings applied."""
        from bot.push import PushGate  # the chat-settings layer (issue 6)

        return cls(
            store,
            interval=settings.delivery_interval,
            pacing=settings.pacing,
            retry=RetryPolicy(
                max_attempts=settings.delivery_max_attempts,
                base_seconds=settings.delivery_retry_base,
            ),
            lease=timedelta(seconds=settings.delivery_lease),
            gate=PushGate(store),
        )

    # ---- the loops ---------------------------------------------------------------

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then finish in-flight sends and give back unsent claims."""
        log.info(
            "Delivery started (owner %s, pacing %s, every %.1f s)",
            self.owner,
            "on" if self.pacing.enabled else "off",
            self.interval,
        )
        loops = [
            asyncio.create_task(self._feed(stop), name="delivery-feed"),
            asyncio.create_task(self._dispatch(bot), name="delivery-dispatch"),
            asyncio.create_task(self._heartbeat(), name="delivery-heartbeat"),
            asyncio.create_task(self._flush_loop(), name="delivery-flush"),
        ]
        try:
            await stop.wait()
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._shutdown()
        log.info("Delivery stopped")

    async def run_until_idle(self, bot: Bot, *, timeout: float = 30.0) -> None:
        """Deliver everything due now and return (tests, benchmarks)."""
        stop = asyncio.Event()
        dispatcher = asyncio.create_task(self._dispatch(bot))
        flusher = asyncio.create_task(self._flush_loop())
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                planned = await asyncio.to_thread(self.store.plan_deliveries)
                claimed = await self._claim()
                if not planned and not claimed and not self._busy:
                    break
                if not claimed:
                    await asyncio.sleep(0.01)
        finally:
            stop.set()
            dispatcher.cancel()
            flusher.cancel()
            await asyncio.gather(dispatcher, flusher, return_exceptions=True)
            await self._shutdown()

    @property
    def _busy(self) -> bool:
        return bool(len(self.scheduler) or self._in_flight or self._handing_out)

    async def _feed(self, stop: asyncio.Event) -> None:
        next_release = 0.0
        while True:
            try:
                if time.monotonic() >= next_release:
                    released = await asyncio.to_thread(
                        self.store.release_stale_claims, older_than=self.lease
                    )
                    if released:
                        log.warning("Re-queued %d deliveries whose sender died", released)
                    next_release = time.monotonic() + self.lease.total_seconds() / 2
                planned = await asyncio.to_thread(self.store.plan_deliveries)
                if planned:
                    log.info("Planned %d new deliveries", planned)
                claimed = await self._claim()
            except Exception:
                log.exception("Delivery feed failed; retrying in %.1f s", self.interval)
                planned = claimed = 0
            self._room.clear()
            if claimed and self._has_room():
                continue  # a backlog: keep the queue topped up
            wait = self.interval if not claimed else max(self.interval, 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._room.wait(), timeout=wait)

    def _has_room(self) -> bool:
        """Refill below half full: fewer, bigger claims instead of one row at a time."""
        return len(self.scheduler) + len(self._in_flight) < self.max_buffered // 2

    async def _claim(self) -> int:
        room = self.max_buffered - len(self.scheduler) - len(self._in_flight)
        if room <= 0:
            return 0
        jobs = await asyncio.to_thread(
            self.store.claim_deliveries, limit=min(room, self.batch_size), owner=self.owner
        )
        claimed = len(jobs)
        if self.gate is not None and jobs:
            try:
                admitted = await self.gate.admit(jobs, self.owner)
            except Exception:
                # Never keep rows we will not send: the heartbeat would hold them forever.
                await asyncio.to_thread(
                    self.store.release_claims, [job.delivery_id for job in jobs], self.owner
                )
                raise
            jobs = [job for job, _ in admitted]
            self._plans.update((job.delivery_id, plan) for job, plan in admitted)
            # A plan made now reads the routes as they are: a topic routed to again (after
            # /topic off and on, say) is in use again, whatever an earlier send found.
            for job, plan in admitted:
                if plan.thread_id is not None:
                    self._gone_topics.discard((job.chat_id, plan.thread_id))
        deferred: list[int] = []
        defer_for = 0.0
        for job in jobs:
            if not self.scheduler.add(job.chat_id, job.chat_type, job):
                deferred.append(job.delivery_id)
                defer_for = max(defer_for, self.scheduler.ready_in(job.chat_id))
        if deferred:
            # One chat has a long queue: leave its rows in the outbox so others go first.
            await asyncio.to_thread(
                self.store.release_claims,
                deferred,
                self.owner,
                delay=timedelta(seconds=defer_for),
            )
            for delivery_id in deferred:
                self._plans.pop(delivery_id, None)
        return claimed

    async def _dispatch(self, bot: Bot) -> None:
        while True:
            chat_id, job = await self.scheduler.next()
            self._handing_out = True
            try:
                await self._slots.acquire()
                try:
                    await self.pacer.acquire()
                except BaseException:
                    self._slots.release()
                    raise
            except BaseException:
                self.scheduler.retry_later(chat_id, job, 0)
                raise
            finally:
                self._handing_out = False
            task = asyncio.create_task(self._send_and_settle(bot, job))
            self._in_flight.add(task)
            self._in_flight_ids.add(job.delivery_id)
            task.add_done_callback(self._in_flight.discard)

    async def _send_and_settle(self, bot: Bot, job: DeliveryJob) -> None:
        outcome = Outcome.RETRY
        try:
            outcome = await self.send(bot, job)
        except Exception:
            log.exception(
                "Unexpected error sending article %s to chat %s", job.article_id, job.chat_id
            )
            await asyncio.to_thread(
                self.store.mark_retry,
                job.delivery_id,
                "internal error",
                delay=self.retry.delay(job.attempts),
                owner=self.owner,
            )
        finally:
            self._slots.release()
            self._in_flight_ids.discard(job.delivery_id)
            if outcome is not Outcome.RATE_LIMITED:
                self.scheduler.done(job.chat_id)
                self._plans.pop(job.delivery_id, None)
            if self._has_room():
                self._room.set()
        self.counts[outcome] += 1

    async def _heartbeat(self) -> None:
        period = max(self.lease.total_seconds() / 3, 0.5)
        while True:
            await asyncio.sleep(period)
            try:
                await asyncio.to_thread(self.store.renew_claims, self.owner, self._held_ids())
            except Exception:
                log.exception("Could not renew delivery leases")

    def _held_ids(self) -> list[int]:
        """Rows this worker really holds: queued, in flight, sent but not yet recorded.

        Only these leases are renewed, so a row orphaned by an unexpected error is
        released when its lease runs out instead of being held for the process's life.
        """
        return [*self.scheduler.job_ids(), *self._in_flight_ids, *(i for i, _ in self._sent)]

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            try:
                await self._flush()
            except Exception:  # the batch is kept and written on the next round
                log.exception("Could not record sent deliveries; retrying")

    async def _flush(self) -> None:
        if not self._sent:
            return
        batch, self._sent = self._sent, []
        try:
            await asyncio.to_thread(self.store.mark_sent_many, batch, self.owner)
        except Exception:
            self._sent = batch + self._sent  # the rows stay ours (leased); try again
            raise

    async def _shutdown(self) -> None:
        waiting = self.scheduler.drain()
        for job in waiting:
            self._plans.pop(job.delivery_id, None)
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=30)
        with contextlib.suppress(Exception):
            await self._flush()
        if waiting:
            await asyncio.to_thread(
                self.store.release_claims, [job.delivery_id for job in waiting], self.owner
            )

    # ---- one send ----------------------------------------------------------------

    async def send(self, bot: Bot, job: DeliveryJob, *, plain: bool = False) -> Outcome:
        """Send one claimed row and record the outcome; never raises for Telegram errors.

        - 429: pause all sends for the time Telegram asks, then resend; never dropped.
        - 403: the chat blocked or removed the bot: chat inactive, its queue held.
        - migrated to a supergroup: move the chat and its rows, resend to the new id.
        - 400 "can't parse entities": resend as plain text.
        - 400 "message thread not found" (the forum topic was deleted): resend to the main
          chat and clear the chat's routes to that topic; other 400: failed with reason.
        - timeouts, network errors, 5xx: exponential backoff with jitter, then failed.
        """
        store = self.store
        try:
            message = await self._send_rendered(bot, job, plain=plain)
        except RetryAfter as error:
            seconds = retry_after_seconds(error)
            log.warning(
                "Telegram asks to wait %.0f s (chat %s); pausing sends", seconds, job.chat_id
            )
            self.pacer.pause(seconds)
            self.scheduler.retry_later(job.chat_id, job, seconds)
            return Outcome.RATE_LIMITED
        except Forbidden as error:
            log.info(
                "Chat %s is unreachable (%s); holding its messages", job.chat_id, error.message
            )
            await asyncio.to_thread(store.deactivate_chat, job.chat_id, failure_reason(error))
            for dropped in self.scheduler.drop_chat(job.chat_id):  # their rows are held now
                self._plans.pop(dropped.delivery_id, None)
            return Outcome.HELD
        except ChatMigrated as error:
            log.info(
                "Chat %s moved to %s; moving its subscriptions", job.chat_id, error.new_chat_id
            )
            await asyncio.to_thread(store.migrate_chat, job.chat_id, error.new_chat_id)
            queued = self.scheduler.drop_chat(job.chat_id)
            for moved in [job, *queued]:  # re-planned for the new chat when claimed again
                self._plans.pop(moved.delivery_id, None)
            await asyncio.to_thread(
                store.release_claims,
                [job.delivery_id] + [other.delivery_id for other in queued],
                self.owner,
            )
            return Outcome.MOVED
        except BadRequest as error:
            if not plain and is_bad_html(error):
                log.warning(
                    "HTML of article %s was refused (%s); sending plain text",
                    job.article_id,
                    error.message,
                )
                return await self.send(bot, job, plain=True)
            topic = self._topic_of(job)
            if topic is not None and is_missing_topic(error):
                await self._forget_topic(job.chat_id, topic, error)
                return await self.send(bot, job, plain=plain)  # now to the main chat
            log.warning(
                "Telegram refused article %s for chat %s: %s",
                job.article_id,
                job.chat_id,
                error.message,
            )
            await asyncio.to_thread(
                store.mark_failed, job.delivery_id, failure_reason(error), self.owner
            )
            return Outcome.FAILED
        except TelegramError as error:  # network, timeouts, 5xx; 401/404/409: misconfigured
            return await self._retry_or_fail(job, failure_reason(error))
        self._sent.append((job.delivery_id, message.message_id))
        log.debug("Sent article %s to chat %s", job.article_id, job.chat_id)
        return Outcome.SENT

    async def _send_rendered(self, bot: Bot, job: DeliveryJob, *, plain: bool) -> Message:
        """Send the chat's rendering (buttons, topic, previews) or, without a plan, the default."""
        plan = self._plans.get(job.delivery_id)
        if plan is None:
            render = article_plain if plain else article_html
            return await bot.send_message(
                chat_id=job.chat_id,
                text=render(job.title, job.summary, job.tags, job.url),
                parse_mode=None if plain else ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        return await bot.send_message(
            chat_id=job.chat_id,
            text=plan.plain if plain else plan.html,
            parse_mode=None if plain else ParseMode.HTML,
            reply_markup=plan.keyboard,
            link_preview_options=plan.link_preview,
            message_thread_id=self._topic_of(job),
        )

    def _topic_of(self, job: DeliveryJob) -> int | None:
        """The forum topic this row goes to: its plan's, unless that topic is known gone."""
        plan = self._plans.get(job.delivery_id)
        topic = plan.thread_id if plan is not None else None
        if topic is None or (job.chat_id, topic) in self._gone_topics:
            return None
        return topic

    async def _forget_topic(self, chat_id: int, topic: int, error: BadRequest) -> None:
        """The topic was deleted: later sends go to the main chat, and so do the tags that
        were routed to it (their routes are cleared; /topic can set new ones)."""
        self._gone_topics.add((chat_id, topic))
        routes = await asyncio.to_thread(self.store.topic_routes, chat_id)
        stale = sorted(key for key, thread in routes.items() if thread == topic)
        for key in stale:
            await asyncio.to_thread(self.store.set_topic_route, chat_id, key, None)
        log.warning(
            "Forum topic %s of chat %s is gone (%s); sending to the main chat instead and "
            "clearing the routes to it: %s",
            topic,
            chat_id,
            error.message,
            ", ".join(stale) or "none left",
        )

    async def _retry_or_fail(self, job: DeliveryJob, reason: str) -> Outcome:
        if job.attempts >= self.retry.max_attempts:
            log.error(
                "Giving up on article %s for chat %s after %d attempts: %s",
                job.article_id,
                job.chat_id,
                job.attempts,
                reason,
            )
            await asyncio.to_thread(
                self.store.mark_failed,
                job.delivery_id,
                f"gave up after {job.attempts} attempts: {reason}",
                self.owner,
            )
            return Outcome.FAILED
        delay = self.retry.delay(job.attempts)
        log.warning(
            "Send to chat %s failed (%s); retry %d in %.1f s",
            job.chat_id,
            reason,
            job.attempts,
            delay.total_seconds(),
        )
        await asyncio.to_thread(
            self.store.mark_retry, job.delivery_id, reason, delay=delay, owner=self.owner
        )
        return Outcome.RETRY


def failure_reason(error: TelegramError) -> str:
    """Why a send failed, as recorded on the row (admins see it in /stats)."""
    if isinstance(error, Forbidden):
        return f"403: {error.message}"
    if isinstance(error, BadRequest):  # before NetworkError: BadRequest is one
        return f"400: {error.message}"
    if isinstance(error, NetworkError):  # includes TimedOut and 5xx answers
        return f"network: {error.message}"
    return f"{type(error).__name__}: {error.message}"


def is_bad_html(error: TelegramError) -> bool:
    """Telegram could not parse the HTML: the same text without markup will go through."""
    return isinstance(error, BadRequest) and "can't parse entities" in error.message.lower()


def is_missing_topic(error: TelegramError) -> bool:
    """The forum topic (message thread) a message was sent to no longer exists."""
    if not isinstance(error, BadRequest):
        return False
    text = error.message.lower()
    return "message thread not found" in text or "topic_deleted" in text


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asks to wait. `retry_after` is a timedelta in PTB 23 and in 22.2+
    with PTB_TIMEDELTA (bot/__init__.py opts in; no deprecation warning), an int before."""
    retry_after: timedelta | float = error.retry_after
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
