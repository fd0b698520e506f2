"""Pushed messages: escaped HTML, hashtags, links, and never over Telegram's limit."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.formatting import (
    MAX_MESSAGE_LENGTH,
    article_html,
    article_plain,
    hashtag,
    telegram_length,
)

ALLOWED_TAGS = {"b", "a"}


class TagChecker(HTMLParser):
    """Fails on any tag the formatter should not emit and on unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(html: str) -> str:
    checker = TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []
    return "".join(checker.text)


def test_message_has_bold_title_summary_tags_and_link() -> None:
    html = article_html(
        "Blinken rief Aliyev an",
        ["Erster Satz.", "Zweiter Satz."],
        ["Aserbaidschan", "Ilham Aliyev"],
        "https://example.org/a?x=1&y=2",
    )
    assert html.startswith("<b>Blinken rief Aliyev an</b>\n\nErster Satz. Zweiter Satz.")
    assert "#Aserbaidschan #Ilham_Aliyev" in html
    assert '<a href="https://example.org/a?x=1&amp;y=2">' in html


def test_html_in_article_text_is_escaped() -> None:
    html = article_html("<script>x</script> & co", ["1 < 2 & <b>bold</b>"], ["<i>"], None)
    assert "<script>" not in html and "<i>" not in html
    assert visible_text(html).startswith("<script>x</script> & co")
    assert "1 < 2 & <b>bold</b>" in visible_text(html)


def test_no_link_without_url() -> None:
    assert "<a " not in article_html("T", ["S."], [], None)


def test_hashtags_keep_letters_digits_and_underscores() -> None:
    assert hashtag("Ilham Aliyev") == "#Ilham_Aliyev"
    assert hashtag("OSZE-Minsk-Gruppe") == "#OSZE_Minsk_Gruppe"
    assert hashtag("Москва") == "#Москва"
    assert hashtag("!!!") == "#tag"


def test_long_summaries_are_cut_with_an_ellipsis() -> None:
    html = article_html("Title", ["word " * 2000], ["tag"], "https://example.org")
    assert telegram_length(html) <= MAX_MESSAGE_LENGTH
    assert "…" in html and html.endswith("</a>")


def test_length_counts_utf16_units() -> None:
    html = article_html("T", ["😀" * 3000], [], None)
    assert telegram_length(html) <= MAX_MESSAGE_LENGTH
    assert telegram_length("😀") == 2


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(max_size=600),
    summary=st.lists(st.text(max_size=3000), max_size=5),
    tags=st.lists(st.text(min_size=1, max_size=64), max_size=12),
    url=st.one_of(st.none(), st.text(min_size=1, max_size=300)),
)
def test_any_article_renders_valid_html_within_the_limit(
    title: str, summary: list[str], tags: list[str], url: str | None
) -> None:
    html = article_html(title, summary, tags, url)
    assert telegram_length(html) <= MAX_MESSAGE_LENGTH
    visible_text(html)
    assert telegram_length(article_plain(title, summary, tags, url)) <= MAX_MESSAGE_LENGTH
