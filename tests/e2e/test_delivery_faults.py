"""Every Telegram error on the way to the chats, injected in front of the emulator; for every
chat the test states exactly which messages arrived."""

from __future__ import annotations

import time
from pathlib import Path

from summaries.store import TagRef
from summaries.tagging import tag_key
from tests.e2e.conftest import StartBot
from tests.e2e.delivery_support import (
    add_article,
    add_chats,
    seeded_store,
    send_calls,
    titles,
    wait_drained,
)
from tests.support import faults
from tests.support.emulator import BotApiEmulator

FINE, LIMITED, BLOCKED, FLAKY, SLOW, BAD_HTML, GONE = 1001, 1002, 1003, 1004, 1005, 1006, 1007
GROUP, SUPERGROUP = -2001, -1002001
FAST_RETRIES = {"DELIVERY_RETRY_BASE": "0.2", "DELIVERY_MAX_ATTEMPTS": "4", "LOG_LEVEL": "DEBUG"}


def test_each_error_is_handled_without_losing_a_message(
    emulator: BotApiEmulator, start_bot: StartBot, bot_env: dict[str, str]
) -> None:
    store = seeded_store(bot_env["DATABASE_URL"])
    add_chats(store, [FINE, LIMITED, BLOCKED, FLAKY, SLOW, BAD_HTML, GONE, GROUP])
    add_article(store, "First story")
    add_article(store, "Second story")
    emulator.set_faults(
        [
            faults.retry_after(2, chat_id=LIMITED, times=1),
            faults.blocked(chat_id=BLOCKED),
            faults.server_error(502, "Bad Gateway", chat_id=FLAKY, times=1),
            faults.reset(chat_id=FLAKY, times=1),  # read timeouts: tests/test_delivery.py
            faults.delay(4.0, chat_id=SLOW, times=1),
            faults.parse_error(chat_id=BAD_HTML, times=1),
            faults.bad_request("Bad Request: chat not found", chat_id=GONE),
            faults.migrated(SUPERGROUP, chat_id=GROUP),
        ]
    )
    bot = start_bot(env={**FAST_RETRIES, "DELIVERY_CONCURRENCY": "4"})
    wait_drained(store, timeout=60, settle=1.5)

    both = ["First story", "Second story"]
    assert titles(emulator, FINE) == both
    assert titles(emulator, LIMITED) == both  # 429: waited, resent, never dropped
    assert titles(emulator, FLAKY) == both  # 502 and a dropped connection: backed off, resent
    assert titles(emulator, SLOW) == both
    assert titles(emulator, BLOCKED) == []
    assert titles(emulator, GONE) == []
    assert titles(emulator, GROUP) == [] and titles(emulator, SUPERGROUP) == both
    bad_html = emulator.bot_messages(BAD_HTML)
    assert [m.get("parse_mode") for m in bad_html] == [None, "HTML"]  # plain text fallback
    assert titles(emulator, BAD_HTML) == both

    # 429 asked for 2 s: no message at all was sent meanwhile (sends already on their way
    # when the answer came back, within 0.1 s, cannot be recalled).
    (limited,) = [c for c in send_calls(emulator, chat_id=LIMITED) if c["status"] == 429]
    during = [
        c
        for c in emulator.calls("sendMessage")
        if limited["finished_at"] + 0.1 < c["time"] < limited["finished_at"] + 1.9
    ]
    assert during == [], [(c["chat_id"], c["time"] - limited["finished_at"]) for c in during]

    # 403: chat inactive, subscriptions kept, messages held; 400: failed with the reason.
    chat = store.chat(BLOCKED)
    assert chat is not None and not chat.active
    assert store.subscriptions(BLOCKED) == [TagRef("USA", "usa")]
    assert [state for _, state in store.deliveries_for_chat(BLOCKED)] == ["held", "held"]
    assert len(send_calls(emulator, chat_id=BLOCKED)) == 1  # stopped after the first 403
    assert {(f.chat_id, f.reason) for f in store.stats(failed_limit=1000).failed_deliveries} == {
        (GONE, "400: Chat not found")
    }
    assert store.subscriptions(SUPERGROUP) == [TagRef("USA", "usa")] and store.chat(GROUP) is None
    # One slow chat did not hold up the rest.
    slow_started = send_calls(emulator, chat_id=SLOW)[0]["time"]
    fine_done = max(c["finished_at"] for c in send_calls(emulator, chat_id=FINE))
    assert fine_done < slow_started + 4.0 or titles(emulator, FINE) == both
    assert "Traceback" not in bot.log_text()


