"""Parse news reports in the seed format (see ../shared/examples).

The format, as news sites export it::

    Title
    <blank>
    29 April 2021    Gelesen: 1012      (date line; the counter and the line itself optional)
    Title                               (the title again; dropped)
    <blank>
    Body paragraph ...                  (paragraphs separated by blank lines)
    <blank>
    Tags: a, b                          (optional; values may also follow on the next lines)
    Newsticker                          (site boilerplate; dropped)

A ``URL: https://...`` or ``Source: https://...`` line may appear anywhere outside the body.
The parser is tolerant: every part but the title and some body text may be missing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from summaries.dates import parse_meta_line
from summaries.errors import InputError
from summaries.text import normalize_text

__all__ = ["ParsedReport", "parse_report"]

_MAX_TITLE = 300
_HEADER_LINES = 6
_MAX_TRAILER_LINES = 12
_URL_LINE = re.compile(
    r"(?:url|source|link|quelle|lien|источник|ссылка|fuente|fonte|bron)\s*[:：]\s*"
    r"(?P<url>https?://\S+)",
    re.IGNORECASE,
)
_BARE_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_TAGS_LINE = re.compile(
    r"(?:tags?|schlagw(?:orte|örter)|stichw(?:orte|örter)|themen|keywords|topics|mots[- ]clés"
    r"|étiquettes|etiquetas|temas|теги|метки|ключевые слова|темы)\s*[:：]\s*(?P<values>.*)",
    re.IGNORECASE,
)
_TAG_SEPARATORS = re.compile(r"\s*[,;|·•]\s*")
# Site furniture seen after the article text of exported reports.
_BOILERPLATE = frozenset(
    s.casefold()
    for s in (
        "Newsticker",
        "Newsletter",
        "Nachrichten",
        "News",
        "Teilen",
        "Share",
        "Drucken",
        "Print",
        "Kommentare",
        "Comments",
        "Mehr zum Thema",
        "Read more",
        "Lesen Sie auch",
        "Related",
        "Related articles",
        "Advertisement",
        "Anzeige",
        "Werbung",
        "Partager",
        "Lire aussi",
        "À lire aussi",
        "Publicité",
        "Новости",
        "Лента новостей",
        "Поделиться",
        "Читайте также",
        "Реклама",
        "Top",
        "Nach oben",
        "Back to top",
        "Zurück",
    )
)
_BULLET = re.compile(r"^(?:[-•*–—·]\s|\d{1,2}[.)]\s)")


@dataclass(frozen=True)
class ParsedReport:
    """One news report as read from a seed-format file."""

    title: str
    body: str
    published_at: dt.date | None
    read_count: int | None
    tags: tuple[str, ...]
    url: str | None = None


def parse_report(text: str) -> ParsedReport:
    """Split a seed-format report into title, metadata, body and given tags.

    Args:
        text: the decoded report (see ``summaries.text.decode_bytes``); it is normalised
            here, so raw CRLF text with no-break spaces is fine.

    Returns:
        The parsed report; ``body`` holds the paragraphs joined by blank lines, without the
        title, the date line, the ``Tags:`` section or trailing site boilerplate.

    Raises:
        InputError: the report has no title or no article text.
    """
    lines = normalize_text(text).split("\n")
    url = None
    kept: list[str] = []
    for line in lines:
        match = _URL_LINE.fullmatch(line)
        if match:
            url = url or match["url"]
        else:
            kept.append(line)
    lines = kept

    start = _next_content(lines, 0)
    if start is None:
        raise InputError("The report is empty: it has no title and no article text.")
    published_at = None
    read_count = None
    # A date line before the title happens in some exports; take it, then the title.
    while start is not None and (meta := parse_meta_line(lines[start])) is not None:
        published_at = published_at or meta.published_at
        read_count = read_count if read_count is not None else meta.read_count
        start = _next_content(lines, start + 1)
    if start is None:
        raise InputError("The report has no title and no article text.")
    title = lines[start]
    pos = start + 1
    if len(title) > _MAX_TITLE:
        # No title line: the file starts with the article itself.
        title, pos = _title_from_sentence(title), start

    pos, meta_date, meta_count, url_in_header = _skip_header(lines, pos, title)
    published_at = published_at or meta_date
    read_count = read_count if read_count is not None else meta_count
    url = url or url_in_header

    body_lines, tags = _split_tags(lines[pos:])
    body = _paragraphs(body_lines, title)
    if not body:
        raise InputError(f"The report {title[:80]!r} has no article text.")
    return ParsedReport(
        title=title,
        body=body,
        published_at=published_at,
        read_count=read_count,
        tags=tags,
        url=url,
    )


def _next_content(lines: list[str], pos: int) -> int | None:
    for i in range(pos, len(lines)):
        if lines[i]:
            return i
    return None


def _title_from_sentence(line: str) -> str:
    match = re.match(r"(.{20,200}?[.!?])\s", line)
    if match:
        return match[1]
    return line[:200].rsplit(" ", 1)[0] + "…"


def _skip_header(
    lines: list[str], pos: int, title: str
) -> tuple[int, dt.date | None, int | None, str | None]:
    """Consume date lines, counters, bare URLs and repeats of the title after the title."""
    published_at = None
    read_count = None
    url = None
    seen = 0
    title_key = title.casefold()
    while seen < _HEADER_LINES:
        nxt = _next_content(lines, pos)
        if nxt is None:
            break
        line = lines[nxt]
        meta = parse_meta_line(line)
        if meta is not None:
            published_at = published_at or meta.published_at
            read_count = read_count if read_count is not None else meta.read_count
        elif line.casefold() == title_key:
            pass
        elif _BARE_URL.fullmatch(line):
            url = url or line
        else:
            break
        pos = nxt + 1
        seen += 1
    return pos, published_at, read_count, url


def _split_tags(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Cut the body at the last ``Tags:`` line and read the tag values after it."""
    tag_at = None
    for i in range(len(lines) - 1, -1, -1):
        after = [line for line in lines[i + 1 :] if line]
        if len(after) > _MAX_TRAILER_LINES or any(len(line) > 200 for line in after):
            break  # deep inside the body: a "Themen: ..." sentence there is prose
        match = _TAGS_LINE.fullmatch(lines[i])
        if match and len(match["values"]) <= 500:
            tag_at = i
            break
    if tag_at is None:
        return _drop_trailing_boilerplate(lines), ()
    values = [_TAGS_LINE.fullmatch(lines[tag_at])["values"]]  # type: ignore[index]
    if not values[0].strip():
        values = _tag_value_lines(lines[tag_at + 1 :])
    tags: list[str] = []
    seen: set[str] = set()
    for chunk in values:
        for raw in _TAG_SEPARATORS.split(chunk):
            tag = raw.strip().strip("\"'«»„“”")
            if tag and tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return _drop_trailing_boilerplate(lines[:tag_at]), tuple(tags)


def _tag_value_lines(lines: list[str]) -> list[str]:
    """Take the lines after an empty ``Tags:`` up to the first blank line after values or
    the first boilerplate line, whichever comes first."""
    values: list[str] = []
    for line in lines:
        if not line:
            if values:
                break
            continue
        if line.casefold() in _BOILERPLATE or len(line) > 200:
            break
        values.append(line)
    return values


def _drop_trailing_boilerplate(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and (not lines[end - 1] or lines[end - 1].casefold() in _BOILERPLATE):
        end -= 1
    return lines[:end]


def _paragraphs(lines: list[str], title: str) -> str:
    """Join lines into paragraphs (blank-line separated), unwrapping hard-wrapped lines."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            if current and _BULLET.match(line):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    title_key = title.casefold()
    return "\n\n".join(p for p in paragraphs if p.casefold() != title_key)
