"""Parse what people type after /settings into validated changes.

Errors carry an untranslated message id and its parameters (`SettingError`), so the
handler can answer in the chat's language. German and English keywords both work.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.i18n import N_, normalize_language
from summaries.errors import InputError

MIN_SENTENCES = 1
MAX_SENTENCES = 10
MAX_FILTER_WORDS = 20
MAX_FILTER_WORD_LENGTH = 40
MINUTES_PER_DAY = 24 * 60

_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?")
_WORD = re.compile(r"[\w][\w'’-]*", re.UNICODE)
_ON = {"on", "an", "ein", "yes", "ja", "1", "true"}
_OFF = {"off", "aus", "no", "nein", "0", "false", "none", "keine", "clear", "löschen"}

# Keyword (any language we speak) -> canonical setting name.
KEYWORDS = {
    "length": "length", "länge": "length", "laenge": "length", "sentences": "length",
    "sätze": "length",
    "mode": "mode", "modus": "mode",
    "instant": "instant", "sofort": "instant",
    "digest": "digest", "täglich": "digest", "taeglich": "digest", "daily": "digest",
    "timezone": "timezone", "tz": "timezone", "zeitzone": "timezone",
    "quiet": "quiet", "ruhezeit": "quiet", "ruhe": "quiet",
    "previews": "previews", "preview": "previews", "vorschau": "previews",
    "pause": "pause", "resume": "resume", "fortsetzen": "resume", "weiter": "resume",
    "include": "include", "nur": "include", "exclude": "exclude", "ohne": "exclude",
    "language": "language", "sprache": "language", "lang": "language",
}  # fmt: skip


class SettingError(InputError):
    """A setting value people can correct; `message` is a catalogue id, `params` fill it."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class SettingChange:
    """Column values to store (names as in `summaries.models.ChatSettings`)."""

    values: dict[str, Any] = field(default_factory=dict)


def parse_setting(arguments: str) -> SettingChange:
    """`length 5`, `digest 07:30`, `timezone Europe/Berlin`, `quiet 22-7`, `previews off`, ..."""
    words = arguments.split()
    if not words:
        raise SettingError(N_("Which setting? See /settings."))
    name = KEYWORDS.get(words[0].casefold())
    rest = words[1:]
    if name is None:
        raise SettingError(N_("Unknown setting {name}. See /settings."), name=words[0][:40])
    if name == "length":
        return SettingChange({"summary_sentences": parse_length(_one(rest, "length"))})
    if name == "mode":
        if not rest:
            raise SettingError(N_("Usage: /settings mode instant|digest [HH:MM]"))
        name, rest = KEYWORDS.get(rest[0].casefold(), rest[0]), rest[1:]
        if name not in ("instant", "digest"):
            raise SettingError(N_("Usage: /settings mode instant|digest [HH:MM]"))
    if name == "instant":
        _none(rest, "instant")
        return SettingChange({"mode": "instant"})
    if name == "digest":
        values: dict[str, Any] = {"mode": "digest"}
        if len(rest) > 1:
            raise SettingError(N_("Usage: /settings digest HH:MM"))
        if rest:
            values["digest_minute"] = parse_time(rest[0])
        return SettingChange(values)
    if name == "timezone":
        return SettingChange({"timezone": parse_timezone(_one(rest, "timezone"))})
    if name == "quiet":
        window = parse_quiet(" ".join(rest)) if rest else _usage("quiet")
        start, end = window if window else (None, None)
        return SettingChange({"quiet_start": start, "quiet_end": end})
    if name == "previews":
        return SettingChange({"link_previews": parse_switch(_one(rest, "previews"), "previews")})
    if name == "language":
        language = normalize_language(_one(rest, "language"))
        if language is None:
            _usage("language")
        return SettingChange({"language": language})
    if name in ("pause", "resume"):
        _none(rest, name)
        return SettingChange({"paused": name == "pause"})
    # include / exclude
    column = "include_words" if name == "include" else "exclude_words"
    if not rest:
        _usage(name)
    if len(rest) == 1 and rest[0].casefold() in _OFF:
        return SettingChange({column: ""})
    return SettingChange({column: "\n".join(parse_words(" ".join(rest)))})


