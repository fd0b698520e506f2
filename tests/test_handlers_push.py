"""How one article is pushed to one chat: skip, park for the digest, hold, or render."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot import callbacks
from bot.push import plan_push
from summaries.store import ChatConfig, DeliveryJob

JOB = DeliveryJob(
    delivery_id=1,
    chat_id=5,
    chat_type="supergroup",
    article_id=9,
    attempts=1,
    title="Blinken calls Aliyev <urgent>",
    summary=("One & two.", "Three.", "Four."),
    tags=("USA", "Ilham Aliyev"),
    url="https://example.org/a?x=1&y=2",
    matched_tag="Ilham Aliyev",
    language="en",
)
NOON = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
CHAT = ChatConfig(5, chat_type="supergroup")


def test_default_push_is_rendered_with_buttons() -> None:
    plan = plan_push(CHAT, JOB, now=NOON)
    assert plan.action == "send"
    assert plan.html.startswith("<b>Blinken calls Aliyev &lt;urgent&gt;</b>")
    assert "One &amp; two. Three. Four." in plan.html
    assert plan.link_preview is not None and plan.link_preview.is_disabled
    assert plan.thread_id is None
    assert plan.keyboard is not None
    unsubscribe, open_article = plan.keyboard.inline_keyboard[0]
    assert unsubscribe.text == "Unsubscribe Ilham Aliyev"
    data = callbacks.decode(unsubscribe.callback_data)  # type: ignore[arg-type]
    assert data is not None and data.action == callbacks.UNSUBSCRIBE_FROM_ARTICLE
    assert open_article.url == JOB.url


def test_chat_preferences_shape_the_message() -> None:
    config = replace(CHAT, summary_sentences=1, link_previews=True, language="de",
                     topics=(("ilham aliyev", 77),))  # fmt: skip
    plan = plan_push(config, JOB, now=NOON)
    assert "Three." not in plan.html and "Zum Artikel" in plan.html
    assert plan.link_preview is not None and not plan.link_preview.is_disabled
    assert plan.thread_id == 77
    assert plan.keyboard is not None
    assert plan.keyboard.inline_keyboard[0][1].text == "Artikel öffnen"


def test_paused_filtered_digest_and_quiet_chats() -> None:
    assert plan_push(replace(CHAT, paused=True), JOB, now=NOON).action == "skip"
    assert plan_push(replace(CHAT, include_words=("nato",)), JOB, now=NOON).action == "skip"
    assert plan_push(replace(CHAT, exclude_words=("blinken",)), JOB, now=NOON).action == "skip"
    assert plan_push(replace(CHAT, include_words=("aliyev",)), JOB, now=NOON).action == "send"
    assert plan_push(replace(CHAT, mode="digest"), JOB, now=NOON).action == "digest"
    quiet = plan_push(replace(CHAT, quiet_start=11 * 60, quiet_end=13 * 60), JOB, now=NOON)
    assert quiet.action == "later" and quiet.until == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
