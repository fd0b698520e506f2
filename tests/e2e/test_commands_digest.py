"""Daily digests sent by the real DigestRunner through the Bot API emulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Bot

from bot.digest import DigestRunner
from summaries.db import upgrade
from summaries.models import DeliveryState
from summaries.store import NewArticle, Store, TagRef
from tests.support.emulator import BotApiEmulator

CHAT = 880_001


def _fill(store: Store, articles: int) -> None:
    store.upsert_chat(CHAT, language="de")
    store.subscribe(CHAT, [TagRef("USA", "usa"), TagRef("Sport", "sport")])
    store.update_chat_config(
        CHAT, mode="digest", digest_minute=8 * 60, timezone="Europe/Berlin",
        last_digest_at=datetime(2026, 7, 1, 6, 0, tzinfo=UTC),
    )  # fmt: skip
    for i in range(articles):
        tag = "USA" if i % 3 else "Sport"
        store.add_article(
            NewArticle(
                title=f"Meldung {i} <{tag}>",
                body=f"Text {i}. " * 50,
                language="de",
                summary=[f"Satz {i} " + "lang " * 60 + ".", "Zweiter Satz."],
                summary_method="test",
                tags=[TagRef(tag, tag.casefold())],
            )
        )
    store.plan_deliveries(limit=1000)
    jobs = store.claim_deliveries(limit=1000, owner="worker")
    assert store.park_for_digest([job.delivery_id for job in jobs], "worker") == articles


async def test_digest_once_a_day_grouped_and_split(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'digest.db'}"
    upgrade(url)
    store = Store.from_url(url)
    _fill(store, 40)
    runner = DigestRunner(store)
    before_time = datetime(2026, 7, 2, 5, 59, tzinfo=UTC)  # 07:59 in Berlin
    at_time = datetime(2026, 7, 2, 6, 0, 30, tzinfo=UTC)
    async with Bot(emulator.token, base_url=emulator.ptb_base_url) as bot:
        assert await runner.run_once(bot, now=before_time) == 0
        sent = await runner.run_once(bot, now=at_time)
        assert sent >= 2, "40 long summaries do not fit one message"
        assert await runner.run_once(bot, now=at_time + timedelta(hours=3)) == 0
    messages = emulator.bot_messages(CHAT)
    assert len(messages) == sent
    assert all(len(m["plain_text"]) <= 4096 and m["parse_mode"] == "HTML" for m in messages)
    text = "\n\n".join(m["text"] for m in messages)
    assert text.startswith("<b>Deine tägliche Zusammenfassung</b>: 40 Artikel")
    assert text.count("<b>#Sport</b>") == 1 and text.count("<b>#USA</b>") == 1
    assert all(f"Meldung {i} &lt;" in text for i in range(40))
    states = {state for _, state in store.deliveries_for_chat(CHAT)}
    assert states == {DeliveryState.SENT.value}
    assert store.chat_config(CHAT).last_digest_at == at_time
    store.close()


async def test_failed_digest_is_kept_for_the_next_try(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'digest.db'}"
    upgrade(url)
    store = Store.from_url(url)
    _fill(store, 3)
    emulator.add_fault(
        {"method": "sendMessage", "chat_id": CHAT, "action": "server_error", "times": 1}
    )
    runner = DigestRunner(store)
    now = datetime(2026, 7, 2, 6, 1, tzinfo=UTC)
    async with Bot(emulator.token, base_url=emulator.ptb_base_url) as bot:
        assert await runner.run_once(bot, now=now) == 0
        assert store.parked_count(CHAT) == 3
        assert await runner.run_once(bot, now=now + timedelta(minutes=1)) == 1
    assert store.parked_count(CHAT) == 0
    assert len(emulator.bot_messages(CHAT)) == 1
    store.close()