_USAGE = {
    "length": N_("Usage: /settings length 1-10"),
    "timezone": N_("Usage: /settings timezone Europe/Berlin (an IANA time zone name)"),
    "quiet": N_("Usage: /settings quiet 22:00-07:00 or /settings quiet off"),
    "previews": N_("Usage: /settings previews on|off"),
    "pause": N_("Usage: /settings pause"),
    "language": N_("Usage: /settings language en|de"),
    "resume": N_("Usage: /settings resume"),
    "instant": N_("Usage: /settings mode instant|digest [HH:MM]"),
    "include": N_("Usage: /settings include word [word ...] or /settings include off"),
    "exclude": N_("Usage: /settings exclude word [word ...] or /settings exclude off"),
}


def _usage(name: str) -> Any:
    raise SettingError(_USAGE[name])


def _one(rest: list[str], name: str) -> str:
    if len(rest) != 1:
        _usage(name)
    return rest[0]


def _none(rest: list[str], name: str) -> None:
    if rest:
        _usage(name)


def parse_length(raw: str) -> int:
    """Summary length in sentences, 1-10."""
    if not raw.isdigit() or not MIN_SENTENCES <= int(raw) <= MAX_SENTENCES:
        raise SettingError(
            N_("The summary length must be a number from {low} to {high}."),
            low=MIN_SENTENCES,
            high=MAX_SENTENCES,
        )
    return int(raw)


def parse_time(raw: str) -> int:
    """`7`, `07:30`, `7.30`, `19h30` -> minutes after local midnight."""
    match = _TIME.fullmatch(raw.strip())
    hour = int(match.group(1)) if match else -1
    minute = int(match.group(2) or 0) if match else -1
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise SettingError(N_("{value} is not a time of day; write it like 07:30."), value=raw[:20])
    return hour * 60 + minute


def format_time(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def parse_quiet(raw: str) -> tuple[int, int] | None:
    """`22:00-07:00` -> (1320, 420); `off` -> None. The window may cross midnight."""
    text = raw.strip()
    if text.casefold() in _OFF:
        return None
    parts = re.split(r"\s*(?:-|–|—|bis|to)\s*", text)
    if len(parts) != 2 or not all(parts):
        raise SettingError(_USAGE["quiet"])
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if start == end:
        raise SettingError(N_("Quiet hours must start and end at different times."))
    return start, end


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def parse_timezone(raw: str) -> str:
    """An IANA zone name, matched without regard to case (`europe/berlin` works)."""
    name = _zones_by_folded_name().get(raw.strip().casefold())
    if name is None or name in ("localtime", "Factory"):
        raise SettingError(
            N_("{value} is not a time zone I know. Use an IANA name such as Europe/Berlin."),
            value=raw[:64],
        )
    return name


def parse_switch(raw: str, name: str) -> bool:
    folded = raw.casefold()
    if folded in _ON:
        return True
    if folded in _OFF:
        return False
    return bool(_usage(name))


def parse_words(raw: str) -> list[str]:
    """Plain filter words (no patterns), lower-cased and deduplicated, within the limits.

    Matching compares case-folded text, so `Fußball` also filters `FUSSBALL`.
    """
    words: dict[str, str] = {}
    for token in raw.split():
        token = token.strip(".,;:!?\"'()[]{}")
        if not token:
            continue
        if not _WORD.fullmatch(token):
            raise SettingError(
                N_("Filter words are plain words (letters, digits, - and '); {value} is not."),
                value=token[:40],
            )
        if len(token) > MAX_FILTER_WORD_LENGTH:
            raise SettingError(
                N_("A filter word can have at most {limit} characters."),
                limit=MAX_FILTER_WORD_LENGTH,
            )
        words.setdefault(token.casefold(), token.lower())
    if not words:
        raise SettingError(N_("Tell me at least one word."))
    if len(words) > MAX_FILTER_WORDS:
        raise SettingError(N_("At most {limit} filter words."), limit=MAX_FILTER_WORDS)
    return list(words.values())
