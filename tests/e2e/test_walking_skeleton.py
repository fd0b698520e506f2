"""The whole path, for real: a report ingested by one process reaches subscribed chats
through the running bot (real python-telegram-bot, real HTTP, the Bot API emulator)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.conftest import SEED_REPORT
from tests.e2e.conftest import StartBot
from tests.support.emulator import BotApiEmulator

ALICE = 1001  # follows Aserbaidschan
BOB = 1002  # follows Sport
CAROL = 1003  # follows #afghanistan and USA (two matching tags, one message)
SEED_TITLE = "US-Außenminister rief Ilham Aliyev an"


def pushes(emulator: BotApiEmulator, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in emulator.bot_messages(chat_id) if SEED_TITLE in m["text"]]


def command(emulator: BotApiEmulator, user: int, text: str) -> str:
    """Send a command in the user's private chat and return the bot's answer."""
    before = len(emulator.bot_messages(user))
    emulator.send_message(user, user, text)
    return str(emulator.wait_for_messages(user, before + 1, timeout=15)[-1]["text"])


def test_subscribed_chats_get_the_seed_report_once(
    emulator: BotApiEmulator, start_bot: StartBot, newsbot_cli: Callable[..., Any]
) -> None:
    bot = start_bot()
    assert "/subscribe" in command(emulator, ALICE, "/start")
    assert "/unsubscribe" in command(emulator, BOB, "/help")

    assert "Aserbaidschan" in command(emulator, ALICE, "/subscribe Aserbaidschan")
    assert "Sport" in command(emulator, BOB, "/subscribe Sport")
    reply = command(emulator, CAROL, "/subscribe #afghanistan usa")
    assert "afghanistan" in reply and "usa" in reply
    assert "afghanistan" in command(emulator, CAROL, "/list")

    ingested = newsbot_cli("ingest", str(SEED_REPORT))
    assert ingested.returncode == 0, ingested.stderr
    started = time.monotonic()
    emulator.wait_for_messages(ALICE, 3, timeout=15)  # /start, /subscribe, the push
    emulator.wait_for_messages(CAROL, 3, timeout=15)  # /subscribe, /list, the push
    assert time.monotonic() - started < 10

    (message,) = pushes(emulator, ALICE)
    assert message["parse_mode"] == "HTML"
    assert message["text"].startswith(f"<b>{SEED_TITLE}</b>\n\n")
    assert "#Aserbaidschan" in message["text"] and "#Afghanistan" in message["text"]
    assert len(message["plain_text"]) <= 4096
    assert message["plain_text"].startswith(SEED_TITLE)
    assert len(pushes(emulator, CAROL)) == 1
    assert pushes(emulator, BOB) == []

    # A restart sends nothing again.
    bot.stop()
    assert bot.returncode == 0
    start_bot()
    time.sleep(3)  # three delivery intervals
    assert len(pushes(emulator, ALICE)) == 1
    assert len(pushes(emulator, CAROL)) == 1
    assert pushes(emulator, BOB) == []


def test_unsubscribed_chat_gets_nothing(
    emulator: BotApiEmulator, start_bot: StartBot, newsbot_cli: Callable[..., Any]
) -> None:
    start_bot()
    command(emulator, ALICE, "/subscribe Afghanistan")
    assert "Afghanistan" in command(emulator, ALICE, "/unsubscribe AFGHANISTAN")
    assert "follows no tags" in command(emulator, ALICE, "/list")
    assert newsbot_cli("ingest", str(SEED_REPORT)).returncode == 0
    time.sleep(3)
    assert pushes(emulator, ALICE) == []


def test_bad_commands_get_answers_not_silence(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    start_bot()
    assert "/subscribe" in command(emulator, ALICE, "/subscribe")
    assert command(emulator, ALICE, "/subscribe !!!")  # punctuation only: explained
    assert command(emulator, ALICE, "/subscribe " + "x" * 500)  # absurdly long: explained
    assert "/help" in command(emulator, ALICE, "/frobnicate")
    assert "follows no tags" in command(emulator, ALICE, "/list")
