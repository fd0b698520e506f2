"""Article page extraction with trafilatura, offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from summaries.errors import InputError
from summaries.pages import extract_page

PAGE = Path(__file__).parent / "data" / "feeds" / "article.html"


def test_extracts_text_and_metadata() -> None:
    page = extract_page(PAGE.read_bytes(), url="https://zeitung.example.de/x")
    assert page.title == "Bahnstreik legt Fernverkehr lahm"
    assert page.text.startswith("Die Lokführergewerkschaft hat ihre Mitglieder")
    assert page.text.count("\n\n") == 3  # four paragraphs
    for furniture in ("Startseite", "Meistgelesen", "Impressum", "Cookie"):
        assert furniture not in page.text
    assert page.teaser == (
        "Die Gewerkschaft hat zum Streik aufgerufen. Reisende müssen mit Ausfällen rechnen."
    )
    assert page.author == "Erika Musterfrau"
    assert page.published_at is not None and page.published_at.date() == dt.date(2024, 3, 7)
    assert page.language == "de"
    assert page.url == "https://zeitung.example.de/wirtschaft/bahnstreik"
    assert set(page.tags) >= {"Bahn", "Streik"}


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary" * 100,
        b"<html><body><nav>Home</nav></body></html>",
        b"just some words",
    ],
)
def test_pages_without_article_are_errors(data: bytes) -> None:
    with pytest.raises(InputError):
        extract_page(data)
