"""Seeding the outbox directly and waiting for it to drain, for the delivery e2e tests."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from summaries.db import upgrade
from summaries.store import NewArticle, Store, TagRef
from tests.support.emulator import BotApiEmulator

USA = TagRef("USA", "usa")


def seeded_store(url: str) -> Store:
    upgrade(url)
    return Store.from_url(url)


def add_chats(store: Store, chat_ids: Iterable[int], *, tag: TagRef = USA) -> None:
    for chat_id in chat_ids:
        chat_type = "private" if chat_id > 0 else "group"
        store.upsert_chat(chat_id, chat_type=chat_type, title=f"chat {chat_id}")
        store.subscribe(chat_id, [tag])


def add_article(store: Store, title: str, *, tag: TagRef = USA, body: str | None = None) -> int:
    return store.add_article(
        NewArticle(
            title=title,
            body=body or f"{title}. A body long enough to be a story.",
            language="en",
            summary=[f"What happened in {title}."],
            summary_method="test",
            tags=[tag],
        )
    ).id


def titles(emulator: BotApiEmulator, chat_id: int) -> list[str]:
    """The first line (the title) of every message the bot sent to the chat, in order."""
    out = []
    for message in emulator.bot_messages(chat_id):
        text = str(message.get("plain_text") or message["text"])
        out.append(text.split("\n", 1)[0])
    return out


def wait_drained(store: Store, *, timeout: float = 60.0, settle: float = 0.0) -> dict[str, int]:
    """Wait until no delivery is pending or sending; returns the final counts."""
    deadline = time.monotonic() + timeout
    while True:
        counts = store.delivery_counts()
        if not counts.get("pending") and not counts.get("sending"):
            if settle:
                time.sleep(settle)
                counts = store.delivery_counts()
                if not counts.get("pending") and not counts.get("sending"):
                    return counts
                continue
            return counts
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox not drained after {timeout} s: {counts}")
        time.sleep(0.1)


def send_calls(emulator: BotApiEmulator, **match: Any) -> list[dict[str, Any]]:
    calls = emulator.calls("sendMessage")
    return [c for c in calls if all(str(c.get(k)) == str(v) for k, v in match.items())]
