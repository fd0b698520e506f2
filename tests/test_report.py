"""The seed-format report parser, on the seed report and on variants of it."""

from __future__ import annotations

import datetime as dt

import pytest

from summaries.dates import parse_meta_line
from summaries.errors import InputError
from summaries.report import ParsedReport, parse_report
from summaries.text import decode_bytes
from tests.conftest import SEED_REPORT

SEED = SEED_REPORT
TITLE = "US-Außenminister rief Ilham Aliyev an"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return decode_bytes(SEED.read_bytes())


@pytest.fixture(scope="module")
def seed(seed_text: str) -> ParsedReport:
    return parse_report(seed_text)


def test_seed_fields(seed: ParsedReport) -> None:
    assert seed.title == TITLE
    assert seed.published_at == dt.date(2021, 4, 29)
    assert seed.read_count == 1012
    assert seed.tags == ()
    assert seed.url is None


def test_seed_body_is_the_article_only(seed: ParsedReport) -> None:
    body = seed.body
    assert body.startswith("Am 28. April rief US-Außenminister Anthony Blinken den Präsidenten")
    assert body.endswith("mit Besorgnis aufgenommen.")
    assert TITLE not in body
    for junk in ("Gelesen", "29 April 2021", "Tags:", "Newsticker", "\u00a0", "\r"):
        assert junk not in body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 9
    assert all(p and "\n" not in p and p == p.strip() for p in paragraphs)
    # The no-break spaces inside sentences became plain single spaces.
    assert "an. Die Erklärung" in body
    assert "dass die Türkei" in body


def test_seed_with_crlf_line_ends(seed_text: str, seed: ParsedReport) -> None:
    crlf = parse_report(seed_text.replace("\n", "\r\n"))
    assert crlf == seed


def test_seed_from_cp1252_bytes(seed_text: str, seed: ParsedReport) -> None:
    legacy = seed_text.replace("\u00a0", " ").encode("cp1252")
    assert parse_report(decode_bytes(legacy)) == seed


def test_missing_read_count(seed_text: str) -> None:
    report = parse_report(seed_text.replace("Gelesen: 1012", ""))
    assert report.published_at == dt.date(2021, 4, 29)
    assert report.read_count is None
    assert report.body.startswith("Am 28. April")


def test_missing_date_line(seed_text: str) -> None:
    lines = [line for line in seed_text.split("\n") if "Gelesen" not in line]
    report = parse_report("\n".join(lines))
    assert report.published_at is None
    assert report.read_count is None
    assert report.title == TITLE
    assert report.body.startswith("Am 28. April")


@pytest.mark.parametrize(
    ("line", "date", "count"),
    [
        ("29 April 2021    Gelesen: 1012", dt.date(2021, 4, 29), 1012),
        ("29. April 2021 | Read: 1,012", dt.date(2021, 4, 29), 1012),
        ("April 29, 2021 Views: 15", dt.date(2021, 4, 29), 15),
        ("2021-04-29T10:15:00Z", dt.date(2021, 4, 29), None),
        ("29.04.2021, 14:05 Uhr", dt.date(2021, 4, 29), None),
        ("29 апреля 2021 г.  Прочитано: 1 012", dt.date(2021, 4, 29), 1012),
        ("Просмотров: 77", None, 77),
        ("29 avril 2021 Lu : 12", dt.date(2021, 4, 29), 12),
        ("1er mai 2021", dt.date(2021, 5, 1), None),
        ("Gelesen: 3", None, 3),
        ("5.3k views", None, None),  # not a format we read: left alone
    ],
)
def test_meta_lines(line: str, date: dt.date | None, count: int | None) -> None:
    meta = parse_meta_line(line)
    if date is None and count is None:
        assert meta is None
    else:
        assert meta is not None
        assert (meta.published_at, meta.read_count) == (date, count)


@pytest.mark.parametrize(
    "line",
    [
        "Am 29. April 2021 rief der Minister an.",  # prose that mentions a date
        "31 February 2021",  # not a date
        "US-Außenminister rief Ilham Aliyev an",
        "",
    ],
)
def test_lines_that_are_not_meta_lines(line: str) -> None:
    assert parse_meta_line(line) is None


