"""Outbox leases, owner-guarded outcomes, re-activation and migration on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta

from summaries.models import utcnow
from summaries.store import NewArticle, Store, TagRef


def tag(display: str) -> TagRef:
    return TagRef(display, display.casefold())


def article(body: str, *, tags: tuple[str, ...] = ("USA",)) -> NewArticle:
    return NewArticle(
        title=f"Title {body}",
        body=body,
        language="en",
        summary=[body],
        summary_method="test",
        tags=[tag(t) for t in tags],
    )


def subscribed_chats(store: Store, count: int, *, first: int = 1) -> list[int]:
    ids = list(range(first, first + count))
    for chat_id in ids:
        store.upsert_chat(chat_id)
        store.subscribe(chat_id, [tag("USA")])
    return ids


def test_planning_counts_rows_and_never_plans_twice(store: Store) -> None:
    subscribed_chats(store, 5)
    store.upsert_chat(99)
    store.subscribe(99, [tag("Sport")])
    store.add_article(article("a", tags=("USA", "Sport")))
    assert store.plan_deliveries() == 6
    assert store.plan_deliveries() == 0


def test_inactive_chats_are_not_planned(store: Store) -> None:
    subscribed_chats(store, 2)
    store.deactivate_chat(2, "403: blocked")
    stored = store.add_article(article("a"))
    assert store.plan_deliveries() == 1
    assert store.deliveries_for_chat(2) == []
    assert store.deliveries_for_chat(1) == [(stored.id, "pending")]


def test_a_live_owner_keeps_its_rows_by_renewing_the_lease(store: Store) -> None:
    subscribed_chats(store, 2)
    store.add_article(article("a"))
    store.plan_deliveries()
    jobs = store.claim_deliveries(owner="p1")
    assert len(jobs) == 2
    assert store.renew_claims("p1") == 2
    assert store.renew_claims("p2") == 0
    assert store.renew_claims("p1", [jobs[0].delivery_id]) == 1  # only what it still holds
    assert store.renew_claims("p1", []) == 0
    assert store.release_stale_claims(older_than=timedelta(minutes=1)) == 0
    assert store.claim_deliveries(owner="p2") == []


def test_outcomes_of_a_sender_that_lost_its_lease_are_ignored(store: Store) -> None:
    subscribed_chats(store, 1)
    stored = store.add_article(article("a"))
    store.plan_deliveries()
    (job,) = store.claim_deliveries(owner="p1")
    assert store.release_stale_claims(older_than=timedelta(seconds=-1)) == 1
    (again,) = store.claim_deliveries(owner="p2")
    assert again.delivery_id == job.delivery_id
    store.mark_failed(job.delivery_id, "late answer", owner="p1")  # p1 stalled, then woke
    assert store.deliveries_for_chat(1) == [(stored.id, "sending")]
    store.mark_sent(again.delivery_id, 7, owner="p2")
    store.mark_sent(job.delivery_id, 8, owner="p1")
    assert store.deliveries_for_chat(1) == [(stored.id, "sent")]


def test_mark_sent_many_records_a_batch(store: Store) -> None:
    subscribed_chats(store, 3)
    store.add_article(article("a"))
    store.plan_deliveries()
    jobs = store.claim_deliveries(owner="me")
    store.mark_sent_many([(job.delivery_id, 100 + i) for i, job in enumerate(jobs)], owner="me")
    assert store.delivery_counts() == {"sent": 3}


def test_released_claims_do_not_count_as_attempts(store: Store) -> None:
    subscribed_chats(store, 1)
    store.add_article(article("a"))
    store.plan_deliveries()
    (job,) = store.claim_deliveries(owner="me")
    assert job.attempts == 1
    assert store.release_claims([job.delivery_id], "me", delay=timedelta(hours=1)) == 1
    assert store.claim_deliveries(owner="me") == []  # deferred
    assert store.release_claims([job.delivery_id], None) == 0  # not claimed: nothing to give back
    (again,) = store.claim_deliveries(owner="me", now=utcnow() + timedelta(hours=2))
    assert again.attempts == 1


def test_returning_chat_gets_only_its_recent_backlog(store: Store) -> None:
    subscribed_chats(store, 1)
    ids = [store.add_article(article(f"story {i}")).id for i in range(5)]
    store.plan_deliveries()
    (job, *_) = store.claim_deliveries(limit=1, owner="me")
    assert store.deactivate_chat(1, "403: bot was blocked by the user") == 5
    store.mark_sent(job.delivery_id, 1, owner="me")  # the in-flight send lost its claim
    assert store.delivery_counts() == {"held": 5}
    assert store.reactivate_chat(1, backlog=2) == (2, 3)
    assert store.reactivate_chat(1, backlog=2) == (0, 0)  # idempotent
    states = dict(store.deliveries_for_chat(1))
    assert [states[i] for i in ids] == ["failed", "failed", "failed", "pending", "pending"]
    chat = store.chat(1)
    assert chat is not None and chat.active
    assert store.subscriptions(1) == [tag("USA")]
    assert {f.reason for f in store.stats(failed_limit=1000).failed_deliveries} == {
        "skipped: backlog from while the chat was unreachable"
    }


def test_old_backlog_is_not_resent(store: Store) -> None:
    subscribed_chats(store, 1)
    store.add_article(article("a"))
    store.plan_deliveries()
    store.deactivate_chat(1, "403")
    assert store.reactivate_chat(1, max_age=timedelta(seconds=-1)) == (0, 1)


def test_migration_onto_an_existing_supergroup_merges(store: Store) -> None:
    store.upsert_chat(-5, chat_type="group")
    store.subscribe(-5, [tag("USA"), tag("Sport")])
    store.upsert_chat(-1005, chat_type="supergroup")
    store.subscribe(-1005, [tag("USA")])
    first = store.add_article(article("a"))
    store.plan_deliveries()
    second = store.add_article(article("b", tags=("Sport",)))
    store.plan_deliveries()
    store.migrate_chat(-5, -1005)
    assert store.chat(-5) is None
    assert [t.key for t in store.subscriptions(-1005)] == ["sport", "usa"]
    assert sorted(store.deliveries_for_chat(-1005)) == [
        (first.id, "pending"),
        (second.id, "pending"),
    ]


def _claim_in_process(url: str, owner: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = Store.from_url(url)
    claimed = []
    while jobs := store.claim_deliveries(limit=7, owner=owner):
        claimed.extend(job.delivery_id for job in jobs)
        store.mark_sent_many([(job.delivery_id, None) for job in jobs], owner=owner)
    store.close()
    queue.put(claimed)


def test_two_processes_never_claim_the_same_row(store: Store, database_url: str) -> None:
    subscribed_chats(store, 150)
    store.add_article(article("a"))
    store.add_article(article("b"))
    assert store.plan_deliveries() == 300
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_claim_in_process, args=(database_url, f"p{i}", queue))
        for i in range(2)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    claimed = [delivery_id for result in results for delivery_id in result]
    assert len(claimed) == 300 and len(set(claimed)) == 300
    assert store.delivery_counts() == {"sent": 300}
