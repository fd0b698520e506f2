"""The Bot API emulator harness itself: PTB 22 works through it, Telegram's rules and errors hold.

Direct tests drive ``telegram.Bot`` against the emulator; the process tests run a real PTB
``Application`` (tests/e2e/echo_bot.py) the way newsbot runs, through start, restart and crash.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import sys
import time
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from tests.e2e.conftest import StartBot
from tests.support import faults
from tests.support.emulator import BotApiEmulator, EmulatorError, EmulatorNotInstalled
from tests.support.ptb import emulator_bot

ECHO_BOT = [sys.executable, str(Path(__file__).with_name("echo_bot.py"))]
ALICE = 1001  # private chat id == user id
BOB = 1002
GROUP = -1000000000555  # a supergroup
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])


@pytest.fixture
def bot(tg_bot: Bot) -> Bot:
    return tg_bot


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods so RetryAfter.retry_after does not warn."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def near_now(when: dtm.datetime) -> bool:
    return abs((dtm.datetime.now(dtm.UTC) - when).total_seconds()) < 60


# ---- quirks of telegram-test-api, fixed -----------------------------------------------------


async def test_get_me_identifies_a_bot(bot: Bot, emulator: BotApiEmulator) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == emulator.bot_id == 123456789
    assert me.username == "TestNameBot"
    assert me.first_name
    assert me.can_join_groups is True


async def test_wrong_token_is_unauthorized(emulator: BotApiEmulator) -> None:
    other = Bot("987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0", base_url=emulator.ptb_base_url)
    with pytest.raises(InvalidToken):
        await other.get_me()


async def test_send_message_returns_the_message_with_date_in_seconds(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    emulator.send_message(ALICE, ALICE, "hi", first_name="Alice")
    sent = await bot.send_message(
        ALICE, "<b>Bold</b> &amp; plain", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )
    assert isinstance(sent, Message)
    assert near_now(sent.date)
    assert sent.chat.id == ALICE and sent.chat.type == "private"
    assert sent.from_user is not None and sent.from_user.id == emulator.bot_id
    assert sent.text == "Bold & plain"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4)]
    assert sent.reply_markup == KEYBOARD
    [stored] = emulator.bot_messages(ALICE)
    assert stored["message_id"] == sent.message_id
    assert stored["text"] == "<b>Bold</b> &amp; plain"
    assert stored["parse_mode"] == "HTML"
    assert stored["plain_text"] == "Bold & plain"
    assert stored["reply_markup"] == KEYBOARD.to_dict()


async def test_user_messages_carry_the_ids_and_entities_the_bot_sees(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    first = emulator.send_message(ALICE, ALICE, "/subscribe sport", first_name="Alice")
    second = emulator.send_message(
        GROUP,
        BOB,
        "/list@TestNameBot",
        chat_type="supergroup",
        chat_title="News fans",
        language_code="de",
    )
    updates = await bot.get_updates()
    assert [u.message.message_id for u in updates if u.message] == [first, second]
    private, group = (u.message for u in updates if u.message)
    assert near_now(private.date)
    assert private.text == "/subscribe sport"
    assert private.parse_entities() == {private.entities[0]: "/subscribe"}
    assert private.from_user is not None and private.from_user.first_name == "Alice"
    assert group.chat.type == "supergroup" and group.chat.title == "News fans"
    assert group.from_user is not None and group.from_user.language_code == "de"
    assert group.entities[0].type == "bot_command" and group.entities[0].length == 17


async def test_get_updates_redelivers_until_acknowledged_by_offset(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    for text in ("one", "two", "three"):
        emulator.send_message(ALICE, ALICE, text)
    fetched = await bot.get_updates()
    assert [u.message.text for u in fetched if u.message] == ["one", "two", "three"]
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in fetched]  # not acknowledged
    rest = await bot.get_updates(offset=fetched[0].update_id + 1, limit=1)
    assert [u.message.text for u in rest if u.message] == ["two"]
    assert len(emulator.pending_updates()) == 2
    assert await bot.get_updates(offset=fetched[-1].update_id + 1) == ()
    assert emulator.pending_updates() == []


async def test_get_updates_long_polls_and_wakes_on_a_new_update(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9  # waited, no busy answer

    since = emulator.last_call_seq()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.to_thread(emulator.wait_for_calls, "getUpdates", 1, since=since, finished=False)
    assert not poll.done()  # the poll waits for an update
    await asyncio.to_thread(emulator.send_message, ALICE, ALICE, "wake up")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    (woken,) = emulator.calls("getUpdates", since=since)
    assert woken["finished_at"] < woken["time"] + 30  # answered by the update, not its timeout
    assert len(emulator.calls("getUpdates")) == 2


async def test_a_second_poller_terminates_the_first_with_conflict(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    async with emulator_bot(emulator) as second:
        first_poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.to_thread(emulator.wait_for_calls, "getUpdates", 1, finished=False)
        second_poll = asyncio.create_task(second.get_updates(timeout=10))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first_poll
        emulator.send_message(ALICE, ALICE, "to the survivor")
        assert [u.message.text for u in await second_poll if u.message] == ["to the survivor"]


async def test_webhook_calls_and_dropping_pending_updates(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    emulator.send_message(ALICE, ALICE, "old news")
    assert await bot.set_webhook("https://example.org/hook") is True
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook(drop_pending_updates=True) is True
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.get_updates() == ()


async def test_callback_queries_parse_and_are_answered_once(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    emulator.send_message(ALICE, ALICE, "/start")
    sent = await bot.send_message(ALICE, "pick", reply_markup=KEYBOARD)
    query_id = emulator.send_callback(ALICE, ALICE, "go", sent.message_id, first_name="Alice")
    updates = await bot.get_updates()
    [query] = [u.callback_query for u in updates if u.callback_query]
    assert query.id == query_id
    assert query.chat_instance
    assert query.data == "go"
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id and query.message.reply_markup == KEYBOARD
    assert await query.answer("done") is True
    with pytest.raises(BadRequest, match=r"[Qq]uery is too old"):
        await query.answer("again")
    [answer] = emulator.callback_answers()
    assert answer["answer"] == {"text": "done", "show_alert": False, "url": None}
    with pytest.raises(EmulatorError, match="no button"):
        emulator.send_callback(ALICE, ALICE, "forged", sent.message_id)
    emulator.send_callback(ALICE, ALICE, "forged", sent.message_id, force=True)


async def test_edits_return_the_message_and_follow_telegram(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    sent = await bot.send_message(ALICE, "v1", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("<i>v2</i>", ALICE, sent.message_id, parse_mode="HTML")
    assert isinstance(edited, Message)
    assert edited.text == "v2" and edited.edit_date is not None and near_now(edited.edit_date)
    [stored] = emulator.bot_messages(ALICE)
    assert stored["text"] == "<i>v2</i>" and stored["edits"] == 1
    assert stored["reply_markup"] is None  # an edit without a keyboard removes it
    with pytest.raises(BadRequest, match=r"[Mm]essage is not modified"):
        await bot.edit_message_text("<i>v2</i>", ALICE, sent.message_id, parse_mode="HTML")
    rekeyed = await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=KEYBOARD)
    assert isinstance(rekeyed, Message) and rekeyed.reply_markup == KEYBOARD
    with pytest.raises(BadRequest, match=r"[Mm]essage to edit not found"):
        await bot.edit_message_text("x", ALICE, 999999)


async def test_delete_message_returns_true_and_hides_it(bot: Bot, emulator: BotApiEmulator) -> None:
    sent = await bot.send_message(ALICE, "oops")
    assert await bot.delete_message(ALICE, sent.message_id) is True
    assert emulator.bot_messages(ALICE) == []
    [deleted] = emulator.bot_messages(ALICE, include_deleted=True)
    assert deleted["deleted"] is True
    with pytest.raises(BadRequest, match=r"[Mm]essage to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)


async def test_methods_missing_upstream_answer_sensibly(bot: Bot, emulator: BotApiEmulator) -> None:
    commands = [BotCommand("start", "Start"), BotCommand("subscribe", "Subscribe to tags")]
    assert await bot.set_my_commands(commands) is True
    assert await bot.set_my_commands(commands[:1], language_code="de") is True
    group_scope = BotCommandScopeAllGroupChats()
    assert await bot.set_my_commands(commands[1:], scope=group_scope) is True
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.get_my_commands(language_code="de") == tuple(commands[:1])
    assert await bot.get_my_commands(scope=group_scope) == tuple(commands[1:])
    assert await bot.delete_my_commands(language_code="de") is True
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.set_my_description("Summaries") is True
    assert (await bot.get_my_description()).description == "Summaries"
    assert await bot.set_my_short_description("News") is True

    emulator.send_message(ALICE, ALICE, "hi", first_name="Alice")
    assert await bot.send_chat_action(ALICE, ChatAction.TYPING) is True
    chat = await bot.get_chat(ALICE)
    assert chat.type == "private" and chat.first_name == "Alice"
    assert (await bot.get_chat_member(ALICE, ALICE)).status == "member"
    with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
        await bot.get_chat(-1000000000999)
    with pytest.raises(BadRequest, match="not supported by the test emulator"):
        await bot.send_dice(ALICE)


async def test_group_members_and_admins(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_chat(
        GROUP, chat_type="supergroup", title="Fans", creator=BOB, admins=[ALICE], members=[3003]
    )
    assert (await bot.get_chat(GROUP)).title == "Fans"
    assert (await bot.get_chat_member(GROUP, BOB)).status == "creator"
    assert (await bot.get_chat_member(GROUP, ALICE)).status == "administrator"
    assert (await bot.get_chat_member(GROUP, 3003)).status == "member"
    assert (await bot.get_chat_member(GROUP, 4004)).status == "left"
    admins = await bot.get_chat_administrators(GROUP)
    assert sorted(a.user.id for a in admins) == [ALICE, BOB]
    assert await bot.get_chat_member_count(GROUP) == 3
    emulator.send_message(GROUP, 4004, "hello", chat_type="supergroup")
    assert (await bot.get_chat_member(GROUP, 4004)).status == "member"


async def test_my_chat_member_updates_parse(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.send_my_chat_member(ALICE, ALICE, new_status="kicked")
    emulator.send_my_chat_member(
        GROUP, BOB, new_status="administrator", chat_type="supergroup", chat_title="Fans"
    )
    updates = await bot.get_updates()
    changes = [u.my_chat_member for u in updates if u.my_chat_member]
    assert [(c.chat.id, c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        (ALICE, "member", "kicked"),
        (GROUP, "left", "administrator"),
    ]
    assert (await bot.get_chat_member(GROUP, emulator.bot_id)).status == "administrator"


# ---- Telegram's validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [
        ("x" * 4096, None),
        ("<b>" + "x" * 4096 + "</b>", "HTML"),  # tags do not count
        ("&amp;" * 4096, "HTML"),  # an entity is one character
        ("\U0001f600" * 2048, None),  # 4096 UTF-16 code units
        ("  " + "x" * 4096 + "\n\n", None),  # surrounding whitespace is trimmed
    ],
)
async def test_text_up_to_4096_characters_is_accepted(
    bot: Bot, emulator: BotApiEmulator, text: str, parse_mode: str | None
) -> None:
    await bot.send_message(ALICE, text, parse_mode=parse_mode)
    [stored] = emulator.bot_messages(ALICE)
    assert len(stored["plain_text"].encode("utf-16-le")) // 2 == 4096


@pytest.mark.parametrize(
    ("text", "parse_mode"),
    [
        ("x" * 4097, None),
        ("<b>" + "x" * 4097 + "</b>", "HTML"),
        ("&amp;" * 4097, "HTML"),
        ("\U0001f600" * 2049, None),
    ],
)
async def test_text_over_4096_characters_is_too_long(
    bot: Bot, emulator: BotApiEmulator, text: str, parse_mode: str | None
) -> None:
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(ALICE, text, parse_mode=parse_mode)
    assert emulator.bot_messages() == []


@pytest.mark.parametrize(
    ("text", "parse_mode"), [("", None), ("  \n ", None), ("<b> </b>", "HTML")]
)
async def test_empty_text_is_rejected(
    bot: Bot, emulator: BotApiEmulator, text: str, parse_mode: str | None
) -> None:
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(ALICE, text, parse_mode=parse_mode)


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("5 < 6", 'Unsupported start tag "" at byte offset 2'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a href=https://example.org>x</a>", "Unexpected end of name token"),
        ('<a href="x>y</a>', "Unclosed start tag"),
        ("Grüße <i>x</i", "Unclosed end tag at byte offset 12"),
    ],
)
async def test_malformed_html_cannot_be_parsed(
    bot: Bot, emulator: BotApiEmulator, html: str, error: str
) -> None:
    with pytest.raises(BadRequest) as exc:
        await bot.send_message(ALICE, html, parse_mode=ParseMode.HTML)
    # PTB lower-cases Telegram's description after its first letter.
    assert exc.value.message.startswith("Can't parse entities: ")
    assert error.lower() in exc.value.message.lower()
    assert emulator.bot_messages() == []


async def test_every_supported_html_tag_is_accepted(bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s>"
        "<strike>s</strike><del>d</del><a href='https://example.org/?a=1&amp;b=2'>a</a>"
        '<a href="tg://user?id=1001">m</a><code>c</code><pre>p</pre>'
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>t</tg-spoiler>'
        '<span class="tg-spoiler">s</span><blockquote>q</blockquote>'
        "<blockquote expandable>q</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "<B>upper</B> 5 &gt; 3 > 2 &amp; R&D &nbsp; &#39;"
    )
    sent = await bot.send_message(ALICE, html, parse_mode=ParseMode.HTML)
    assert sent.text.endswith("upper 5 > 3 > 2 & R&D &nbsp; '")
    types = {e.type for e in sent.entities}
    assert {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "text_link",
        "text_mention",
        "code",
        "pre",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    } <= types
    assert (
        next(e for e in sent.entities if e.type == "text_link").url
        == "https://example.org/?a=1&b=2"
    )
    assert next(e for e in sent.entities if e.type == "pre" and e.language).language == "python"


@pytest.mark.parametrize(
    ("button", "error"),
    [
        (InlineKeyboardButton("x", callback_data="d" * 65), "button_data_invalid"),
        (InlineKeyboardButton("x", callback_data="ü" * 33), "button_data_invalid"),  # 66 bytes
        (InlineKeyboardButton("x"), "Text buttons are unallowed in the inline keyboard"),
        (InlineKeyboardButton("x", url="not a url"), "Wrong HTTP URL"),
    ],
)
async def test_bad_inline_buttons_are_rejected(
    bot: Bot, button: InlineKeyboardButton, error: str
) -> None:
    with pytest.raises(BadRequest, match=rf"(?i){error}"):
        await bot.send_message(ALICE, "x", reply_markup=InlineKeyboardMarkup([[button]]))


async def test_callback_data_of_64_bytes_is_accepted(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 64)]])
    assert (await bot.send_message(ALICE, "x", reply_markup=markup)).reply_markup == markup


# ---- fault injection -------------------------------------------------------------------------


async def test_retry_after_for_one_chat_then_success(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.retry_after(3, chat_id=ALICE, times=2)])
    assert (await bot.send_message(BOB, "bob is not limited")).text == "bob is not limited"
    for _ in range(2):
        with pytest.raises(RetryAfter) as exc:
            await bot.send_message(ALICE, "limited")
        assert exc.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(ALICE, "limited")
    assert [m["text"] for m in emulator.bot_messages(ALICE)] == ["limited"]
    assert [c["outcome"] for c in emulator.calls("sendMessage")] == ["ok", "fault", "fault", "ok"]
    assert [c["status"] for c in emulator.calls("sendMessage")] == [200, 429, 429, 200]
    assert emulator.faults()[0]["hits"] == 2


async def test_retry_after_answer_has_telegram_shape(emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.retry_after(7)])
    response = httpx.post(
        f"{emulator.url}/bot{emulator.token}/sendMessage", data={"chat_id": ALICE, "text": "x"}
    )
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


async def test_forbidden_variants_for_chosen_chats(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.blocked(chat_id=ALICE), faults.kicked(chat_id=[GROUP])])
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "x")
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(GROUP, "x")
    await bot.send_message(BOB, "fine")
    assert [m["chat_id"] for m in emulator.bot_messages()] == [BOB]


async def test_chat_migration(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.migrated(-1000000000777, chat_id=-555)])
    with pytest.raises(ChatMigrated) as exc:
        await bot.send_message(-555, "to the old group")
    assert exc.value.new_chat_id == -1000000000777
    await bot.send_message(exc.value.new_chat_id, "to the supergroup")
    assert [m["chat_id"] for m in emulator.bot_messages()] == [-1000000000777]


async def test_parse_error_and_server_errors(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults(
        [
            faults.parse_error(times=1),
            faults.server_error(502, "Bad Gateway", times=1),
            faults.server_error(times=1),
        ]
    )
    with pytest.raises(BadRequest, match=r"^Can't parse entities"):
        await bot.send_message(ALICE, "<b>x</b>", parse_mode="HTML")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ALICE, "x")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(ALICE, "x")
    await bot.send_message(ALICE, "x")
    assert len(emulator.bot_messages()) == 1


async def test_skip_lets_the_first_calls_through(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.blocked(skip=2, times=1)])
    await bot.send_message(ALICE, "1")
    await bot.send_message(ALICE, "2")
    with pytest.raises(Forbidden):
        await bot.send_message(ALICE, "3")
    await bot.send_message(ALICE, "4")
    assert [m["text"] for m in emulator.bot_messages()] == ["1", "2", "4"]


async def test_delay_slows_the_answer_and_a_timed_out_send_is_not_stored(
    emulator: BotApiEmulator,
) -> None:
    async with emulator_bot(emulator, read_timeout=0.4) as slow_bot:
        emulator.set_faults([faults.delay(0.2, times=1), faults.delay(1.0, times=1)])
        started = time.monotonic()
        await slow_bot.send_message(ALICE, "late but there")
        assert time.monotonic() - started >= 0.2
        with pytest.raises(TimedOut):
            await slow_bot.send_message(ALICE, "gave up")
        await asyncio.sleep(0.2)
    assert [m["text"] for m in emulator.bot_messages()] == ["late but there"]
    assert [c["outcome"] for c in emulator.calls("sendMessage")] == ["fault", "client_gone"]


async def test_lost_connections_with_and_without_delivery(
    bot: Bot, emulator: BotApiEmulator
) -> None:
    emulator.set_faults([faults.reset(times=1), faults.drop_response(times=1)])
    with pytest.raises(NetworkError):
        await bot.send_message(ALICE, "never arrived")
    with pytest.raises(NetworkError):
        await bot.send_message(ALICE, "arrived, answer lost")
    assert [m["text"] for m in emulator.bot_messages()] == ["arrived, answer lost"]


async def test_faults_on_any_method(bot: Bot, emulator: BotApiEmulator) -> None:
    emulator.set_faults([faults.server_error(method="*", times=1)])
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert (await bot.get_me()).is_bot


def test_bad_fault_rules_are_refused(emulator: BotApiEmulator) -> None:
    with pytest.raises(EmulatorError, match="unknown action"):
        emulator.set_faults([{"method": "sendMessage", "action": "explode"}])
    with pytest.raises(EmulatorError, match="migrate_to_chat_id"):
        emulator.set_faults([{"method": "sendMessage", "action": "migrate"}])


async def test_calls_record_method_params_and_time(bot: Bot, emulator: BotApiEmulator) -> None:
    since = emulator.last_call_seq()
    before = time.time()
    for n in range(3):
        await bot.send_message(ALICE, f"n{n}", disable_notification=True)
    calls = emulator.wait_for_calls("sendMessage", 3, since=since, timeout=1)
    assert [c["params"]["text"] for c in calls] == ["n0", "n1", "n2"]
    assert all(c["chat_id"] == ALICE and c["params"]["disable_notification"] is True for c in calls)
    times = [c["time"] for c in calls]
    assert before - 1 <= times[0] <= times[1] <= times[2] <= time.time() + 1
    assert [c["message_id"] for c in calls] == [m["message_id"] for m in emulator.bot_messages()]
    with pytest.raises(AssertionError, match="expected 4 sendMessage"):
        emulator.wait_for_calls("sendMessage", 4, since=since, timeout=0.2)


# ---- a real PTB Application through the layer --------------------------------------------------


def test_echo_bot_round_trip(emulator: BotApiEmulator, start_bot: StartBot) -> None:
    bot = start_bot(argv=ECHO_BOT)
    bot.wait_log(r"echo bot ready as @TestNameBot with 2 de commands")
    assert emulator.state()["bot_texts"]["description"] == "Echo bot for the emulator harness"

    emulator.send_message(ALICE, ALICE, "/start", first_name="Ann <&>")
    [hello] = emulator.wait_for_messages(ALICE, 1)
    assert hello["text"] == "<b>Hello</b>, <i>Ann &lt;&amp;&gt;</i> &amp; welcome!"
    assert hello["plain_text"] == "Hello, Ann <&> & welcome!"
    assert hello["parse_mode"] == "HTML"
    buttons = [b["text"] for row in hello["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Edit", "Keys", "Delete", "Site"]

    since = emulator.last_call_seq()
    emulator.send_callback(ALICE, ALICE, "edit", hello["message_id"])
    emulator.wait_for_calls("editMessageText", 1, since=since)
    [edited] = emulator.bot_messages(ALICE)
    assert edited["plain_text"] == "Edited <ok>" and edited["edits"] == 1
    emulator.send_callback(ALICE, ALICE, "keys", hello["message_id"])
    emulator.wait_for_calls("editMessageReplyMarkup", 1, since=since)
    emulator.send_callback(ALICE, ALICE, "done", hello["message_id"])
    emulator.wait_for_calls("editMessageReplyMarkup", 2, since=since)
    assert emulator.bot_messages(ALICE)[0]["reply_markup"] is None
    answers = [a["answer"]["text"] for a in emulator.callback_answers() if a["answer"]]
    assert answers == ["got edit", "got keys", "got done"]

    emulator.send_message(ALICE, ALICE, "/chat")
    emulator.send_message(ALICE, ALICE, "/toolong")
    emulator.send_message(ALICE, ALICE, "a <b> & c")
    texts = [m["text"] for m in emulator.wait_for_messages(ALICE, 4)]
    assert texts[1:] == [
        "chat private member member",
        "error: Message is too long",
        "echo: <code>a &lt;b&gt; &amp; c</code>",
    ]

    mark = bot.log_mark()
    emulator.send_my_chat_member(ALICE, ALICE, new_status="kicked")
    bot.wait_log(rf"my_chat_member {ALICE}: member -> kicked", since=mark)

    idle_since = emulator.last_call_seq()
    time.sleep(1.0)
    assert len(emulator.calls("getUpdates", since=idle_since)) <= 2  # long polling, no busy loop

    assert bot.stop() == 0
    assert "echo bot stopped" in bot.log_text()
    assert "handler error" not in bot.log_text()
    assert emulator.pending_updates() == []  # PTB acknowledged everything on shutdown
    assert [c for c in emulator.calls() if c["status"] not in (200, None)] == [
        c
        for c in emulator.calls("sendMessage")
        if c["description"] == "Bad Request: message is too long"
    ]


def test_unacknowledged_updates_are_redelivered_after_a_crash(
    emulator: BotApiEmulator, start_bot: StartBot
) -> None:
    first = start_bot(argv=ECHO_BOT)  # its first long poll is waiting
    # PTB acknowledges an update with the offset of its next getUpdates: hold that call.
    emulator.set_faults([faults.delay(30, method="getUpdates", times=1)])
    emulator.send_message(ALICE, ALICE, "hello")
    emulator.wait_for_messages(ALICE, 1, timeout=30)
    assert [u["message"]["text"] for u in emulator.pending_updates()] == ["hello"]
    assert first.kill9() == -9
    emulator.send_message(ALICE, ALICE, "while down")

    start_bot(argv=ECHO_BOT)
    texts = [m["text"] for m in emulator.wait_for_messages(ALICE, 3, timeout=30)]
    # Like Telegram: what was never acknowledged comes again, what was queued is not lost.
    assert texts == [
        "echo: <code>hello</code>",
        "echo: <code>hello</code>",
        "echo: <code>while down</code>",
    ]
    emulator.wait_updates_acknowledged()


def test_missing_node_modules_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("tests.support.emulator.EMULATOR_DIR", tmp_path)
    with pytest.raises(EmulatorNotInstalled, match=r"npm ci --prefix tests/emulator"):
        BotApiEmulator().start()
