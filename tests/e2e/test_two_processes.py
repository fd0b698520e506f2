"""Two `newsbot run` processes on one PostgreSQL database share the outbox: every delivery
goes out exactly once, and both processes do part of the work."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.e2e.conftest import StartBot
from tests.e2e.delivery_support import add_article, add_chats, seeded_store, wait_drained
from tests.support.emulator import BotApiEmulator

CHATS = list(range(7001, 7151))
STORIES = ["Story one", "Story two", "Story three"]


@pytest.mark.postgres
def test_two_processes_never_send_the_same_delivery(
    emulator: BotApiEmulator, start_bot: StartBot, postgres_url: str
) -> None:
    store = seeded_store(postgres_url)
    add_chats(store, CHATS)
    env = {
        "DATABASE_URL": postgres_url,
        "DELIVERY_RATE": "100",
        "DELIVERY_PRIVATE_INTERVAL": "0.1",
        "LOG_LEVEL": "DEBUG",
    }
    bots = [start_bot(env=env), start_bot(env=env)]
    for title in STORIES:
        add_article(store, title)
    assert wait_drained(store, timeout=60, settle=1.5) == {"sent": len(CHATS) * len(STORIES)}
    copies = Counter(
        (m["chat_id"], str(m["text"]).split("\n", 1)[0]) for m in emulator.bot_messages()
    )
    expected = {(chat_id, f"<b>{title}</b>") for chat_id in CHATS for title in STORIES}
    assert set(copies) == expected
    assert set(copies.values()) == {1}
    shares = [len(re.findall(r"Sent article \d+ to chat", bot.log_text())) for bot in bots]
    assert sum(shares) == len(expected) and min(shares) > 0, shares
