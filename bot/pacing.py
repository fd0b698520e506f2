"""Pacing pushes within Telegram's limits: overall, per private chat, per group.

PTB's AIORateLimiter is a leaky bucket: it lets a whole second's budget go out
at once and does not pace single private chats. Here every send gets its own
slot, evenly spaced (`1 / global_rate` apart), and each chat has its own
minimum gap measured from the *end* of its previous send, so two messages to one
chat can never arrive closer than the gap, whatever the network does.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

GROUP_CHAT_TYPES = frozenset({"group", "supergroup", "channel"})

J = TypeVar("J")


@dataclass(frozen=True)
class PacingConfig:
    """Delivery limits; the defaults are Telegram's documented broadcast limits."""

    enabled: bool = True
    global_rate: float = 30.0  # messages per second, all chats together
    private_interval: float = 1.0  # seconds between two messages to one private chat
    group_per_minute: float = 20.0  # messages per minute to one group, supergroup or channel
    concurrency: int = 16  # sends in flight at once, so one slow chat does not stall others

    def chat_interval(self, chat_type: str) -> float:
        """Minimum gap between two sends to one chat of this type."""
        if not self.enabled:
            return 0.0
        if chat_type in GROUP_CHAT_TYPES:
            return 60.0 / self.group_per_minute
        return self.private_interval


class GlobalPacer:
    """Hands out evenly spaced send slots and honours a global pause (429 RetryAfter).

    Slots sit on a grid `(1 + margin) / rate` apart, so a late wake-up (a busy event
    loop) does not slow the average down; and no slot starts less than `1 + margin`
    seconds after the slot `rate` places earlier, so no 1-second window ever holds more
    than `rate` sends. `margin` (45 ms) absorbs the jitter between this slot and the
    request reaching Telegram (event-loop delays, the network); it costs 4.5% of the rate.
    """

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        *,
        margin: float = 0.045,
    ) -> None:
        self._spacing = (1.0 + margin) / rate if rate else 0.0
        self._margin = margin
        self._window = 1.0 + margin
        self._starts: deque[float] = deque(maxlen=max(int(rate), 1) if rate else 1)
        self._limited = bool(rate)
        self._clock = clock
        self._next_slot = 0.0
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Stop all sends for `seconds` (Telegram said so); a longer pause wins."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def acquire(self) -> None:
        """Wait for the next slot. One caller at a time (the worker's dispatcher)."""
        while True:
            now = self._clock()
            if self._paused_until > now:
                await asyncio.sleep(self._paused_until - now)
                continue
            slot = max(now, self._next_slot)
            if self._limited and len(self._starts) == self._starts.maxlen:
                slot = max(slot, self._starts[0] + self._window)
            self._next_slot = slot + self._spacing
            if slot > now:
                await asyncio.sleep(slot - now)
            started = self._clock()
            if self._paused_until <= started:
                # Catch up after a late wake-up at no more than twice the rate: no bursts.
                self._next_slot = max(self._next_slot, started + self._spacing / 2)
                if self._limited:
                    # Count the planned time, so small wake-up delays (absorbed by the
                    # margin) do not slow the rate; a long stall still counts as late.
                    self._starts.append(max(slot, started - self._margin))
                return
            # A pause began while we slept: the slot is void, queue again after it.


