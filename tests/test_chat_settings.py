"""Parsing what people type after /settings, in English and German keywords."""

from __future__ import annotations

import pytest

from bot.chat_settings import (
    MAX_FILTER_WORDS,
    SettingError,
    format_time,
    parse_quiet,
    parse_setting,
    parse_time,
    parse_timezone,
    parse_words,
)
from bot.i18n import translator


@pytest.mark.parametrize(
    ("typed", "values"),
    [
        ("length 5", {"summary_sentences": 5}),
        ("LÄNGE 10", {"summary_sentences": 10}),
        ("digest", {"mode": "digest"}),
        ("digest 7:30", {"mode": "digest", "digest_minute": 450}),
        ("täglich 19.05", {"mode": "digest", "digest_minute": 1145}),
        ("mode instant", {"mode": "instant"}),
        ("modus täglich 06:00", {"mode": "digest", "digest_minute": 360}),
        ("sofort", {"mode": "instant"}),
        ("timezone europe/berlin", {"timezone": "Europe/Berlin"}),
        ("zeitzone America/New_York", {"timezone": "America/New_York"}),
        ("quiet 22:00-07:00", {"quiet_start": 1320, "quiet_end": 420}),
        ("ruhezeit 22 bis 6", {"quiet_start": 1320, "quiet_end": 360}),
        ("quiet off", {"quiet_start": None, "quiet_end": None}),
        ("previews on", {"link_previews": True}),
        ("vorschau aus", {"link_previews": False}),
        ("pause", {"paused": True}),
        ("fortsetzen", {"paused": False}),
        ("include NATO Baku nato", {"include_words": "nato\nbaku"}),
        ("ohne Fußball", {"exclude_words": "fußball"}),
        ("exclude off", {"exclude_words": ""}),
        ("language de", {"language": "de"}),
        ("sprache EN", {"language": "en"}),
    ],
)
def test_valid_settings(typed: str, values: dict[str, object]) -> None:
    assert parse_setting(typed).values == values


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "colour blue",
        "length",
        "length 0",
        "length 11",
        "length five",
        "length 3 4",
        "digest 25:00",
        "digest 7:60",
        "digest 7:30 8:00",
        "mode",
        "mode sometimes",
        "timezone Mars/Olympus",
        "timezone",
        "timezone localtime",
        "quiet 22:00",
        "quiet 22:00-22:00",
        "quiet",
        "previews maybe",
        "pause now",
        "include",
        "include a.*b",
        "include " + "x" * 41,
        "include " + " ".join(f"w{i}" for i in range(MAX_FILTER_WORDS + 1)),
        "instant now",
        "language klingon",
        "language",
    ],
)
def test_invalid_settings_raise_a_translatable_error(typed: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse_setting(typed)
    error = caught.value
    for language in ("en", "de"):
        text = translator(language)(error.message, **error.params)
        assert text and "{" not in text


def test_german_error_is_german() -> None:
    with pytest.raises(SettingError) as caught:
        parse_setting("length 42")
    error = caught.value
    assert translator("de")(error.message, **error.params) == (
        "Die Länge der Zusammenfassung muss eine Zahl von 1 bis 10 sein."
    )


def test_times_and_windows() -> None:
    assert parse_time("0") == 0
    assert parse_time("23:59") == 23 * 60 + 59
    assert parse_time("7h15") == 435
    assert format_time(435) == "07:15"
    assert parse_quiet("23:30–06:15") == (1410, 375)
    assert parse_quiet("aus") is None
    with pytest.raises(SettingError):
        parse_time("-1")


def test_timezone_is_canonical_iana_name() -> None:
    assert parse_timezone("UTC") == "UTC"
    assert parse_timezone("asia/baku") == "Asia/Baku"
    with pytest.raises(SettingError):
        parse_timezone("../etc/passwd")


def test_filter_words_are_plain_words() -> None:
    assert parse_words("Biden, Trump! biden") == ["biden", "trump"]
    assert parse_words("Baden-Württemberg O'Neill") == ["baden-württemberg", "o'neill"]
    with pytest.raises(SettingError):
        parse_words("(.*)")
