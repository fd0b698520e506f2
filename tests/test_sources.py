"""Sources: the store's bookkeeping, and polling feeds served from 127.0.0.1."""

from __future__ import annotations

import datetime as dt

from summaries.store import Store


def test_add_list_remove_source(store: Store) -> None:
    source, created = store.add_source("https://a.example/feed", tags=["Tech", "Welt"])
    assert created and source.default_tags == ("Tech", "Welt") and source.active
    again, created = store.add_source("https://a.example/feed", interval_minutes=60)
    assert not created and again.id == source.id and again.interval_minutes == 60
    listed = store.list_sources()
    assert [(s.url, s.article_count) for s in listed] == [("https://a.example/feed", 0)]
    assert store.find_source(str(source.id)) == store.find_source("https://a.example/feed")
    assert store.remove_source(source.id)
    assert not store.remove_source(source.id)
    assert store.list_sources() == []


def test_claim_due_sources_leases_each_once(store: Store) -> None:
    source, _ = store.add_source("https://b.example/feed")
    now = dt.datetime.now(dt.UTC)
    assert [s.id for s in store.claim_due_sources(now=now)] == [source.id]
    assert store.claim_due_sources(now=now) == []  # leased to the first poller
    later = now + dt.timedelta(minutes=6)
    assert [s.id for s in store.claim_due_sources(now=later)] == [source.id]


def test_failures_count_and_deactivate(store: Store) -> None:
    source, _ = store.add_source("https://c.example/feed")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert (
        store.record_fetch_failure(
            source.id, error="HTTP 500", next_fetch_at=soon, deactivate=False
        )
        == 1
    )
    store.record_fetch_failure(source.id, error="HTTP 500", next_fetch_at=soon, deactivate=True)
    info = store.get_source(source.id)
    assert info is not None and not info.active and info.error_count == 2
    assert info.last_error == "deactivated after 2 failures: HTTP 500"
    store.record_fetch_success(
        source.id,
        next_fetch_at=soon,
        etag='"e"',
        last_modified=None,
        new_url="https://c.example/moved",
    )
    info = store.get_source(source.id)
    assert info is not None and info.url == "https://c.example/moved" and info.error_count == 0
