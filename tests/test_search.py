"""Reading articles back: search, latest, tag counts, chat settings (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from summaries.store import NewArticle, Store, TagRef


def _tag(display: str) -> TagRef:
    return TagRef(display, display.casefold())


def _add(
    store: Store, title: str, body: str, *, language: str = "en", tags: tuple[str, ...] = ()
) -> int:
    stored = store.add_article(
        NewArticle(
            title=title,
            body=body,
            language=language,
            summary=[body.split(".")[0] + "."],
            summary_method="test",
            tags=[_tag(t) for t in tags],
        )
    )
    return stored.id


def test_search_ranks_title_matches_first_and_needs_all_words(store: Store) -> None:
    body_only = _add(store, "Weather report", "Rain in Baku. The minister spoke about elections.")
    in_title = _add(store, "Elections in Baku", "Voters went to the polls in Baku today.")
    _add(store, "Football", "A match in Munich ended in a draw.")
    found = [a.id for a in store.search_articles("Baku elections")]
    assert found[0] == in_title
    assert set(found) == {in_title, body_only}
    assert store.search_articles("Baku Munich") == []


def test_search_matches_inflected_german_words(store: Store) -> None:
    german = _add(
        store,
        "Wahlen in Aserbaidschan",
        "Die Regierung kündigte neue Wahlen an. Beobachter kritisieren die Abstimmung.",
        language="de",
    )
    assert [a.id for a in store.search_articles("Wahl")] == [german]
    assert [a.id for a in store.search_articles("Beobachter")] == [german]


def test_search_ignores_query_syntax_and_finds_new_articles(store: Store) -> None:
    assert store.search_articles('" OR * NEAR( -') == []
    assert store.search_articles("") == []
    first = _add(store, "Alpha story", "Alpha text here.")
    assert [a.id for a in store.search_articles("alpha")] == [first]
    second = _add(store, "Another alpha", "More alpha text.")
    assert {a.id for a in store.search_articles('alpha"')} == {first, second}


def test_latest_articles_newest_first_and_by_tag(store: Store) -> None:
    one = _add(store, "One", "First body.", tags=("USA",))
    two = _add(store, "Two", "Second body.", tags=("Sport",))
    three = _add(store, "Three", "Third body.", tags=("USA", "Sport"))
    assert [a.id for a in store.latest_articles(limit=2)] == [three, two]
    usa = store.latest_articles(limit=5, tag_key="usa")
    assert [a.id for a in usa] == [three, one]
    assert usa[0].summary == ("Third body.",)
    assert set(usa[0].tags) == {"USA", "Sport"}


def test_tag_counts_paginate_most_used_first(store: Store) -> None:
    _add(store, "A", "Body a.", tags=("USA", "Sport"))
    _add(store, "B", "Body b.", tags=("USA",))
    _add(store, "C", "Body c.", tags=("USA", "Kultur"))
    page, total = store.tag_counts(limit=2)
    assert total == 3
    assert [(t.display, t.articles) for t in page] == [("USA", 3), ("Kultur", 1)]
    rest, _ = store.tag_counts(offset=2, limit=2)
    assert [t.display for t in rest] == ["Sport"]
    assert store.tag_by_id(page[0].id).key == "usa"  # type: ignore[union-attr]
    assert store.tag_by_id(999999) is None


def test_chat_config_defaults_updates_and_unsubscribe_all(store: Store) -> None:
    store.upsert_chat(42, chat_type="private", language="de")
    config = store.chat_config(42)
    assert (config.mode, config.summary_sentences, config.timezone) == ("instant", 3, "UTC")
    assert config.chat_language == "de" and config.language is None
    config = store.update_chat_config(
        42, mode="digest", digest_minute=450, include_words="nato\nbaku"
    )
    assert config.digest and config.digest_minute == 450
    assert config.include_words == ("nato", "baku")
    config = store.update_chat_config(42, paused=True)
    assert config.paused and config.digest, "other settings are kept"
    assert [c.chat_id for c in store.digest_chats()] == [42]
    store.subscribe(42, [_tag("USA"), _tag("Sport")])
    assert store.unsubscribe_all(42) == 2
    assert store.subscriptions(42) == []
    with pytest.raises(LookupError):
        store.update_chat_config(7, paused=True)
    with pytest.raises(ValueError):
        store.update_chat_config(42, active=False)


def test_topic_routes(store: Store) -> None:
    store.upsert_chat(-1001, chat_type="supergroup")
    store.set_topic_route(-1001, "usa", 17)
    store.set_topic_route(-1001, "usa", 18)
    store.set_topic_route(-1001, "sport", 5)
    store.set_topic_route(-1001, "sport", None)
    assert store.topic_routes(-1001) == {"usa": 18}


def test_stats_count_everything(store: Store) -> None:
    store.upsert_chat(1)
    store.upsert_chat(2)
    store.subscribe(1, [_tag("USA")])
    _add(store, "A", "Body a.", tags=("USA",))
    numbers = store.stats()
    assert (numbers.chats_active, numbers.subscriptions, numbers.articles) == (2, 1, 1)
