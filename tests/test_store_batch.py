"""Batched article writes: the same results as one-by-one `add_article`, in one transaction."""

from __future__ import annotations

from summaries.store import NewArticle, Store, TagRef


def tag(display: str) -> TagRef:
    return TagRef(display, display.casefold())


def article(body: str, *, url: str | None = None, tags: tuple[str, ...] = ("USA",),
            auto: tuple[str, ...] = (), duplicate_of: int | None = None) -> NewArticle:  # fmt: skip
    return NewArticle(
        title=f"Title {body}",
        body=body,
        language="en",
        summary=[f"{body} one.", f"{body} two."],
        summary_method="test",
        tags=[tag(t) for t in tags],
        auto_tags=[tag(t) for t in auto],
        url=url,
        duplicate_of_id=duplicate_of,
    )


def test_batch_stores_articles_tags_and_summaries(store: Store) -> None:
    stored = store.add_articles(
        [article("a", tags=("USA", "Sport"), auto=("usa", "Armenien")), article("b", tags=())]
    )
    assert [s.created for s in stored] == [True, True]
    assert stored[0].tags == ("USA", "Sport", "Armenien")
    assert stored[1].tags == ()
    assert [t.key for t in store.article_tags(stored[0].id)] == ["sport", "usa", "armenien"]
    assert store.latest_summary(stored[0].id) == ["a one.", "a two."]
    assert store.latest_summary(stored[1].id) == ["b one.", "b two."]
    assert store.article_count() == 2


def test_batch_keeps_exact_dedup_against_store_and_within_batch(store: Store) -> None:
    first = store.add_article(article("known", url="https://a.example/1"))
    stored = store.add_articles(
        [
            article("KNOWN  "),  # same text as a stored article
            article("other", url="https://a.example/1"),  # same URL as a stored article
            article("new"),
            article("new "),  # same text as an earlier article of the batch
        ]
    )
    assert [(s.id, s.created) for s in stored[:2]] == [(first.id, False), (first.id, False)]
    assert stored[2].created and not stored[3].created
    assert stored[3].id == stored[2].id
    assert store.article_count() == 2


def test_duplicate_of_is_set_by_the_insert(store: Store) -> None:
    head = store.add_article(article("head", url="https://a.example/head"))
    single = store.add_article(article("single", url="https://b.example/1", duplicate_of=head.id))
    batch = store.add_articles([article("copy", url="https://c.example/2", duplicate_of=head.id)])
    assert single.created and batch[0].created
    assert store.story_sources(head.id) == ["https://b.example/1", "https://c.example/2"]
    store.upsert_chat(1)
    store.subscribe(1, [tag("USA")])
    store.plan_deliveries()
    assert [job.article_id for job in store.claim_deliveries(limit=10)] == [head.id]


def test_batch_falls_back_to_single_inserts_on_a_conflict(store: Store, monkeypatch) -> None:
    """Another process storing the same text between our check and insert."""
    store.add_article(article("raced"))
    monkeypatch.setattr(Store, "_existing_by_identity", lambda self, *args: {})
    stored = store.add_articles([article("fresh"), article("raced")])
    assert stored[0].created and not stored[1].created
    assert store.article_count() == 2
