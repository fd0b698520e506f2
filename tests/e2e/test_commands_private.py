"""Every command in private chats, in English and German, against the real bot and emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from telegram import Bot

from bot.push import render_push
from summaries.store import ChatConfig, DeliveryJob
from tests.e2e.commands_kit import (
    OPERATOR,
    BotUnderTest,
    Chat,
    assert_telegram_valid,
    button_data,
    buttons,
    start_module_bot,
)
from tests.support.emulator import BotApiEmulator


@pytest.fixture(scope="module")
def bot(
    _emulator_server: list[BotApiEmulator], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotUnderTest]:
    yield from start_module_bot(_emulator_server, tmp_path_factory)


def test_start_in_the_users_language_with_popular_tag_buttons(bot: BotUnderTest) -> None:
    english = Chat(bot, language="en")
    reply = english.say("/start")
    assert reply["text"].startswith("Welcome!") and "/subscribe" in reply["text"]
    assert_telegram_valid(reply)
    follow = button_data(reply, "Aserbaidschan")
    answer = english.press(reply, follow)
    assert "Aserbaidschan" in answer["text"]
    assert "Aserbaidschan" in english.say("/list")["text"]

    german = Chat(bot, language="de-DE")
    reply = german.say("/start")
    assert reply["text"].startswith("Willkommen!")
    assert "/settings" in german.say("/help")["text"]


def test_command_menu_is_registered_per_language(bot: BotUnderTest) -> None:
    commands = bot.emulator.state()["commands"]
    by_language = {key.split("|")[1]: value for key, value in commands.items()}
    assert {"", "en", "de"} <= set(by_language)
    german = {c["command"]: c["description"] for c in by_language["de"]}
    assert german["subscribe"] == "Tags abonnieren"
    assert set(german) >= {"subscribe", "unsubscribe", "list", "tags", "latest", "search",
                           "settings", "lang", "stop", "help"}  # fmt: skip


def test_subscribe_list_with_buttons_and_unsubscribe(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    reply = chat.say('/subscribe #USA "Ilham Aliyev" usa, Sport')
    assert reply["text"] == "Subscribed to <b>USA</b>, <b>Ilham Aliyev</b>, <b>Sport</b>."
    assert "Already following <b>sport</b>" in chat.say("/subscribe sport")["text"]
    listing = chat.say("/list")
    assert "3 tags" in listing["text"]
    assert len(buttons(listing)) == 3
    answer = chat.press(listing, button_data(listing, "Sport"))
    assert answer["text"] == "Unsubscribed from Sport."
    edited = chat.message(listing["message_id"])
    assert "2 tags" in edited["text"] and len(buttons(edited)) == 2
    # The same button again (stale: its tag is gone): nothing breaks, the user is told.
    stale = chat.press(edited, button_data(listing, "Sport"), force=True)
    assert stale["text"] == "This chat is not following that tag any more."
    reply = chat.say("/unsubscribe usa Nonexistent")
    assert "Unsubscribed from <b>USA</b>." in reply["text"]
    assert "not following <b>Nonexistent</b>" in reply["text"]


def test_bad_arguments_get_short_usage_messages(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    assert "/subscribe USA" in chat.say("/subscribe")["text"]
    assert "needs letters or digits" in chat.say("/subscribe !!! ###")["text"]
    assert "too long" in chat.say("/subscribe " + "x" * 100)["text"]
    assert "too much text" in chat.say("/subscribe " + "a " * 600)["text"]
    assert "/unsubscribe USA" in chat.say("/unsubscribe")["text"]
    assert "too much text" in chat.say("/unsubscribe " + "a " * 600)["text"]
    assert "Usage: /list" in chat.say("/list everything")["text"]
    assert "Usage: /latest" in chat.say("/latest a b c")["text"]
    assert "Usage: /latest" in chat.say("/latest 99")["text"]
    assert "Usage: /search" in chat.say("/search")["text"]
    assert "Usage: /tags" in chat.say("/tags minus")["text"]
    assert "Usage: /lang" in chat.say("/lang klingon")["text"]
    assert "/help" in chat.say("/frobnicate")["text"]
    german = Chat(bot, language="de")
    assert "So geht’s: /latest" in german.say("/latest 0")["text"]
    assert "kenne ich nicht" in german.say("/frobnicate")["text"]
    assert "welchen Tags ich folgen soll" in german.say("/subscribe")["text"]
    assert "welche Tags ich abbestellen soll" in german.say("/unsubscribe")["text"]
    assert "zu viel Text" in german.say("/unsubscribe " + "a " * 600)["text"]
    assert "keine Uhrzeit" in german.say("/settings täglich 25:99")["text"]


def test_too_many_subscriptions_are_refused(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    reply = chat.say("/subscribe " + " ".join(f"t{i}" for i in range(25)))
    assert "At most 20 tags at once" in reply["text"]
    for start in range(20, 200, 20):
        chat.say("/subscribe " + " ".join(f"t{i}" for i in range(start, start + 20)))
    assert "at most 200 tags" in chat.say("/subscribe one-more")["text"]


def test_stop_asks_first_and_cancel_keeps_everything(bot: BotUnderTest) -> None:
    chat = Chat(bot, language="de")
    assert "nichts zu beenden" in chat.say("/stop")["text"]
    chat.say("/subscribe USA Sport")
    question = chat.say("/stop")
    assert question["text"] == "Alle 2 Tags dieses Chats abbestellen?"
    chat.press(question, button_data(question, "Abbrechen"))
    assert chat.message(question["message_id"])["text"] == "Nichts geändert."
    assert "2 Tags" in chat.say("/list")["text"]
    question = chat.say("/stop")
    chat.press(question, button_data(question, "Ja"))
    assert chat.message(question["message_id"])["text"].startswith("Alle 2 Tags abbestellt.")
    assert "folgt noch keinen Tags" in chat.say("/list")["text"]


def test_tags_browse_and_toggle(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    page = chat.say("/tags")
    assert "page 1 of 1" in page["text"]
    labels = [b["text"] for b in buttons(page)]
    assert labels[0] == "➕ Aserbaidschan (2)"
    chat.press(page, button_data(page, "Sport"))
    assert "✅ Sport (1)" in [b["text"] for b in buttons(chat.message(page["message_id"]))]
    assert "Sport" in chat.say("/list")["text"]
    chat.press(page, button_data(chat.message(page["message_id"]), "Sport"))
    assert "➕ Sport (1)" in [b["text"] for b in buttons(chat.message(page["message_id"]))]
    forged = chat.press(page, "tt:999999:0", force=True)
    assert forged["text"] == "This button is no longer valid."
    garbage = chat.press(page, "rm -rf /", force=True)
    assert garbage["show_alert"] is True


def test_latest_and_search(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    latest = chat.say("/latest")
    assert latest["text"].startswith("<b>Latest news</b>")
    assert latest["text"].index("Bayern wins again") < latest["text"].index("Elections in Baku")
    one = chat.say("/latest Aserbaidschan 1")
    assert "Elections in Baku" in one["text"] and "Blinken" not in one["text"]
    assert "No articles with the tag <b>Nowhere</b>" in chat.say("/latest Nowhere")["text"]
    found = chat.say("/search Baku council")
    assert "Elections in Baku" in found["text"] and "Bayern" not in found["text"]
    assert "Nothing found" in chat.say("/search zebra unicorn")["text"]
    german = Chat(bot, language="de")
    found = german.say("/search Außenminister")
    assert found["text"].startswith("<b>Beste Treffer für</b>") and "Blinken" in found["text"]
    assert_telegram_valid(found)


def test_settings_typed_and_buttons(bot: BotUnderTest) -> None:
    chat = Chat(bot)
    shown = chat.say("/settings")
    assert "Summary length: 3 sentences" in shown["text"]
    chat.press(shown, button_data(shown, "+"))
    assert "Summary length: 4 sentences" in chat.message(shown["message_id"])["text"]
    chat.press(shown, button_data(chat.message(shown["message_id"]), "daily digest"))
    assert "daily digest at 08:00 (UTC)" in chat.message(shown["message_id"])["text"]
    reply = chat.say("/settings timezone europe/berlin")
    assert "Time zone: Europe/Berlin" in reply["text"]
    assert "07:30" in chat.say("/settings digest 7:30")["text"]
    assert "Quiet hours: 22:00–07:00" in chat.say("/settings quiet 22-7")["text"]
    assert "Only with words: nato, baku" in chat.say("/settings include NATO Baku")["text"]
    assert "not a time zone" in chat.say("/settings timezone Mars/Base")["text"]
    assert "Unknown setting" in chat.say("/settings colour blue")["text"]
    assert "from 1 to 10" in chat.say("/settings length 11")["text"]
    chat.say("/settings length 1")
    latest = chat.say("/latest Sport 1")["text"]
    assert "Bayern Munich won the match 3-1." in latest
    assert "The coach praised the team." not in latest


def test_lang_switches_the_interface(bot: BotUnderTest) -> None:
    chat = Chat(bot, language="en")
    menu = chat.say("/lang")
    chat.press(menu, button_data(menu, "Deutsch"))
    assert chat.message(menu["message_id"])["text"] == "Ich spreche in diesem Chat Deutsch."
    assert chat.say("/help")["text"].startswith("<b>newsbot</b> schickt")
    assert chat.say("/lang en")["text"] == "I will speak English in this chat."


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>http://example.org/</link>
<item><title>Harbour reopens in Hamburg</title><link>http://example.org/harbour</link>
<guid>harbour-1</guid><category>Hamburg</category>
<description>The harbour of Hamburg reopened on Monday after a week of repairs. Ships queued
outside the port for days. The city said traffic will be back to normal by Friday.</description>
</item></channel></rss>"""


