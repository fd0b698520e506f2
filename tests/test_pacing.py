"""Pacing: evenly spaced global slots, per-chat gaps by chat type, pauses for 429."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.pacing import ChatScheduler, GlobalPacer, PacingConfig


def test_chat_intervals_follow_the_chat_type() -> None:
    config = PacingConfig()
    assert config.chat_interval("private") == 1.0
    assert config.chat_interval("group") == 3.0  # 20 per minute, evenly spread
    assert config.chat_interval("supergroup") == 3.0
    assert PacingConfig(enabled=False).chat_interval("group") == 0.0


async def test_global_slots_are_evenly_spread_and_capped_per_second() -> None:
    pacer = GlobalPacer(20.0)
    stamps = []
    for _ in range(30):
        await pacer.acquire()
        stamps.append(time.monotonic())

    def most_within(width: float) -> int:
        return max(sum(1 for t in stamps if s <= t < s + width) for s in stamps)

    assert most_within(1.0) <= 20  # never more than the rate in any second
    assert most_within(0.25) <= 7  # and spread out, not sent in bursts
    assert 1.0 <= stamps[-1] - stamps[0] < 1.45 + 0.3


async def test_a_pause_stops_every_slot_until_it_ends() -> None:
    pacer = GlobalPacer(1000.0)
    await pacer.acquire()
    pacer.pause(0.3)
    started = time.monotonic()
    await pacer.acquire()
    assert time.monotonic() - started >= 0.29


async def test_unpaced_slots_do_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", record)
    unpaced = GlobalPacer(None, clock=lambda: 100.0)
    for _ in range(1000):
        await unpaced.acquire()
    assert waits == []
    paced = GlobalPacer(10.0, clock=lambda: 100.0)  # the same frozen clock makes it wait
    for _ in range(3):
        await paced.acquire()
    assert len(waits) == 2


async def test_one_chat_rests_between_sends_while_others_go_first() -> None:
    scheduler: ChatScheduler[str] = ChatScheduler(PacingConfig(private_interval=0.2))
    scheduler.add(1, "private", "1a")
    scheduler.add(1, "private", "1b")
    scheduler.add(2, "private", "2a")
    handed: list[tuple[str, float]] = []
    started = time.monotonic()
    for _ in range(3):
        chat_id, job = await asyncio.wait_for(scheduler.next(), timeout=2)
        handed.append((job, time.monotonic() - started))
        scheduler.done(chat_id)
    assert [job for job, _ in handed] == ["1a", "2a", "1b"]
    assert handed[2][1] >= 0.19


async def test_a_chat_has_at_most_one_job_out() -> None:
    scheduler: ChatScheduler[str] = ChatScheduler(PacingConfig(private_interval=0.0))
    scheduler.add(1, "private", "a")
    scheduler.add(1, "private", "b")
    assert (await scheduler.next())[1] == "a"
    waiting = asyncio.create_task(scheduler.next())
    await asyncio.sleep(0.05)
    assert not waiting.done()  # "b" waits until "a" is done
    scheduler.done(1)
    assert (await asyncio.wait_for(waiting, timeout=1))[1] == "b"


async def test_rate_limited_job_goes_back_to_the_head_of_its_chat() -> None:
    scheduler: ChatScheduler[str] = ChatScheduler(PacingConfig(private_interval=0.0))
    scheduler.add(1, "private", "a")
    scheduler.add(1, "private", "b")
    _, job = await scheduler.next()
    scheduler.retry_later(1, job, 0.1)
    started = time.monotonic()
    assert (await scheduler.next())[1] == "a"
    assert time.monotonic() - started >= 0.09


def test_a_chat_with_a_long_queue_is_refused_and_dropping_forgets_it() -> None:
    scheduler: ChatScheduler[int] = ChatScheduler(PacingConfig(), max_queued_per_chat=2)
    assert scheduler.add(1, "group", 1) and scheduler.add(1, "group", 2)
    assert not scheduler.add(1, "group", 3)
    assert scheduler.ready_in(1) >= 6.0 - 0.01
    assert scheduler.add(2, "private", 4)
    assert scheduler.drop_chat(1) == [1, 2]
    assert len(scheduler) == 1
    assert scheduler.drain() == [4] and len(scheduler) == 0


def test_pacing_settings_come_from_the_environment() -> None:
    from bot.settings import ConfigError, Settings

    settings = Settings.load(
        {
            "DELIVERY_RATE": "20",
            "DELIVERY_PRIVATE_INTERVAL": "2",
            "DELIVERY_GROUP_PER_MINUTE": "10",
            "DELIVERY_CONCURRENCY": "4",
            "DELIVERY_PACING": "off",
            "DELIVERY_RETURN_BACKLOG": "0",
        },
        env_file=Path("/nonexistent/.env"),
    )
    assert settings.pacing == PacingConfig(
        enabled=False,
        global_rate=20.0,
        private_interval=2.0,
        group_per_minute=10.0,
        concurrency=4,
    )
    assert settings.delivery_return_backlog == 0
    defaults = Settings.load({}, env_file=Path("/nonexistent/.env"))
    assert defaults.pacing == PacingConfig() and defaults.delivery_lease == 60.0
    for name, value in (("DELIVERY_CONCURRENCY", "0"), ("DELIVERY_PACING", "maybe")):
        with pytest.raises(ConfigError, match=name):
            Settings.load({name: value}, env_file=Path("/nonexistent/.env"))
