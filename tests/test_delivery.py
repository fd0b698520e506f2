"""The delivery worker with PTB's real Bot against a scripted Bot API (a fake request layer).

The store is real (SQLite and PostgreSQL); only the HTTP answers are scripted, so every
Telegram error path is exercised through PTB's own error parsing.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import (
    Bot,
    Chat,
    ChatMember,
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
    User,
)
from telegram.error import RetryAfter, TimedOut
from telegram.ext import ApplicationHandlerStop
from telegram.request import BaseRequest, RequestData

from bot import membership
from bot.delivery import DeliveryWorker, RetryPolicy, retry_after_seconds
from bot.pacing import PacingConfig
from bot.push import PushGate
from summaries.store import NewArticle, Store, TagRef
from summaries.tagging import tag_key

# PTB's int time periods are deprecated: a 429 here must not warn (bot/__init__.py opts in).
# Only that warning is an error: another deprecation in a later PTB 22.x must not fail CI.
pytestmark = pytest.mark.filterwarnings(
    "error:.*PTB_TIMEDELTA:telegram.warnings.PTBDeprecationWarning"
)

TOKEN = "123456:" + "A" * 35
FAST = PacingConfig(global_rate=1000.0, private_interval=0.0, group_per_minute=60000.0)


@dataclass
class Call:
    chat_id: int
    text: str
    parse_mode: str | None
    at: float
    thread: int | None = None


@dataclass
class ScriptedTelegram(BaseRequest):
    """Answers like the Bot API; `faults[chat_id]` lists answers to give before succeeding;
    a send to a forum topic in `deleted_topics[chat_id]` is refused as Telegram does."""

    faults: dict[int, list[Any]] = field(default_factory=dict)
    deleted_topics: dict[int, set[int]] = field(default_factory=dict)
    delays: dict[int, float] = field(default_factory=dict)
    delivered: list[Call] = field(default_factory=list)
    attempts: list[Call] = field(default_factory=list)
    params: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if endpoint == "getMe":
            return _ok({"id": 1, "is_bot": True, "first_name": "News", "username": "newsbot"})
        assert endpoint == "sendMessage", endpoint
        chat_id = int(params["chat_id"])
        call = Call(
            chat_id,
            str(params["text"]),
            params.get("parse_mode"),  # type: ignore[arg-type]
            time.monotonic(),
            params.get("message_thread_id"),  # type: ignore[arg-type]
        )
        self.attempts.append(call)
        self.params.append(dict(params))
        if chat_id in self.delays:
            await asyncio.sleep(self.delays[chat_id])
        if params.get("message_thread_id") in self.deleted_topics.get(chat_id, ()):
            return _error(400, "Bad Request: message thread not found")
        script = self.faults.get(chat_id)
        if script:
            answer = script.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        self.delivered.append(call)
        return _ok(
            {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "text": call.text,
            }
        )

    def to(self, chat_id: int) -> list[Call]:
        return [call for call in self.delivered if call.chat_id == chat_id]


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()


def _error(status: int, description: str, **parameters: Any) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return status, json.dumps(body).encode()


def tag(display: str) -> TagRef:
    return TagRef(display, display.casefold())


def add_article(store: Store, name: str, tags: tuple[str, ...] = ("USA",)) -> int:
    return store.add_article(
        NewArticle(
            title=f"Story {name}",
            body=f"Body of {name}.",
            language="en",
            summary=[f"Summary of {name}."],
            summary_method="test",
            tags=[tag(t) for t in tags],
        )
    ).id


def chats(store: Store, *ids: int, chat_type: str = "private") -> None:
    for chat_id in ids:
        store.upsert_chat(chat_id, chat_type=chat_type)
        store.subscribe(chat_id, [tag("USA")])


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[ScriptedTelegram, Bot]]:
    request = ScriptedTelegram()
    bot = Bot(TOKEN, request=request, get_updates_request=request)
    await bot.initialize()
    yield request, bot
    await bot.shutdown()


def worker(store: Store, pacing: PacingConfig = FAST, **kwargs: Any) -> DeliveryWorker:
    retry = kwargs.pop("retry", RetryPolicy(max_attempts=3, base_seconds=0.01, max_seconds=0.05))
    return DeliveryWorker(store, interval=0.05, pacing=pacing, retry=retry, **kwargs)


async def deliver_all(
    store: Store, delivery: DeliveryWorker, bot: Bot, seconds: float = 30.0
) -> None:
    """Run rounds until nothing is pending or sending (retries become due meanwhile).

    Bounded by time, not by a number of rounds: on a loaded machine a retry's backoff can
    outlast many quick rounds that find nothing due yet.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await delivery.run_until_idle(bot)
        counts = store.delivery_counts()
        if not counts.get("pending") and not counts.get("sending"):
            return
        await asyncio.sleep(0.03)
    raise AssertionError(f"outbox not drained: {store.delivery_counts()}")