def test_returning_chat_is_active_again_without_a_flood(
    emulator: BotApiEmulator, start_bot: StartBot, bot_env: dict[str, str], tmp_path: Path
) -> None:
    store = seeded_store(bot_env["DATABASE_URL"])
    add_chats(store, [FINE, BLOCKED, GROUP])
    for name in ("One", "Two", "Three"):
        add_article(store, name)
    emulator.set_faults([faults.blocked(chat_id=BLOCKED), faults.kicked(chat_id=GROUP)])
    start_bot(env={"DELIVERY_RETURN_BACKLOG": "1", "DELIVERY_PRIVATE_INTERVAL": "0.2"})
    wait_drained(store, timeout=30, settle=1.0)
    assert titles(emulator, FINE) == ["One", "Two", "Three"]
    assert titles(emulator, BLOCKED) == [] and titles(emulator, GROUP) == []

    # While they are away a new story is not queued for them.
    add_article(store, "Four")
    wait_drained(store, timeout=30, settle=2.0)
    assert titles(emulator, FINE)[-1] == "Four"
    emulator.clear_faults()

    # The user unblocks the bot and says /start: active again, newest held story only.
    emulator.send_my_chat_member(BLOCKED, BLOCKED, new_status="member", old_status="kicked")
    emulator.send_message(BLOCKED, BLOCKED, "/start")
    # The group adds the bot back.
    emulator.send_my_chat_member(
        GROUP, 42, new_status="member", old_status="left", chat_type="group"
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        "Three" in titles(emulator, BLOCKED) and "Three" in titles(emulator, GROUP)
    ):
        time.sleep(0.2)
    wait_drained(store, timeout=20, settle=2.0)
    pushed = [t for t in titles(emulator, BLOCKED) if t in {"One", "Two", "Three", "Four"}]
    assert pushed == ["Three"]
    assert titles(emulator, GROUP) == ["Three"]
    for chat_id in (BLOCKED, GROUP):
        chat = store.chat(chat_id)
        assert chat is not None and chat.active
    # The next story reaches them as usual.
    add_article(store, "Five")
    wait_drained(store, timeout=30, settle=1.0)
    assert titles(emulator, GROUP) == ["Three", "Five"]
    assert [t for t in titles(emulator, BLOCKED) if t in {"Three", "Five"}] == ["Three", "Five"]


def test_deleted_forum_topic_falls_back_to_the_main_chat(
    emulator: BotApiEmulator, start_bot: StartBot, bot_env: dict[str, str]
) -> None:
    forum, topic = -1003001, 42
    store = seeded_store(bot_env["DATABASE_URL"])
    store.upsert_chat(forum, chat_type="supergroup", title="forum")
    store.subscribe(forum, [TagRef("USA", "usa"), TagRef("NATO", "nato")])
    store.set_topic_route(forum, tag_key("USA"), topic)  # the topic is deleted in Telegram
    store.set_topic_route(forum, tag_key("NATO"), 43)
    add_article(store, "First story")
    emulator.set_faults([faults.topic_deleted(chat_id=forum, times=1)])
    bot = start_bot(env=FAST_RETRIES)
    wait_drained(store, timeout=30, settle=1.0)

    # Sent once, to the main chat, after the refused send to the topic.
    assert titles(emulator, forum) == ["First story"]
    assert [m["message_thread_id"] for m in emulator.bot_messages(forum)] == [None]
    refused, resent = send_calls(emulator, chat_id=forum)
    assert refused["status"] == 400 and refused["params"]["message_thread_id"] == topic
    assert resent["status"] == 200 and "message_thread_id" not in resent["params"]
    assert store.delivery_counts() == {"sent": 1}
    # The stale route is gone (the other topic's stays) and the bot says so in its log.
    assert store.topic_routes(forum) == {tag_key("NATO"): 43}
    assert f"Forum topic {topic} of chat {forum} is gone" in bot.log_text()

    # The next story goes straight to the main chat.
    add_article(store, "Second story")
    wait_drained(store, timeout=30, settle=1.0)
    assert titles(emulator, forum) == ["First story", "Second story"]
    calls = send_calls(emulator, chat_id=forum)
    assert len(calls) == 3 and "message_thread_id" not in calls[-1]["params"]
    assert "Traceback" not in bot.log_text()