@pytest.mark.parametrize(
    ("header", "count"),
    [
        ("29 April 2021   Read: 1012", 1012),
        ("29 апреля 2021   Прочитано: 1012", 1012),
        ("April 29, 2021 · Views: 2,500", 2500),
    ],
)
def test_other_counters_and_languages(seed_text: str, header: str, count: int) -> None:
    lines = [header if "Gelesen" in line else line for line in seed_text.split("\n")]
    assert header in lines
    report = parse_report("\n".join(lines))
    assert report.published_at == dt.date(2021, 4, 29)
    assert report.read_count == count


def test_tags_on_the_tags_line(seed_text: str) -> None:
    text = seed_text.replace("Tags:", "Tags: Aserbaidschan, USA,  Diplomatie ,")
    report = parse_report(text)
    assert report.tags == ("Aserbaidschan", "USA", "Diplomatie")
    assert "Diplomatie" not in report.body
    assert "Newsticker" not in report.body


def test_tags_on_the_lines_after_tags(seed_text: str) -> None:
    text = seed_text.replace("Tags:\n\n\n", "Tags:\n\nAserbaidschan, USA\nAfghanistan\n\n\n")
    report = parse_report(text)
    assert report.tags == ("Aserbaidschan", "USA", "Afghanistan")
    assert not any(tag in report.body.split("\n\n")[-1] for tag in ("Afghanistan\n",))


def test_duplicate_tags_are_dropped_case_insensitively() -> None:
    report = parse_report("Titel\n\nText des Artikels.\n\nTags: USA, usa, #Sport")
    assert report.tags == ("USA", "#Sport")


def test_no_tags_line_and_trailing_boilerplate() -> None:
    report = parse_report("Title\n\nFirst paragraph.\n\nSecond paragraph.\n\nNewsticker\n")
    assert report.tags == ()
    assert report.body == "First paragraph.\n\nSecond paragraph."


def test_url_line_anywhere_outside_the_body() -> None:
    report = parse_report(
        "Title\nURL: https://example.org/a?b=1\n1 May 2021\n\nBody text here.\n\n"
        "Source: https://example.org/other\nTags: x"
    )
    assert report.url == "https://example.org/a?b=1"
    assert report.body == "Body text here."
    assert report.tags == ("x",)
    assert report.published_at == dt.date(2021, 5, 1)


def test_a_source_sentence_in_the_body_stays() -> None:
    report = parse_report("Title\n\nSource: Reuters said so.\n\nMore text.")
    assert report.body == "Source: Reuters said so.\n\nMore text."
    assert report.url is None


def test_hard_wrapped_paragraphs_are_unwrapped() -> None:
    report = parse_report("Title\n\nOne sentence\nthat wraps.\n\n- item one\n- item two\n")
    assert report.body == "One sentence that wraps.\n\n- item one\n\n- item two"


def test_a_topics_sentence_deep_in_the_body_is_not_a_tags_line() -> None:
    paragraphs = "\n\n".join(f"Paragraph {i} of the article." for i in range(20))
    text = f"Title\n\nThemen: Wir sprachen über alles.\n\n{paragraphs}"
    report = parse_report(text)
    assert report.body.startswith("Themen: Wir sprachen über alles.")
    assert report.tags == ()


def test_date_line_before_the_title() -> None:
    report = parse_report("2021-04-29\nTitle here\n\nBody.")
    assert report.title == "Title here"
    assert report.published_at == dt.date(2021, 4, 29)
    assert report.body == "Body."


def test_file_without_a_title_line() -> None:
    sentence = "Dies ist ein langer erster Satz eines Artikels ohne eigene Titelzeile. "
    report = parse_report(sentence * 6)
    assert report.title == sentence.strip()
    assert report.body.startswith(sentence.strip())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n \u00a0\n",
        TITLE,
        f"{TITLE}\n\n29 April 2021 Gelesen: 1012\n{TITLE}\n\nTags:\n\nNewsticker",
        f"{TITLE}\n\n29 April 2021\n\n\n",
    ],
    ids=["empty", "blank", "title-only", "no-body", "date-only"],
)
def test_reports_without_article_text_are_input_errors(text: str) -> None:
    with pytest.raises(InputError, match=r"no (article text|title)|empty"):
        parse_report(text)


def test_empty_body_message_names_the_report() -> None:
    with pytest.raises(InputError) as excinfo:
        parse_report(f"{TITLE}\n\n29 April 2021\n{TITLE}\n\nTags:\n")
    assert "has no article text" in str(excinfo.value)
    assert "US-Außenminister" in str(excinfo.value)