class ChatScheduler(Generic[J]):
    """Per-chat queues that release a chat's next job only when the chat may receive again.

    At most one job per chat is out at a time; after it is `done` the chat rests for
    its interval. Jobs of different chats come out in the order they became ready.
    """

    def __init__(
        self,
        config: PacingConfig,
        *,
        max_queued_per_chat: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.max_queued_per_chat = max_queued_per_chat
        self._clock = clock
        self._queues: dict[int, deque[J]] = {}
        self._types: dict[int, str] = {}
        self._ready_at: dict[int, float] = {}
        self._out: set[int] = set()
        self._heap: list[tuple[float, int, int]] = []
        self._scheduled: set[int] = set()
        self._seq = itertools.count()
        self._changed = asyncio.Event()
        self._queued = 0
        self._prune_at = 4096

    def __len__(self) -> int:
        """Jobs waiting (not those handed out)."""
        return self._queued

    def add(self, chat_id: int, chat_type: str, job: J) -> bool:
        """Queue a job; False if the chat already has enough waiting (defer it instead)."""
        queue = self._queues.setdefault(chat_id, deque())
        if len(queue) >= self.max_queued_per_chat:
            if not queue:
                del self._queues[chat_id]
            return False
        queue.append(job)
        self._types[chat_id] = chat_type
        self._queued += 1
        self._schedule(chat_id)
        return True

    def ready_in(self, chat_id: int) -> float:
        """Seconds until everything queued for this chat could have gone out."""
        queued = len(self._queues.get(chat_id, ()))
        interval = self.config.chat_interval(self._types.get(chat_id, "private"))
        start = max(self._ready_at.get(chat_id, 0.0) - self._clock(), 0.0)
        return start + interval * (queued + (chat_id in self._out))

    async def next(self) -> tuple[int, J]:
        """Wait for the next chat that may receive now and hand out its oldest job."""
        while True:
            self._changed.clear()
            while self._heap and self._heap[0][2] not in self._scheduled:
                heapq.heappop(self._heap)
            if not self._heap:
                await self._changed.wait()
                continue
            ready_at, _, chat_id = self._heap[0]
            delay = ready_at - self._clock()
            if delay > 0:
                # A newly added chat may be ready sooner: wake on changes too.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=delay)
                continue
            heapq.heappop(self._heap)
            self._scheduled.discard(chat_id)
            queue = self._queues.get(chat_id)
            if not queue:
                continue
            job = queue.popleft()
            self._queued -= 1
            if not queue:
                del self._queues[chat_id]
            self._out.add(chat_id)
            return chat_id, job

    def done(self, chat_id: int) -> None:
        """The chat's send finished (whatever the outcome): it rests for its interval."""
        self._out.discard(chat_id)
        interval = self.config.chat_interval(self._types.get(chat_id, "private"))
        self._ready_at[chat_id] = self._clock() + interval
        self._schedule(chat_id)
        self._prune()

    def retry_later(self, chat_id: int, job: J, delay: float) -> None:
        """Put a handed-out job back at the head of its chat's queue, not before `delay`."""
        self._out.discard(chat_id)
        self._queues.setdefault(chat_id, deque()).appendleft(job)
        self._queued += 1
        self._ready_at[chat_id] = max(self._ready_at.get(chat_id, 0.0), self._clock() + delay)
        self._schedule(chat_id)

    def drop_chat(self, chat_id: int) -> list[J]:
        """Forget a chat's waiting jobs (it blocked the bot or moved); returns them."""
        queue = self._queues.pop(chat_id, deque())
        self._queued -= len(queue)
        self._scheduled.discard(chat_id)
        return list(queue)

    def job_ids(self) -> list[int]:
        """`delivery_id` of every waiting job (jobs are DeliveryJob-like)."""
        return [job.delivery_id for queue in self._queues.values() for job in queue]  # type: ignore[attr-defined]

    def drain(self) -> list[J]:
        """Remove and return every waiting job (shutdown)."""
        jobs = [job for queue in self._queues.values() for job in queue]
        self._queues.clear()
        self._scheduled.clear()
        self._heap.clear()
        self._queued = 0
        return jobs

    def _schedule(self, chat_id: int) -> None:
        if chat_id in self._out or chat_id in self._scheduled or not self._queues.get(chat_id):
            return
        ready_at = max(self._ready_at.get(chat_id, 0.0), self._clock())
        heapq.heappush(self._heap, (ready_at, next(self._seq), chat_id))
        self._scheduled.add(chat_id)
        self._changed.set()

    def _prune(self) -> None:
        """Forget rest times that have passed, so memory stays flat over 100k chats."""
        if len(self._ready_at) < self._prune_at:
            return
        now = self._clock()
        for chat_id in [c for c, t in self._ready_at.items() if t <= now]:
            if chat_id not in self._queues and chat_id not in self._out:
                del self._ready_at[chat_id]
                self._types.pop(chat_id, None)
        self._prune_at = max(4096, 2 * len(self._ready_at))
