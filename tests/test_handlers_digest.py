"""The outbox side of digests on SQLite and PostgreSQL: park, claim, finish, unpark."""

from __future__ import annotations

from summaries.models import DeliveryState
from summaries.store import NewArticle, Store, TagRef


def _article(store: Store, title: str, tag: str) -> int:
    return store.add_article(
        NewArticle(
            title=title,
            body=f"{title} body.",
            language="en",
            summary=[f"{title}."],
            summary_method="test",
            tags=[TagRef(tag, tag.casefold())],
        )
    ).id


def _states(store: Store, chat_id: int) -> list[str]:
    return sorted(str(getattr(s, "value", s)) for _, s in store.deliveries_for_chat(chat_id))


def test_digest_rows_wait_outside_the_send_queue(store: Store) -> None:
    store.upsert_chat(7)
    store.update_chat_config(7, mode="digest")
    store.subscribe(7, [TagRef("USA", "usa"), TagRef("Sport", "sport")])
    _article(store, "One", "USA")
    _article(store, "Two", "Sport")
    store.plan_deliveries()
    jobs = store.claim_deliveries(owner="worker")
    assert len(jobs) == 2
    assert store.park_for_digest([j.delivery_id for j in jobs], "someone-else") == 0
    assert store.park_for_digest([j.delivery_id for j in jobs], "worker") == 2
    assert store.claim_deliveries(owner="worker") == []
    assert store.parked_count(7) == 2

    items = store.claim_digest(7, "digest")
    assert [(i.title, i.summary, i.matched_tag) for i in items] == [
        ("One", ("One.",), "USA"),
        ("Two", ("Two.",), "Sport"),
    ]
    assert store.claim_digest(7, "other") == [], "a second runner gets nothing"
    assert store.return_to_digest([items[1].delivery_id], "digest") == 1
    store.finish_digest(7, [(items[0].delivery_id, 555)], "digest")
    assert _states(store, 7) == [DeliveryState.DIGEST.value, DeliveryState.SENT.value]
    assert store.chat_config(7).last_digest_at is not None

    assert store.unpark_digest(7) == 1
    assert [j.title for j in store.claim_deliveries(owner="worker")] == ["Two"]


async def test_push_gate_sorts_a_claimed_batch(store: Store) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.push import PushGate

    for chat_id in (1, 2, 3, 4):
        store.upsert_chat(chat_id)
        store.subscribe(chat_id, [TagRef("USA", "usa")])
    store.update_chat_config(2, mode="digest")
    store.update_chat_config(3, paused=True)
    minute = datetime.now(UTC).hour * 60 + datetime.now(UTC).minute
    store.update_chat_config(4, quiet_start=(minute - 60) % 1440, quiet_end=(minute + 60) % 1440)
    _article(store, "News", "USA")
    store.plan_deliveries()
    jobs = store.claim_deliveries(owner="w")
    now = datetime.now(UTC)
    admitted = await PushGate(store).admit(jobs, "w", now=now)
    assert [(job.chat_id, plan.action) for job, plan in admitted] == [(1, "send")]
    assert "<b>News</b>" in admitted[0][1].html
    assert _states(store, 2) == [DeliveryState.DIGEST.value]
    assert _states(store, 3) == [DeliveryState.FAILED.value]
    assert _states(store, 4) == [DeliveryState.PENDING.value]
    assert store.claim_deliveries(owner="w", now=now + timedelta(minutes=1)) == []
