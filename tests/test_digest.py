"""The digest runner through failing parts: each part counts once, nothing repeats forever.

The store is real (SQLite and PostgreSQL); the bot is a fake whose send_message fails
on chosen calls, so a digest of several parts can fail in the middle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TimedOut

from bot.digest import DigestRunner, plain_text
from summaries.store import NewArticle, Store, TagRef

CHAT = 42
NOW = datetime(2026, 7, 2, 8, 1, tzinfo=UTC)  # the digest is due at 08:00 UTC


@dataclass
class FakeBot:
    """Fails the n-th send_message call (1-based) with `faults[n]`, else succeeds."""

    faults: dict[int, Exception] = field(default_factory=dict)
    calls: list[tuple[int, str, str | None]] = field(default_factory=list)
    sent: list[tuple[int, str, str | None]] = field(default_factory=list)

    async def send_message(
        self, chat_id: int, text: str, parse_mode: str | None = None, **_: Any
    ) -> Any:
        self.calls.append((chat_id, text, parse_mode))
        fault = self.faults.get(len(self.calls))
        if fault is not None:
            raise fault
        self.sent.append((chat_id, text, parse_mode))
        return SimpleNamespace(message_id=len(self.calls))


def _fill(store: Store, articles: int = 20) -> None:
    store.upsert_chat(CHAT)
    store.subscribe(CHAT, [TagRef("USA", "usa")])
    store.update_chat_config(
        CHAT, mode="digest", digest_minute=8 * 60, timezone="UTC",
        last_digest_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
    )  # fmt: skip
    for i in range(articles):
        store.add_article(
            NewArticle(
                title=f"Story {i:02d} <&>",
                body=f"Text {i}. " * 20,
                language="en",
                summary=[f"Sentence {i} " + "long " * 60 + "."],
                summary_method="test",
                tags=[TagRef("USA", "usa")],
            )
        )
    store.plan_deliveries(limit=1000)
    jobs = store.claim_deliveries(limit=1000, owner="worker")
    assert store.park_for_digest([job.delivery_id for job in jobs], "worker") == articles


def _states(store: Store, chat_id: int = CHAT) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, state in store.deliveries_for_chat(chat_id):
        counts[state] = counts.get(state, 0) + 1
    return counts


def _titles(texts: list[str]) -> set[str]:
    return {f"Story {i:02d}" for i in range(20) if any(f"Story {i:02d}" in t for t in texts)}


async def test_a_failed_second_part_gives_back_only_its_articles(store: Store) -> None:
    _fill(store)
    bot = FakeBot({2: TimedOut()})
    runner = DigestRunner(store)
    assert await runner.run_once(bot, now=NOW) == 1  # type: ignore[arg-type]
    first = _titles([text for _, text, _ in bot.sent])
    assert 0 < len(first) < 20
    assert _states(store) == {"sent": len(first), "digest": 20 - len(first)}
    assert store.chat_config(CHAT).last_digest_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)

    later = NOW + timedelta(seconds=30)
    sent = await runner.run_once(bot, now=later)  # type: ignore[arg-type]
    again = _titles([text for _, text, _ in bot.sent[1:]])
    assert sent >= 1 and again.isdisjoint(first) and len(first | again) == 20
    assert _states(store) == {"sent": 20}
    assert store.chat_config(CHAT).last_digest_at == later
    assert await runner.run_once(bot, now=later + timedelta(minutes=1)) == 0  # type: ignore[arg-type]


async def test_a_digest_that_keeps_failing_is_given_up(store: Store) -> None:
    _fill(store)
    runner = DigestRunner(store, max_attempts=3)
    bot = FakeBot()
    bot.faults = {n: TimedOut() for n in range(2, 100)}  # only the very first part goes out
    for minute in range(6):
        await runner.run_once(bot, now=NOW + timedelta(minutes=minute))  # type: ignore[arg-type]
    assert len(bot.sent) == 1
    assert len(bot.calls) == 4  # part 2 of round 1, then one try in rounds 2 and 3
    states = _states(store)
    assert states["sent"] + states["failed"] == 20 and states["failed"] > 0
    reasons = {f.reason for f in store.stats(failed_limit=1000).failed_deliveries}
    assert reasons == {"gave up after 3 attempts: network: Timed out"}
    assert store.chat_config(CHAT).last_digest_at == NOW + timedelta(minutes=2)


async def test_refused_html_is_resent_as_plain_text(store: Store) -> None:
    _fill(store)
    bot = FakeBot({2: BadRequest("Can't parse entities: unexpected end tag at byte offset 3")})
    assert await DigestRunner(store).run_once(bot, now=NOW) >= 2  # type: ignore[arg-type]
    plain = [text for _, text, mode in bot.sent if mode is None]
    assert len(plain) == 1 and "<b>" not in plain[0] and "Story" in plain[0]
    assert "<&>" in plain[0]  # unescaped, as the reader should see it
    assert plain[0] == plain_text(bot.calls[1][1])
    assert _states(store) == {"sent": 20}
    assert store.chat_config(CHAT).last_digest_at == NOW


async def test_another_400_fails_that_part_and_the_digest_goes_on(store: Store) -> None:
    _fill(store)
    bot = FakeBot({2: BadRequest("Message is too long")})
    await DigestRunner(store).run_once(bot, now=NOW)  # type: ignore[arg-type]
    states = _states(store)
    assert states["failed"] > 0 and states["sent"] + states["failed"] == 20
    failed = store.stats(failed_limit=1000).failed_deliveries
    assert {f.reason for f in failed} == {"400: Message is too long"}
    assert store.chat_config(CHAT).last_digest_at == NOW
    assert await DigestRunner(store).run_once(bot, now=NOW + timedelta(minutes=1)) == 0  # type: ignore[arg-type]


async def test_blocked_chat_holds_the_rest(store: Store) -> None:
    _fill(store)
    bot = FakeBot({2: Forbidden("Forbidden: bot was blocked by the user")})
    runner = DigestRunner(store)
    assert await runner.run_once(bot, now=NOW) == 1  # type: ignore[arg-type]
    states = _states(store)
    assert states["held"] > 0 and states["sent"] + states["held"] == 20
    chat = store.chat(CHAT)
    assert chat is not None and not chat.active
    assert await runner.run_once(bot, now=NOW + timedelta(minutes=1)) == 0  # type: ignore[arg-type]
    assert len(bot.calls) == 2


async def test_migrated_chat_gets_the_digest_at_its_new_id(store: Store) -> None:
    _fill(store)
    bot = FakeBot({1: ChatMigrated(-100777)})
    assert await DigestRunner(store).run_once(bot, now=NOW) >= 2  # type: ignore[arg-type]
    assert {chat_id for chat_id, _, _ in bot.sent} == {-100777}
    assert _states(store, -100777) == {"sent": 20} and _states(store) == {}
    assert store.chat_config(-100777).last_digest_at == NOW


async def test_rate_limit_waits_and_resends_the_part(store: Store) -> None:
    _fill(store)
    bot = FakeBot({2: RetryAfter(0)})
    sent = await DigestRunner(store).run_once(bot, now=NOW)  # type: ignore[arg-type]
    assert sent == len(bot.sent) == len(bot.calls) - 1
    assert _states(store) == {"sent": 20}
