"""The article store on SQLite and PostgreSQL: deduplication, subscriptions, the outbox."""

from __future__ import annotations

import threading
from datetime import timedelta

from summaries.store import NewArticle, Store, TagRef


def tag(display: str) -> TagRef:
    return TagRef(display, display.casefold())


def article(
    body: str = "Body text.", *, tags: tuple[str, ...] = ("USA",), **extra: object
) -> NewArticle:
    values: dict[str, object] = {
        "title": "Title",
        "body": body,
        "language": "en",
        "summary": ["Body text."],
        "summary_method": "test",
        "tags": [tag(t) for t in tags],
    }
    values.update(extra)
    return NewArticle(**values)  # type: ignore[arg-type]


def test_same_text_is_stored_once(store: Store) -> None:
    first = store.add_article(article("Body  text.\n"))
    second = store.add_article(article("body text."))
    assert first.created and not second.created
    assert second.id == first.id
    assert store.article_count() == 1


def test_same_url_is_stored_once(store: Store) -> None:
    first = store.add_article(article("One.", url="https://example.org/a"))
    second = store.add_article(article("Two, reworded.", url="https://example.org/a"))
    assert second.id == first.id and not second.created


def test_tags_keep_display_and_origin(store: Store) -> None:
    stored = store.add_article(
        article(tags=("USA",), auto_tags=[tag("Afghanistan"), TagRef("usa", "usa")])
    )
    assert [t.display for t in store.article_tags(stored.id)] == ["USA", "Afghanistan"]


def test_summary_is_stored_with_the_article(store: Store) -> None:
    stored = store.add_article(article(summary=["One.", "Two."]))
    assert store.latest_summary(stored.id) == ["One.", "Two."]


def test_subscriptions_are_per_chat_and_idempotent(store: Store) -> None:
    store.upsert_chat(1)
    store.upsert_chat(2)
    assert store.subscribe(1, [tag("USA"), tag("Sport")]) == [tag("USA"), tag("Sport")]
    assert store.subscribe(1, [tag("USA")]) == []
    assert store.subscribe(2, [tag("USA")]) == [tag("USA")]
    assert store.unsubscribe(1, ["sport", "unknown"]) == ["Sport"]
    assert store.subscriptions(1) == [tag("USA")]
    assert store.subscription_count(2) == 1


def test_chat_ids_are_64_bit(store: Store) -> None:
    big = -1002147483648123
    store.upsert_chat(big, chat_type="supergroup")
    store.subscribe(big, [tag("USA")])
    assert store.subscriptions(big) == [tag("USA")]


def test_fan_out_reaches_only_matching_active_chats_once(store: Store) -> None:
    for chat_id in (1, 2, 3, 4):
        store.upsert_chat(chat_id)
    store.subscribe(1, [tag("USA"), tag("Afghanistan")])  # two matching tags, one message
    store.subscribe(2, [tag("Sport")])
    store.subscribe(3, [tag("afghanistan")])
    store.subscribe(4, [tag("USA")])
    store.deactivate_chat(4, "403: blocked")
    stored = store.add_article(article(tags=("USA", "Afghanistan")))

    assert store.plan_deliveries() == 2
    assert store.plan_deliveries() == 0  # planned once, never twice
    jobs = store.claim_deliveries()
    assert sorted(job.chat_id for job in jobs) == [1, 3]
    assert {job.article_id for job in jobs} == {stored.id}
    assert store.claim_deliveries() == []  # claimed rows are not handed out again


def test_later_subscribers_do_not_get_old_articles(store: Store) -> None:
    store.add_article(article())
    store.plan_deliveries()
    store.upsert_chat(1)
    store.subscribe(1, [tag("USA")])
    store.plan_deliveries()
    assert store.claim_deliveries() == []


def test_outbox_states(store: Store) -> None:
    store.upsert_chat(1)
    store.subscribe(1, [tag("USA")])
    first = store.add_article(article("First."))
    second = store.add_article(article("Second."))
    store.plan_deliveries()
    jobs = {job.article_id: job for job in store.claim_deliveries()}
    store.mark_sent(jobs[first.id].delivery_id, 42)
    store.mark_retry(jobs[second.id].delivery_id, "timeout", delay=timedelta(hours=1))
    assert store.claim_deliveries() == []  # not due yet
    assert store.delivery_counts() == {"sent": 1, "pending": 1}
    store.mark_failed(jobs[second.id].delivery_id, "400: chat not found")
    assert store.deliveries_for_chat(1) == [(first.id, "sent"), (second.id, "failed")]


def test_stale_claims_return_to_the_queue(store: Store) -> None:
    store.upsert_chat(1)
    store.subscribe(1, [tag("USA")])
    store.add_article(article())
    store.plan_deliveries()
    (job,) = store.claim_deliveries()
    assert store.release_stale_claims(older_than=timedelta(hours=1)) == 0
    assert store.release_stale_claims(older_than=timedelta(seconds=-1)) == 1
    (again,) = store.claim_deliveries()
    assert again.delivery_id == job.delivery_id and again.attempts == 2


def test_blocked_chat_messages_are_held_and_chat_reactivates(store: Store) -> None:
    store.upsert_chat(1)
    store.subscribe(1, [tag("USA")])
    store.add_article(article())
    store.plan_deliveries()
    store.deactivate_chat(1, "403: bot was blocked by the user")
    assert store.delivery_counts() == {"held": 1}
    chat = store.chat(1)
    assert chat is not None and not chat.active
    assert store.subscriptions(1) == [tag("USA")]  # kept for when the chat returns
    store.upsert_chat(1)
    chat = store.chat(1)
    assert chat is not None and chat.active


def test_migrated_chat_keeps_subscriptions_and_outbox(store: Store) -> None:
    store.upsert_chat(-100, chat_type="group")
    store.subscribe(-100, [tag("USA")])
    stored = store.add_article(article())
    store.plan_deliveries()
    store.migrate_chat(-100, -1001234567890)
    assert store.subscriptions(-1001234567890) == [tag("USA")]
    assert store.subscriptions(-100) == []
    assert store.deliveries_for_chat(-1001234567890) == [(stored.id, "pending")]


def test_concurrent_claimers_never_share_a_row(store: Store) -> None:
    for chat_id in range(1, 41):
        store.upsert_chat(chat_id)
        store.subscribe(chat_id, [tag("USA")])
    store.add_article(article())
    store.plan_deliveries()
    claimed: list[int] = []
    lock = threading.Lock()

    def claim() -> None:
        while jobs := store.claim_deliveries(limit=3):
            with lock:
                claimed.extend(job.delivery_id for job in jobs)

    workers = [threading.Thread(target=claim) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(claimed) == 40 and len(set(claimed)) == 40