async def test_every_chat_gets_each_article_once(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2, 3)
    first, second = add_article(store, "one"), add_article(store, "two")
    await deliver_all(store, worker(store), bot)
    for chat_id in (1, 2, 3):
        texts = [call.text for call in request.to(chat_id)]
        assert len(texts) == 2 and "<b>Story one</b>" in texts[0] and "Story two" in texts[1]
        assert {call.parse_mode for call in request.to(chat_id)} == {"HTML"}
    assert store.delivery_counts() == {"sent": 6}
    await deliver_all(store, worker(store), bot)  # a restart sends nothing again
    assert len(request.delivered) == 6
    assert {article for article, _ in store.deliveries_for_chat(1)} == {first, second}


async def test_429_pauses_everything_then_resends(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2, 3, 4)
    add_article(store, "one")
    request.faults[1] = [
        _error(429, "Too Many Requests: retry after 1", retry_after=1),
        _error(429, "Too Many Requests: retry after 1", retry_after=1),
    ]
    pacing = PacingConfig(global_rate=1000.0, private_interval=0.0, concurrency=1)
    await deliver_all(store, worker(store, pacing), bot)
    assert [len(request.to(chat_id)) for chat_id in (1, 2, 3, 4)] == [1, 1, 1, 1]
    limited = [call.at for call in request.attempts if call.chat_id == 1]
    assert limited[1] - limited[0] >= 0.99 and limited[2] - limited[1] >= 0.99
    # Nothing at all went out while Telegram asked to wait.
    for call in request.attempts:
        assert not (limited[0] < call.at < limited[0] + 0.99)
    assert store.delivery_counts() == {"sent": 4}


def test_retry_after_seconds_reads_either_type_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert retry_after_seconds(RetryAfter(3)) == 3.0  # as PTB builds it from a 429
        assert retry_after_seconds(RetryAfter(timedelta(seconds=1.5))) == 1.5
    assert retry_after_seconds(SimpleNamespace(retry_after=2)) == 2.0  # type: ignore[arg-type]  # PTB < 22.2


async def test_403_holds_the_chat_and_keeps_its_subscriptions(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2)
    add_article(store, "one")
    add_article(store, "two")
    request.faults[2] = [_error(403, "Forbidden: bot was blocked by the user")]
    pacing = PacingConfig(global_rate=1000.0, private_interval=0.0, concurrency=1)
    await deliver_all(store, worker(store, pacing), bot)
    assert len(request.to(1)) == 2 and request.to(2) == []
    assert sorted(state for _, state in store.deliveries_for_chat(2)) == ["held", "held"]
    chat = store.chat(2)
    assert chat is not None and not chat.active and "blocked" in (chat.inactive_reason or "")
    assert store.subscriptions(2) == [tag("USA")]
    add_article(store, "three")  # published while chat 2 is away: never queued for it
    await deliver_all(store, worker(store), bot)
    assert len(request.to(1)) == 3 and request.to(2) == []
    assert store.reactivate_chat(2, backlog=1) == (1, 1)  # /start: newest held message only
    await deliver_all(store, worker(store), bot)
    assert [call.text.split("\n")[0] for call in request.to(2)] == ["<b>Story two</b>"]


async def test_migrated_group_is_resent_to_the_supergroup(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, -5, chat_type="group")
    add_article(store, "one")
    request.faults[-5] = [
        _error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=-1005,
        )
    ]
    await deliver_all(store, worker(store), bot)
    assert request.to(-5) == [] and len(request.to(-1005)) == 1
    assert store.subscriptions(-1005) == [tag("USA")] and store.chat(-5) is None
    assert store.delivery_counts() == {"sent": 1}


async def test_unparsable_html_is_resent_as_plain_text(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1)
    add_article(store, "one")
    request.faults[1] = [_error(400, "Bad Request: can't parse entities: unsupported start tag")]
    await deliver_all(store, worker(store), bot)
    (call,) = request.to(1)
    assert call.parse_mode is None and call.text.startswith("Story one\n")
    assert store.delivery_counts() == {"sent": 1}


