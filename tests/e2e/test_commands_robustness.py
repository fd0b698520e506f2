"""Nothing a user types breaks the bot: odd input, edited commands, commands sent while it
restarts, and no error ever reaches the log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.commands_kit import BotUnderTest, Chat, start_module_bot
from tests.e2e.conftest import wait_until_polling
from tests.support.botprocess import BotProcess
from tests.support.emulator import BotApiEmulator

ODD = [
    "/subscribe \u200b",
    '/subscribe "unbalanced',
    "/subscribe ״עברית״ 中文 😀",
    "/subscribe #",
    "/subscribe \x00\x01",
    "/unsubscribe " + "ä" * 4000,
    "/latest -1",
    "/latest 😀 3",
    "/latest 99999999999999999999",
    "/search *",
    '/search " OR ) NEAR(',
    "/search " + "x" * 300,
    "/tags 0",
    "/tags 999999",
    "/settings length -5",
    "/settings digest 24:00",
    "/settings timezone ../../etc/passwd",
    "/settings quiet 5-",
    "/settings include ((a))",
    "/settings exclude",
    "/lang 😀",
    "/lang de en",
    "/stop now",
    "/topic x",
    "/stats",
    "/help@TestNameBot extra words",
    "/start@TestNameBot",
]


@pytest.fixture(scope="module")
def bot(
    _emulator_server: list[BotApiEmulator], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotUnderTest]:
    yield from start_module_bot(_emulator_server, tmp_path_factory)


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_odd_input_gets_a_short_answer(bot: BotUnderTest, language: str) -> None:
    chat = Chat(bot, language=language)
    for text in ODD:
        reply = chat.say(text)
        assert reply["text"].strip(), text
        assert len(reply["plain_text"]) <= 4096
        assert "Traceback" not in reply["text"]
        if text.startswith(("/settings", "/latest", "/search", "/lang", "/stop", "/tags")):
            assert "something went wrong" not in reply["text"], text


def test_edited_command_is_handled(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    before = len(chat.messages())
    message_id = bot.emulator.send_message(chat.chat_id, chat.user_id, "/subscrbe USA")
    bot.emulator.wait_for_messages(chat.chat_id, before + 1)
    bot.emulator.send_edited_message(chat.chat_id, chat.user_id, message_id, "/subscribe USA")
    replies = bot.emulator.wait_for_messages(chat.chat_id, before + 2)
    assert replies[-1]["text"] == "Subscribed to <b>USA</b>."


def test_no_error_was_logged(bot: BotUnderTest) -> None:
    log = bot.process.log_text()
    assert "Error while handling an update" not in log, bot.process.tail(80)
    assert "Traceback" not in log, bot.process.tail(80)


def test_commands_sent_while_the_bot_is_down_are_answered(bot: BotUnderTest) -> None:
    chat = Chat(bot, language="de")
    bot.process.stop()
    bot.emulator.send_message(chat.chat_id, chat.user_id, "/subscribe Sport", language_code="de")
    bot.emulator.send_message(chat.chat_id, chat.user_id, "/list", language_code="de")
    since = bot.emulator.last_call_seq()
    log_path = bot.process.log_path.with_name("bot-2.log")
    restarted = BotProcess(bot.process.env, cwd=bot.process.cwd, log_path=log_path).start()
    bot.process = restarted
    wait_until_polling(bot.emulator, restarted, since=since, timeout=30)
    replies = bot.emulator.wait_for_messages(chat.chat_id, 2, timeout=15)
    assert replies[0]["text"] == "Abonniert: <b>Sport</b>."
    assert "Sport" in replies[1]["text"]
