"""Admins' /stats shows the latest failed deliveries with their reasons (issue 5)."""

from __future__ import annotations

from bot.handlers.admin import stats_lines
from bot.i18n import translator
from summaries.store import NewArticle, Store, TagRef


def _fail(store: Store, chat_id: int, title: str, reason: str) -> None:
    tag = TagRef(f"T{chat_id}", f"t{chat_id}")  # the article goes to this chat only
    store.upsert_chat(chat_id)
    store.subscribe(chat_id, [tag])
    store.add_article(
        NewArticle(
            title=title,
            body=f"{title} body.",
            language="en",
            summary=[f"{title}."],
            summary_method="test",
            tags=[tag],
        )
    )
    store.plan_deliveries()
    for job in store.claim_deliveries(owner="w"):
        store.mark_failed(job.delivery_id, reason, "w")


def test_stats_list_the_latest_failed_deliveries_escaped(store: Store) -> None:
    for i in range(6):
        _fail(store, 100 + i, f"Story {i}", f"400: reason {i}")
    _fail(store, 7, "A <b>bold</b> & " + "very " * 30 + "long title", "400: can't <parse>")
    numbers = store.stats()
    assert [(f.chat_id, f.reason) for f in numbers.failed_deliveries] == [
        (7, "400: can't <parse>"),
        (105, "400: reason 5"),
        (104, "400: reason 4"),
        (103, "400: reason 3"),
        (102, "400: reason 2"),
    ]
    english = "\n".join(stats_lines(translator("en"), numbers))
    latest = english.split("Latest failed deliveries:\n", 1)[1].splitlines()
    assert latest[0].startswith("• chat 7: A &lt;b&gt;bold&lt;/b&gt; &amp; very very")
    assert latest[0].endswith("…: 400: can&#x27;t &lt;parse&gt;")
    assert len(latest[0]) < 120  # the title is shortened
    assert latest[1] == "• chat 105: Story 5: 400: reason 5"
    assert len(latest) == 5
    german = "\n".join(stats_lines(translator("de"), numbers))
    assert "Letzte fehlgeschlagene Zustellungen:\n• Chat 7: A &lt;b&gt;" in german


def test_stats_without_failures_say_nothing_about_them(store: Store) -> None:
    store.upsert_chat(1)
    lines = stats_lines(translator("en"), store.stats())
    assert not any("failed deliveries" in line for line in lines)
