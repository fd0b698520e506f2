"""Commands in groups, supergroups with topics and channels: who may change what, /cmd@bot."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.e2e.commands_kit import (
    BotUnderTest,
    Chat,
    button_data,
    buttons,
    start_module_bot,
    unique_id,
)
from tests.support.emulator import BOT_USERNAME, BotApiEmulator

_group_ids = itertools.count(1)


@pytest.fixture(scope="module")
def bot(
    _emulator_server: list[BotApiEmulator], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotUnderTest]:
    yield from start_module_bot(_emulator_server, tmp_path_factory)


def group(bot: BotUnderTest, *, language: str = "en", chat_type: str = "group",
          is_forum: bool = False) -> tuple[Chat, Chat]:  # fmt: skip
    """A group with an admin and a plain member; returns (admin's view, member's view)."""
    admin, member = unique_id(), unique_id()
    number = next(_group_ids)
    chat_id = -(5_000 + number) if chat_type == "group" else -(1_009_000_000_000 + number)
    bot.emulator.set_chat(chat_id, chat_type=chat_type, title=f"Group {number}",
                          is_forum=is_forum, admins=[admin], members=[member])  # fmt: skip
    return (
        Chat(
            bot,
            user_id=admin,
            chat_id=chat_id,
            chat_type=chat_type,
            language=language,
            is_forum=is_forum,
        ),
        Chat(
            bot,
            user_id=member,
            chat_id=chat_id,
            chat_type=chat_type,
            language=language,
            is_forum=is_forum,
        ),
    )


def test_admins_change_subscriptions_members_are_refused(bot: BotUnderTest) -> None:
    admin, member = group(bot)
    reply = admin.say(f"/subscribe@{BOT_USERNAME} USA Sport")
    assert reply["text"] == "Subscribed to <b>USA</b>, <b>Sport</b>."
    refused = member.say("/unsubscribe USA")
    assert "only the administrators" in refused["text"]
    assert "2 tags" in member.say(f"/list@{BOT_USERNAME}")["text"], "reading is allowed"
    listing = admin.say("/list")
    answer = member.press(listing, button_data(listing, "USA"))
    assert answer["show_alert"] is True and "only the administrators" in answer["text"]
    assert "2 tags" in admin.say("/list")["text"]
    admin.press(listing, button_data(listing, "USA"))
    assert "1 tag:" in admin.message(listing["message_id"])["text"]
    assert "only the administrators" in member.say("/settings length 5")["text"]
    assert "only the administrators" in member.say("/stop")["text"]


def test_group_in_german_and_stop_confirmation(bot: BotUnderTest) -> None:
    admin, member = group(bot, language="de", chat_type="supergroup")
    assert admin.say("/subscribe Sport")["text"] == "Abonniert: <b>Sport</b>."
    question = admin.say(f"/stop@{BOT_USERNAME}")
    assert question["text"] == "Das eine Tag dieses Chats abbestellen?"
    answer = member.press(question, button_data(question, "Ja"))
    assert "nur die Administratoren" in answer["text"]
    admin.press(question, button_data(question, "Ja"))
    assert admin.message(question["message_id"])["text"].startswith("1 Tag abbestellt.")


def test_commands_for_other_bots_and_unknown_commands(bot: BotUnderTest) -> None:
    admin, _ = group(bot)
    before = len(admin.messages())
    admin.emulator.send_message(admin.chat_id, admin.user_id, "/subscribe@OtherBot USA",
                                chat_type="group")  # fmt: skip
    admin.emulator.send_message(admin.chat_id, admin.user_id, "/frobnicate", chat_type="group")
    hint = admin.say(f"/frobnicate@{BOT_USERNAME}")
    assert "/help" in hint["text"]
    assert len(admin.messages()) == before + 1, "other bots' commands get no answer"
    assert "follows no tags" in admin.say("/list")["text"]


def test_anyone_reads_latest_search_and_tags_in_groups(bot: BotUnderTest) -> None:
    _, member = group(bot)
    assert "Elections in Baku" in member.say(f"/search@{BOT_USERNAME} Baku")["text"]
    assert member.say("/latest 1")["text"].count("<b>") == 2  # heading + one title
    page = member.say("/tags")
    assert buttons(page)
    assert (
        "only the administrators" in member.press(page, buttons(page)[0]["callback_data"])["text"]
    )


def test_forum_topic_routing(bot: BotUnderTest) -> None:
    admin, member = group(bot, chat_type="supergroup", is_forum=True)
    usage = admin.say("/topic USA")
    assert "inside a topic" in usage["text"]
    routed = admin.say("/topic USA", message_thread_id=77)
    assert routed["text"] == "Articles tagged <b>USA</b> go to this topic."
    assert routed["message_thread_id"] == 77
    assert "USA" in admin.say("/list")["text"], "routing a tag also follows it"
    refused = member.say("/topic Sport", message_thread_id=77)
    assert "only the administrators" in refused["text"]
    back = admin.say("/topic USA off", message_thread_id=77)
    assert "main chat again" in back["text"]


def test_channel_managed_from_a_private_chat(bot: BotUnderTest) -> None:
    owner, outsider = unique_id(), unique_id()
    channel_id = -1_008_000_000_000 - next(_group_ids)
    bot.emulator.set_chat(channel_id, chat_type="channel", title="News channel",
                          username="newsdesk", creator=owner,
                          bot_status="administrator")  # fmt: skip
    me = Chat(bot, user_id=owner)
    reply = me.say("/subscribe @newsdesk USA")
    assert reply["text"] == "Subscribed to <b>USA</b>."
    assert "USA" in me.say("/list @newsdesk")["text"]
    assert "no tags" in me.say("/list")["text"], "the private chat itself is unchanged"
    stranger = Chat(bot, user_id=outsider)
    assert "Only administrators of @newsdesk" in stranger.say("/subscribe @newsdesk Sport")["text"]
    assert "cannot find the channel" in me.say("/subscribe @nosuchchannel USA")["text"]
    assert "Unsubscribed from <b>USA</b>" in me.say("/unsubscribe @newsdesk USA")["text"]
    saved = me.say("/settings @newsdesk language de")
    assert "Saved." in saved["text"] and "Language: Deutsch" in saved["text"]
    assert not buttons(saved), "buttons would act on the private chat, so none"
    assert "Language: automatic" in me.say("/settings")["text"], "the private chat is unchanged"
    bot.emulator.set_chat(-1_007_000_000_001, chat_type="channel", title="Muted",
                          username="mutedchan", creator=owner, bot_status="member")  # fmt: skip
    assert "administrator" in me.say("/subscribe @mutedchan USA")["text"]
