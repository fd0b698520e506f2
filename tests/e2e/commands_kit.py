"""Shared by tests/e2e/test_commands_*.py: one real bot per test module, and a chat helper.

Starting the bot costs about two seconds, so each command test module starts one bot
process (module-scoped) on a SQLite file seeded with a few articles, and its tests
use distinct chat ids instead of resetting the emulator.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from summaries.db import upgrade
from summaries.store import NewArticle, Store, TagRef
from summaries.tagging import tag_key
from tests.e2e.conftest import wait_until_polling
from tests.support.botprocess import BotProcess
from tests.support.emulator import BotApiEmulator, EmulatorNotInstalled

JSON = dict[str, Any]
OPERATOR = 4242
ARTICLES = [
    ("Blinken ruft Aliyev an",
     "Der US-Außenminister telefonierte mit Ilham Aliyev. Es ging um Sicherheit.", "de",
     ("Aserbaidschan", "USA")),
    ("Elections in Baku", "Voters in Baku elected a new council. Turnout was high.", "en",
     ("Aserbaidschan", "Wahlen")),
    ("Bayern wins again", "Bayern Munich won the match 3-1. The coach praised the team.", "en",
     ("Sport",)),
]  # fmt: skip
_ids = itertools.count(1)


def unique_id() -> int:
    """A fresh positive id for a user (and their private chat)."""
    return 700_000 + next(_ids)


@dataclass
class BotUnderTest:
    emulator: BotApiEmulator
    process: BotProcess
    database_url: str
    tag_ids: dict[str, int] = field(default_factory=dict)


def seed(database_url: str) -> dict[str, int]:
    upgrade(database_url)
    store = Store.from_url(database_url)
    try:
        for title, body, language, tags in ARTICLES:
            store.add_article(
                NewArticle(
                    title=title,
                    body=body,
                    language=language,
                    summary=[s.strip() + "." for s in body.split(".") if s.strip()],
                    summary_method="test",
                    tags=[TagRef(t, tag_key(t)) for t in tags],
                )
            )
        # Plan them now, while no chat subscribes: they are there for /latest, /search and
        # /tags, and must not be pushed to a chat that subscribes before the bot's first round.
        assert store.plan_deliveries() == 0
        page, _ = store.tag_counts(limit=50)
        return {tag.display: tag.id for tag in page}
    finally:
        store.close()


def start_module_bot(
    servers: list[BotApiEmulator], factory: pytest.TempPathFactory
) -> Iterator[BotUnderTest]:
    """Start (or reuse) the session's emulator, seed a database, start one bot on it."""
    if not servers or not servers[0].running:
        for dead in servers:
            dead.stop()
        servers.clear()
        try:
            servers.append(
                BotApiEmulator(log_path=factory.mktemp("emulator") / "emulator.log").start()
            )
        except EmulatorNotInstalled as exc:
            pytest.fail(str(exc), pytrace=False)
    emulator = servers[0]
    emulator.reset()
    folder = factory.mktemp("commands")
    database_url = f"sqlite:///{folder / 'newsbot.db'}"
    tag_ids = seed(database_url)
    env = {
        **emulator.bot_env(),
        "DATABASE_URL": database_url,
        "DELIVERY_INTERVAL": "1",
        "ADMIN_IDS": str(OPERATOR),
    }
    since = emulator.last_call_seq()
    process = BotProcess(env, cwd=folder, log_path=folder / "bot.log").start()
    under = BotUnderTest(emulator, process, database_url, tag_ids)
    try:
        wait_until_polling(emulator, process, since=since, timeout=30)
        yield under
    finally:
        process.stop()
        under.process.stop()  # a test may have restarted the bot


class Chat:
    """A person (and the chat they write in) talking to the bot under test."""

    def __init__(
        self,
        bot: BotUnderTest,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        language: str = "en",
        is_forum: bool = False,
    ) -> None:
        self.bot = bot
        self.is_forum = is_forum
        self.emulator = bot.emulator
        self.user_id = user_id or unique_id()
        self.chat_id = chat_id or self.user_id
        self.chat_type = chat_type
        self.language = language

    def messages(self) -> list[JSON]:
        return self.emulator.bot_messages(self.chat_id)

    def say(self, text: str, *, user_id: int | None = None, **extra: Any) -> JSON:
        """Send text and return the bot's (first) new message."""
        return self.say_many(text, 1, user_id=user_id, **extra)[0]

    def say_many(
        self, text: str, count: int, *, user_id: int | None = None, **extra: Any
    ) -> list[JSON]:
        before = len(self.messages())
        self.emulator.send_message(
            self.chat_id,
            user_id or self.user_id,
            text,
            chat_type=self.chat_type,
            language_code=self.language,
            is_forum=self.is_forum,
            **extra,
        )
        return self.emulator.wait_for_messages(self.chat_id, before + count, timeout=15)[before:]

    def press(
        self, message: JSON, data: str, *, user_id: int | None = None, force: bool = False
    ) -> JSON:
        """Press a button; wait for the bot to answer the query; return the answer."""
        since = self.emulator.last_call_seq()
        query_id = self.emulator.send_callback(
            self.chat_id,
            user_id or self.user_id,
            data,
            message["message_id"],
            language_code=self.language,
            force=force,
        )
        self.emulator.wait_for_calls("answerCallbackQuery", 1, since=since, timeout=15)
        for query in self.emulator.callback_answers():
            if query["id"] == query_id and query["answer"] is not None:
                return dict(query["answer"])
        raise AssertionError(f"the bot did not answer callback {data!r}")

    def message(self, message_id: int) -> JSON:
        return next(m for m in self.messages() if m["message_id"] == message_id)


def buttons(message: JSON) -> list[JSON]:
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def button_data(message: JSON, label_part: str) -> str:
    for button in buttons(message):
        if label_part in button["text"]:
            return str(button["callback_data"])
    raise AssertionError(f"no button with {label_part!r}: {[b['text'] for b in buttons(message)]}")


def assert_telegram_valid(message: JSON) -> None:
    """What the emulator does not check: length and callback data size."""
    assert len(message["plain_text"]) <= 4096
    for button in buttons(message):
        if "callback_data" in button:
            assert len(button["callback_data"].encode()) <= 64