async def test_other_400_fails_with_the_reason(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2)
    add_article(store, "one")
    request.faults[1] = [_error(400, "Bad Request: chat not found")]
    await deliver_all(store, worker(store), bot)
    assert len(request.attempts) == 2  # not retried
    assert store.delivery_counts() == {"sent": 1, "failed": 1}
    assert [(f.chat_id, f.reason) for f in store.stats(failed_limit=1000).failed_deliveries] == [
        (1, "400: Chat not found")
    ]


async def test_transient_errors_back_off_then_succeed(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2)
    add_article(store, "one")
    request.faults[1] = [_error(502, "Bad Gateway"), TimedOut("read timed out")]
    request.faults[2] = [_error(500, "Internal Server Error")]
    await deliver_all(store, worker(store), bot)
    assert len(request.to(1)) == 1 and len(request.to(2)) == 1
    times = [call.at for call in request.attempts if call.chat_id == 1]
    assert len(times) == 3 and times[1] - times[0] >= 0.005 and times[2] - times[1] >= 0.01
    assert store.delivery_counts() == {"sent": 2}


async def test_transient_errors_give_up_after_the_limit(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1)
    add_article(store, "one")
    request.faults[1] = [_error(500, "Internal Server Error")] * 5
    await deliver_all(store, worker(store), bot)
    assert len(request.attempts) == 3 and request.delivered == []
    (failed,) = store.stats(failed_limit=1000).failed_deliveries
    reason = failed.reason
    assert reason is not None and reason.startswith("gave up after 3 attempts: network:")


async def test_per_chat_pacing_by_chat_type(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1)
    chats(store, -7, chat_type="group")
    for name in "abc":
        add_article(store, name)
    pacing = PacingConfig(global_rate=1000.0, private_interval=0.2, group_per_minute=200.0)
    await deliver_all(store, worker(store, pacing), bot)
    for chat_id, gap in ((1, 0.2), (-7, 0.3)):
        stamps = [call.at for call in request.to(chat_id)]
        assert len(stamps) == 3
        assert min(b - a for a, b in itertools.pairwise(stamps)) >= gap - 0.005


async def test_global_rate_spreads_a_fan_out(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, *range(1, 31))
    add_article(store, "one")
    await deliver_all(store, worker(store, PacingConfig(global_rate=100.0)), bot)
    stamps = sorted(call.at for call in request.delivered)
    assert len(stamps) == 30
    assert 0.29 - 0.01 <= stamps[-1] - stamps[0] < 1.0  # spread out, not sent as one burst
    # At most 10 in any 0.1 s window (one more allowed for event-loop jitter on a busy machine).
    assert max(sum(1 for t in stamps if s <= t < s + 0.1) for s in stamps) <= 11


async def test_a_slow_chat_does_not_stall_the_others(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, *range(1, 11))
    add_article(store, "one")
    request.delays[1] = 3.0
    await deliver_all(store, worker(store), bot)
    # `delivered` is in order of completion: chat 1's slow send finishes last.
    assert sorted(call.chat_id for call in request.delivered[:9]) == list(range(2, 11))
    assert [call.chat_id for call in request.delivered[9:]] == [1]


def _membership_update(chat_id: int, old: ChatMember, new: ChatMember) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "group")
    user = User(chat_id if chat_id > 0 else 42, "Someone", is_bot=False)
    changed = ChatMemberUpdated(chat, user, datetime.now(UTC), old, new)
    return Update(update_id=1, my_chat_member=changed)


async def test_my_chat_member_blocks_and_unblocks(store: Store) -> None:
    chats(store, 1)
    add_article(store, "one")
    store.plan_deliveries()
    context = SimpleNamespace(bot_data={"store": store, "settings": None})
    bot_user = User(1, "News", is_bot=True)
    member, banned = ChatMemberMember(bot_user), ChatMemberBanned(bot_user, until_date=None)  # type: ignore[arg-type]
    with pytest.raises(ApplicationHandlerStop):
        await membership.membership_changed(_membership_update(1, member, banned), context)  # type: ignore[arg-type]
    chat = store.chat(1)
    assert chat is not None and not chat.active
    assert store.deliveries_for_chat(1)[0][1] == "held"
    await membership.membership_changed(_membership_update(1, banned, member), context)  # type: ignore[arg-type]
    chat = store.chat(1)
    assert chat is not None and chat.active
    assert store.deliveries_for_chat(1)[0][1] == "pending"


