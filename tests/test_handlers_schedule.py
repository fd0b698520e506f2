"""Quiet hours, digest times and keyword filters in local time, across DST changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.schedule import digest_due, digest_due_at, local_instant, passes_filters, quiet_until
from summaries.store import ChatConfig

BERLIN = ChatConfig(1, timezone="Europe/Berlin")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_quiet_hours_across_midnight_end_at_local_time() -> None:
    config = replace(BERLIN, quiet_start=22 * 60, quiet_end=7 * 60)
    # 23:30 Berlin summer time (UTC+2) -> quiet until 07:00 local = 05:00 UTC next day.
    assert quiet_until(config, utc(2026, 7, 1, 21, 30)) == utc(2026, 7, 2, 5, 0)
    # 06:00 local: still quiet, until 07:00 the same day.
    assert quiet_until(config, utc(2026, 7, 2, 4, 0)) == utc(2026, 7, 2, 5, 0)
    assert quiet_until(config, utc(2026, 7, 2, 10, 0)) is None
    assert quiet_until(BERLIN, utc(2026, 7, 2, 21, 30)) is None


def test_quiet_hours_within_a_day() -> None:
    config = replace(BERLIN, quiet_start=12 * 60, quiet_end=14 * 60)
    assert quiet_until(config, utc(2026, 1, 10, 11, 30)) == utc(2026, 1, 10, 13, 0)
    assert quiet_until(config, utc(2026, 1, 10, 13, 0)) is None


def test_quiet_hours_ending_on_a_dst_night() -> None:
    # Night of 28/29 March 2026: Berlin jumps from 02:00 to 03:00.
    config = replace(BERLIN, quiet_start=23 * 60, quiet_end=6 * 60)
    assert quiet_until(config, utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 4, 0)  # 06:00 CEST


def test_local_instant_in_gaps_and_folds() -> None:
    berlin = BERLIN
    from bot.schedule import zone

    tz = zone(berlin)
    # 02:30 does not exist on 29 March 2026 in Berlin: the first instant after the gap.
    assert local_instant(datetime(2026, 3, 29).date(), 150, tz) == utc(2026, 3, 29, 1, 0)
    # 02:30 exists twice on 25 October 2026: the first one (still CEST, UTC+2).
    assert local_instant(datetime(2026, 10, 25).date(), 150, tz) == utc(2026, 10, 25, 0, 30)


def test_one_digest_per_local_day_at_the_local_time() -> None:
    config = replace(
        BERLIN, mode="digest", digest_minute=8 * 60, last_digest_at=utc(2026, 3, 27, 7, 0)
    )
    # 28 March 08:00 CET = 07:00 UTC; 29 March 08:00 CEST = 06:00 UTC.
    assert digest_due_at(config, utc(2026, 3, 28, 6, 0)) == utc(2026, 3, 28, 7, 0)
    assert not digest_due(config, utc(2026, 3, 28, 6, 59))
    assert digest_due(config, utc(2026, 3, 28, 7, 0))
    sent = replace(config, last_digest_at=utc(2026, 3, 28, 7, 0, 5))
    assert not digest_due(sent, utc(2026, 3, 28, 22, 0))
    assert digest_due_at(sent, utc(2026, 3, 28, 22, 0)) == utc(2026, 3, 29, 6, 0)
    assert digest_due(sent, utc(2026, 3, 29, 6, 0))


def test_first_digest_waits_for_the_next_digest_time() -> None:
    config = replace(BERLIN, mode="digest", digest_minute=8 * 60)
    assert digest_due_at(config, utc(2026, 7, 1, 10, 0)) == utc(2026, 7, 2, 6, 0)
    assert digest_due_at(config, utc(2026, 7, 1, 5, 0)) == utc(2026, 7, 1, 6, 0)
    assert not digest_due(replace(config, mode="instant"), utc(2026, 7, 2, 6, 0))


def test_a_long_outage_gives_one_digest_not_many() -> None:
    config = replace(
        BERLIN, mode="digest", digest_minute=8 * 60, last_digest_at=utc(2026, 7, 1, 6, 0)
    )
    now = utc(2026, 7, 5, 12, 0)
    assert digest_due(config, now)
    after = replace(config, last_digest_at=now)
    assert not digest_due(after, utc(2026, 7, 5, 23, 0))


def test_keyword_filters_are_plain_case_insensitive_words() -> None:
    text = ["Bundesliga: Bayern gewinnt", "Der FC Bayern-München siegt 3:1."]
    assert passes_filters(BERLIN, text)
    assert passes_filters(replace(BERLIN, include_words=("bayern",)), text)
    assert passes_filters(replace(BERLIN, include_words=("münchen",)), text)
    assert not passes_filters(replace(BERLIN, include_words=("nato",)), text)
    assert not passes_filters(replace(BERLIN, exclude_words=("BUNDESLIGA",)), text)
    assert passes_filters(replace(BERLIN, exclude_words=("liga",)), text), "whole words only"
    assert not passes_filters(replace(BERLIN, exclude_words=("fussball",)), ["FUSSBALL heute"])