def test_operator_commands(bot: BotUnderTest, httpserver: HTTPServer) -> None:
    stranger = Chat(bot)
    assert "operators" in stranger.say("/stats")["text"]
    operator = Chat(bot, user_id=OPERATOR)
    stats = operator.say("/stats")["text"]
    assert "Articles: 3" in stats and "Chats:" in stats
    assert "No sources yet" in operator.say("/sources")["text"]
    added = operator.say("/sources add https://example.org/feed.xml Welt")["text"]
    assert "Added source" in added
    assert "example.org/feed.xml" in operator.say("/sources")["text"]
    assert "Usage: /sources" in operator.say("/sources frobnicate")["text"]
    assert "Usage: /ingest" in operator.say("/ingest not-a-url")["text"]
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED, content_type="application/rss+xml"
    )
    replies = operator.say_many("/ingest " + httpserver.url_for("/feed.xml"), 2)
    assert replies[0]["text"].startswith("Fetching")
    assert replies[1]["text"] == "1 new article, 0 already known, 0 errors."
    assert "Harbour reopens" in operator.say("/search harbour Hamburg")["text"]
    assert "Source removed." in operator.say("/sources remove 1")["text"]


async def test_buttons_under_a_pushed_article(bot: BotUnderTest) -> None:
    chat = Chat(bot, language="de")
    chat.say("/subscribe USA Sport")
    job = DeliveryJob(1, chat.chat_id, "private", 1, 1, "Blinken ruft Aliyev an", ("Satz.",),
                      ("USA",), "https://example.org/a", "USA", "de")  # fmt: skip
    plan = render_push(ChatConfig(chat.chat_id, language="de"), job)
    async with Bot(bot.emulator.token, base_url=bot.emulator.ptb_base_url) as telegram:
        sent = await telegram.send_message(
            chat.chat_id, plan.html, parse_mode="HTML", reply_markup=plan.keyboard
        )
    pushed = chat.message(sent.message_id)
    assert [b["text"] for b in buttons(pushed)] == ["USA abbestellen", "Artikel öffnen"]
    answer = chat.press(pushed, button_data(pushed, "abbestellen"))
    assert answer["text"] == "USA abbestellt."
    assert [b["text"] for b in buttons(chat.message(sent.message_id))] == ["Artikel öffnen"]
    assert "USA" not in chat.say("/list")["text"]
    again = chat.press(pushed, button_data(pushed, "abbestellen"), force=True)
    assert again["text"] == "Dieser Chat folgt dem Tag nicht mehr."
