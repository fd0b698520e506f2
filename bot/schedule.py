"""Local-time rules of a chat: quiet hours, the daily digest time, keyword filters.

Pure functions of (chat settings, an aware UTC instant), so they are easy to test across
daylight-saving changes. Local wall-clock times are turned into instants with zoneinfo:
a time that does not exist on a spring-forward day falls just after the gap, an
ambiguous autumn time means its first occurrence; either way each local day has
exactly one digest instant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from summaries.store import ChatConfig

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def zone(config: ChatConfig) -> ZoneInfo:
    try:
        return ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_instant(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time on a local day (DST-safe, see module doc)."""
    wall = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        # Inside a spring-forward gap: take the first valid instant after it.
        instant = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        while instant.astimezone(tz).replace(tzinfo=None) < wall.replace(tzinfo=None):
            instant += timedelta(minutes=15)
    return instant


def quiet_until(config: ChatConfig, now: datetime) -> datetime | None:
    """When the chat's quiet hours end if `now` is inside them, else None."""
    start, end = config.quiet_start, config.quiet_end
    if start is None or end is None or start == end:
        return None
    tz = zone(config)
    local = now.astimezone(tz)
    minute = local.hour * 60 + local.minute
    today = local.date()
    if start < end:
        inside = start <= minute < end
        end_day = today
    else:  # crosses midnight, e.g. 22:00-07:00
        inside = minute >= start or minute < end
        end_day = today + timedelta(days=1) if minute >= start else today
    return local_instant(end_day, end, tz) if inside else None


def digest_due_at(config: ChatConfig, now: datetime) -> datetime:
    """The instant of the next digest not yet sent: today's or tomorrow's local digest time.

    A digest counts as sent for a local day when `last_digest_at` is at or after that
    day's digest instant. A chat that never had one gets today's if it is still ahead,
    else tomorrow's (so switching to digest mode at noon does not send one at once for a
    morning time). The result may be in the past: then the digest is due now.
    """
    tz = zone(config)
    today = now.astimezone(tz).date()
    todays = local_instant(today, config.digest_minute, tz)
    last = config.last_digest_at
    if last is None:
        return (
            todays
            if todays > now
            else local_instant(today + timedelta(days=1), config.digest_minute, tz)
        )
    if last >= todays:
        return local_instant(today + timedelta(days=1), config.digest_minute, tz)
    yesterday = local_instant(today - timedelta(days=1), config.digest_minute, tz)
    return todays if last >= yesterday else yesterday


def digest_due(config: ChatConfig, now: datetime) -> bool:
    return config.digest and digest_due_at(config, now) <= now


def words_of(texts: Iterable[str]) -> set[str]:
    """Case-folded words (and the parts of hyphenated words) for keyword filters."""
    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text.casefold()):
            words.add(word)
            words.update(part for part in re.split(r"[-'’]", word) if part)
    return words


def passes_filters(config: ChatConfig, texts: Iterable[str]) -> bool:
    """Include words: at least one must occur; exclude words: none may occur."""
    if not config.include_words and not config.exclude_words:
        return True
    words = words_of(texts)
    if config.include_words and not any(w.casefold() in words for w in config.include_words):
        return False
    return not any(w.casefold() in words for w in config.exclude_words)