@dataclass
class PlanStub:
    html: str
    plain: str
    keyboard: InlineKeyboardMarkup | None = None
    link_preview: LinkPreviewOptions | None = None
    thread_id: int | None = None


class GateStub:
    """Like bot.push.PushGate: skips chat 2, renders its own text for the others."""

    def __init__(self, store: Store, *, broken: bool = False) -> None:
        self.store = store
        self.broken = broken

    async def admit(self, jobs: Any, owner: str | None) -> list[tuple[Any, PlanStub]]:
        if self.broken:
            raise RuntimeError("settings unavailable")
        admitted = []
        for job in jobs:
            if job.chat_id == 2:
                self.store.mark_failed(job.delivery_id, "skipped: chat paused", owner)
                continue
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Open", url="https://x.org")]])
            admitted.append((job, PlanStub(f"<i>{job.title}</i>", job.title, keyboard, None, 7)))
        return admitted


async def test_chat_settings_gate_decides_and_renders(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1, 2)
    add_article(store, "one")
    await deliver_all(store, worker(store, gate=GateStub(store)), bot)
    (call,) = request.delivered
    assert call.chat_id == 1 and call.text == "<i>Story one</i>"
    assert request.params[-1]["message_thread_id"] == 7
    assert "Open" in str(request.params[-1]["reply_markup"])
    assert store.delivery_counts() == {"sent": 1, "failed": 1}


async def test_a_failing_gate_gives_the_rows_back(store: Store, telegram: Any) -> None:
    request, bot = telegram
    chats(store, 1)
    add_article(store, "one")
    delivery = worker(store, gate=GateStub(store, broken=True))
    with pytest.raises(RuntimeError):
        await delivery.run_until_idle(bot)
    assert store.delivery_counts() == {"pending": 1}
    assert request.delivered == []


async def test_a_deleted_forum_topic_falls_back_to_the_main_chat(
    store: Store, telegram: Any, caplog: pytest.LogCaptureFixture
) -> None:
    request, bot = telegram
    forum = -100777
    chats(store, forum, chat_type="supergroup")
    store.subscribe(forum, [tag("NATO")])
    usa, nato = tag_key("USA"), tag_key("NATO")
    store.set_topic_route(forum, usa, 11)  # deleted in Telegram meanwhile
    store.set_topic_route(forum, nato, 12)  # still there
    request.deleted_topics[forum] = {11}
    for name in "abc":
        add_article(store, name)
    add_article(store, "d", tags=("NATO",))
    delivery = worker(store, gate=PushGate(store))
    await deliver_all(store, delivery, bot)

    sent = {call.text.split("\n")[0]: call.thread for call in request.delivered}
    # Every article arrived exactly once: USA ones in the main chat, NATO in its topic.
    assert len(request.delivered) == 4
    assert sent == {f"<b>Story {n}</b>": None for n in "abc"} | {"<b>Story d</b>": 12}
    assert store.delivery_counts() == {"sent": 4}
    assert store.topic_routes(forum) == {nato: 12}  # the stale route is cleared
    refused = [p for p in request.params if p.get("message_thread_id") == 11]
    assert 1 <= len(refused) <= 3  # at most the sends already planned for it
    assert "Forum topic 11 of chat -100777 is gone" in caplog.text

    add_article(store, "e")  # later pushes go to the main chat without a failed call first
    before = len(request.params)
    await deliver_all(store, worker(store, gate=PushGate(store)), bot)
    assert [p.get("message_thread_id") for p in request.params[before:]] == [None]


async def test_a_topic_routed_to_again_is_used_again(store: Store, telegram: Any) -> None:
    """A topic marked gone by one refused send is not ignored for the life of the process."""
    request, bot = telegram
    forum = -100778
    chats(store, forum, chat_type="supergroup")
    usa = tag_key("USA")
    store.set_topic_route(forum, usa, 11)
    request.deleted_topics[forum] = {11}
    add_article(store, "a")
    delivery = worker(store, gate=PushGate(store))
    await deliver_all(store, delivery, bot)
    assert [call.thread for call in request.delivered] == [None]
    assert store.topic_routes(forum) == {}

    request.deleted_topics[forum] = set()  # the topic works (again); an admin routes to it
    store.set_topic_route(forum, usa, 11)
    add_article(store, "b")
    await deliver_all(store, delivery, bot)  # the same worker, which saw 11 refused
    assert [call.thread for call in request.delivered] == [None, 11]
