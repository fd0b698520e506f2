"""Feed parsing on a corpus of real-shaped and broken feeds (tests/data/feeds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from summaries.feeds import FeedError, html_to_text, parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
BASE = "https://news.example.org/feed.xml"


def parse(name: str, content_type: str = ""):
    return parse_feed((FEEDS / name).read_bytes(), url=BASE, content_type=content_type)


def test_rss20_entries_text_links_dates_and_tags() -> None:
    feed = parse("rss20.xml")
    assert feed.kind == "rss20"
    assert feed.title == "Weltnachrichten & Co"
    assert feed.ttl_minutes == 30
    first = feed.entries[0]
    assert first.title == "US-Außenminister rief Ilham Aliyev an"
    assert first.link == "https://news.example.org/politik/aliyev-blinken"  # tracking removed
    assert first.guid == "news-1001"
    assert first.published_at == dt.datetime(2021, 4, 29, 8, 15, tzinfo=dt.UTC)
    assert first.author == "Redaktion Ausland"
    assert first.tags == ("Aserbaidschan", "Diplomatie")
    assert first.teaser == "Blinken und Aliyev sprachen über Sicherheit in der Region."
    assert first.content is not None
    assert "alert" not in first.content  # scripts dropped
    assert first.content.count("\n\n") == 2  # one paragraph per <p>


def test_rss20_broken_entries_do_not_stop_the_rest() -> None:
    feed = parse("rss20.xml")
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 5
    assert feed.problems == ["entry 6: no title and no text"]
    relative = feed.entries[1]
    assert relative.link == "https://news.example.org/wirtschaft/zinsen"
    assert relative.guid == relative.link  # no guid: the link identifies it
    untitled = feed.entries[2]
    assert untitled.title.startswith("Ein Eintrag ohne Titel: Der Wetterdienst warnt")
    assert untitled.published_at is None  # unparseable date
    future = feed.entries[3]
    assert future.title == "From the future" and future.published_at is None
    assert feed.entries[4].body == ""  # only a link: the page must be fetched


@pytest.mark.parametrize(
    ("name", "kind", "title"),
    [
        ("rss091.xml", "rss091n", "Town council approves new bridge"),
        ("rss10.rdf", "rss10", "Scientists map the deep ocean floor"),
        ("atom.xml", "atom10", "La réforme des retraites adoptée"),
        ("jsonfeed.json", "json1.1", "First JSON story"),
        ("latin1.xml", "rss20", "München feiert"),
        ("wrong-charset.xml", "rss20", "Grüße aus Köln"),
        ("no-charset-cp1252.xml", "rss20", "Grüße aus Düsseldorf – ein „Test“"),
    ],
)
def test_formats_and_charsets(name: str, kind: str, title: str) -> None:
    feed = parse(name)
    assert feed.kind == kind
    assert feed.entries[0].title == title


def test_atom_details() -> None:
    feed = parse("atom.xml")
    entry = feed.entries[0]
    assert entry.link == "https://fil.example.fr/retraites"
    assert entry.author == "Marie Dupont"
    assert entry.tags == ("Politique", "Retraites")
    assert entry.published_at == dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)
    assert entry.teaser == "Le texte a été adopté au Parlement."
    assert entry.content and entry.content.startswith("Le texte a été adopté au Parlement après")


def test_rss10_update_period_is_the_ttl() -> None:
    assert parse("rss10.rdf").ttl_minutes == 30  # hourly, twice


def test_json_feed_skips_bad_items() -> None:
    feed = parse("jsonfeed.json", "application/feed+json")
    assert [e.link for e in feed.entries] == [
        "https://json.example.com/one",
        "https://json.example.com/two",
    ]
    assert feed.entries[0].tags == ("Tech", "Startups")
    assert feed.entries[0].author == "Ann Writer"
    assert feed.entries[1].published_at is None
    assert len(feed.problems) == 2


def test_truncated_feed_keeps_what_was_readable() -> None:
    feed = parse("truncated.xml")
    assert len(feed.entries) == 1
    assert "malformed feed" in feed.problems[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("page.html", "an HTML page, not a feed"),
        ("binary.bin", "binary data"),
        ("invalid.xml", "not a feed"),
        ("not-jsonfeed.json", "not a JSON Feed"),
    ],
)
def test_not_a_feed(name: str, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse(name)


def test_empty_and_broken_json() -> None:
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  \n")
    with pytest.raises(FeedError, match="invalid JSON"):
        parse_feed(b'{"version": "https://jsonfeed.org/version/1", "items": [')


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\n\nThree\n\nfour"
    assert html_to_text("plain") == "plain"
