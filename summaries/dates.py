"""Find publication dates and read counters in the header lines of news reports.

News sites print dates in their own language ("29. April 2021", "April 29, 2021",
"29 апреля 2021 г.", "2021-04-29", "29.04.2021"). dateparser would cover more, but it is
slow to import and guesses too eagerly on body text; the formats below are the ones report
headers use, and anything else is left alone rather than misread.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["MetaLine", "parse_meta_line"]

# Month names and abbreviations (lower case, without a trailing dot) in the languages the
# bot summarises; Russian and Polish are listed in nominative and genitive.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "januar",
        "jänner",
        "janvier",
        "janv",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "januari",
        "janeiro",
        "ocak",
        "styczeń",
        "stycznia",
        "январь",
        "января",
        "янв",
    ),
    2: (
        "february",
        "feb",
        "februar",
        "feber",
        "février",
        "fevrier",
        "févr",
        "fevr",
        "fév",
        "febrero",
        "febbraio",
        "februari",
        "fevereiro",
        "fev",
        "şubat",
        "luty",
        "lutego",
        "февраль",
        "февраля",
        "фев",
        "февр",
    ),
    3: (
        "march",
        "mar",
        "märz",
        "maerz",
        "mars",
        "marzo",
        "maart",
        "março",
        "marco",
        "mart",
        "marzec",
        "marca",
        "март",
        "марта",
        "мар",
    ),
    4: (
        "april",
        "apr",
        "avril",
        "avr",
        "abril",
        "abr",
        "aprile",
        "nisan",
        "kwiecień",
        "kwietnia",
        "апрель",
        "апреля",
        "апр",
    ),
    5: ("may", "mai", "mayo", "maggio", "mag", "mei", "maio", "mayıs", "maj", "maja", "май", "мая"),
    6: (
        "june",
        "jun",
        "juni",
        "juin",
        "junio",
        "giugno",
        "giu",
        "junho",
        "haziran",
        "czerwiec",
        "czerwca",
        "июнь",
        "июня",
        "июн",
    ),
    7: (
        "july",
        "jul",
        "juli",
        "juillet",
        "juil",
        "julio",
        "luglio",
        "lug",
        "julho",
        "temmuz",
        "lipiec",
        "lipca",
        "июль",
        "июля",
        "июл",
    ),
    8: (
        "august",
        "aug",
        "août",
        "aout",
        "agosto",
        "ago",
        "augustus",
        "ağustos",
        "sierpień",
        "sierpnia",
        "август",
        "августа",
        "авг",
    ),
    9: (
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "settembre",
        "set",
        "setembro",
        "eylül",
        "wrzesień",
        "września",
        "сентябрь",
        "сентября",
        "сен",
        "сент",
    ),
    10: (
        "october",
        "oct",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "ottobre",
        "ott",
        "outubro",
        "out",
        "ekim",
        "październik",
        "października",
        "октябрь",
        "октября",
        "окт",
    ),
    11: (
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembro",
        "kasım",
        "listopad",
        "listopada",
        "ноябрь",
        "ноября",
        "ноя",
        "нояб",
    ),
    12: (
        "december",
        "dec",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
        "aralık",
        "grudzień",
        "grudnia",
        "декабрь",
        "декабря",
        "дек",
    ),
}
_MONTH_OF = {name: month for month, names in _MONTHS.items() for name in names}
_MONTH_RE = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))

_DAY = r"(?P<day>[0-3]?\d)(?:\.|st|nd|rd|th|er|º|°)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_MON = rf"(?P<month>{_MONTH_RE})\.?"
_DATE_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"\b{_YEAR}-(?P<mm>[01]?\d)-(?P<day>[0-3]?\d)(?:[T ][\d:.+\-Z]*)?",
        rf"\b{_DAY}\s*(?:de\s+)?{_MON},?\s*(?:de\s+)?{_YEAR}",
        rf"\b{_MON}\s+{_DAY},?\s+{_YEAR}",
        rf"\b(?P<day>[0-3]?\d)[./](?P<mm>[01]?\d)[./]{_YEAR}",
    )
)
# Counter labels: "Gelesen: 1012", "Read: 1,012", "Просмотров: 1 012", "Lu : 1012"...
_COUNTER_LABELS = (
    "gelesen",
    "aufrufe",
    "zugriffe",
    "read",
    "reads",
    "views",
    "viewed",
    "seen",
    "lu",
    "lus",
    "vues",
    "lectures",
    "leído",
    "leido",
    "lecturas",
    "visto",
    "visitas",
    "letto",
    "letture",
    "visualizzazioni",
    "visualizações",
    "gelezen",
    "bekeken",
    "okunma",
    "görüntülenme",
    "wyświetleń",
    "wyświetlenia",
    "odsłon",
    "прочитано",
    "просмотров",
    "просмотры",
    "просмотрено",
    "переглядів",
    "прочитали",
)
_LABEL_RE = "|".join(sorted(map(re.escape, _COUNTER_LABELS), key=len, reverse=True))
_NUMBER = r"(?P<num>\d{1,3}(?:[ .,'’]\d{3})+|\d+)(?P<unit>\s*(?:k|тыс\.?)(?!\w))?"
_COUNTER_PATTERNS = (
    re.compile(rf"(?<!\w)(?:{_LABEL_RE})\s*[:：]?\s*{_NUMBER}", re.IGNORECASE),
    re.compile(rf"(?<!\w){_NUMBER}\s*(?:{_LABEL_RE})(?!\w)", re.IGNORECASE),
)
_TIME = re.compile(r"\b[0-2]?\d[:.h][0-5]\d(?::[0-5]\d)?\s*(?:am|pm|uhr|h)?\b", re.IGNORECASE)
# Words that may stand next to a date or counter on a meta line without making it prose.
_FILLER = re.compile(
    r"\b(?:um|uhr|at|on|le|à|am|den|del?|of|в|г|года|год|updated|aktualisiert|mis à jour"
    r"|обновлено|published|veröffentlicht|publié|опубликовано|stand|mez|mesz|cet|cest|utc|gmt)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MetaLine:
    """What a header line says about the report: its date and read counter, if any."""

    published_at: dt.date | None
    read_count: int | None


def parse_meta_line(line: str) -> MetaLine | None:
    """Read a header line made of a date and/or read counter.

    Args:
        line: one normalised line.

    Returns:
        The date and counter found, or None when the line holds anything else (prose,
        a title that merely mentions a date, an invalid date).
    """
    if len(line) > 120:
        return None
    rest = line
    published_at = None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(rest)
        if match and (published_at := _to_date(match)) is not None:
            rest = rest[: match.start()] + " " + rest[match.end() :]
            break
    read_count = None
    for pattern in _COUNTER_PATTERNS:
        match = pattern.search(rest)
        if match:
            read_count = _to_count(match)
            rest = rest[: match.start()] + " " + rest[match.end() :]
            break
    if published_at is None and read_count is None:
        return None
    rest = _FILLER.sub(" ", _TIME.sub(" ", rest))
    if any(ch.isalnum() for ch in rest):
        return None
    return MetaLine(published_at, read_count)


def _to_date(match: re.Match[str]) -> dt.date | None:
    groups = match.groupdict()
    month = int(groups["mm"]) if groups.get("mm") else _MONTH_OF[groups["month"].lower()]
    try:
        return dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None


def _to_count(match: re.Match[str]) -> int:
    digits = re.sub(r"\D", "", match["num"])
    count = int(digits)
    if match["unit"]:
        count *= 1000
    return count
