"""Article pages: the main text and metadata of a fetched HTML page, via trafilatura (offline).

Used when a feed entry carries only a teaser, or when a page URL is ingested directly. The
publisher's description (meta/og description) is kept apart from the body as the teaser.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

import trafilatura

from summaries.errors import InputError
from summaries.feeds import looks_like_html
from summaries.text import normalize_text

__all__ = ["PageArticle", "extract_page"]

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 80
_LANG = re.compile(r"<html[^>]*\slang=[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)


@dataclass(frozen=True)
class PageArticle:
    title: str | None
    text: str
    teaser: str | None
    author: str | None
    published_at: dt.datetime | None
    language: str | None
    url: str | None
    tags: tuple[str, ...] = ()


def extract_page(html: bytes | str, *, url: str | None = None) -> PageArticle:
    """Extract the article from an HTML page.

    Raises:
        InputError: the page is not HTML or has no article text trafilatura can find.
    """
    if isinstance(html, bytes):
        if b"\x00" in html[:65536]:
            raise InputError("binary data, not an HTML page")
        if not looks_like_html(html) and b"<" not in html[:2048]:
            raise InputError("not an HTML page")
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
        )
    except (ValueError, TypeError, AttributeError) as error:  # trafilatura on odd markup
        raise InputError(f"cannot extract the article: {error}") from None
    if document is None:
        raise InputError("no article text found on the page")
    data = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    title = _line(data.get("title"))
    lines = [line.strip() for line in normalize_text(data.get("text") or "").split("\n")]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the headline repeated as the first line of the text
    text = "\n\n".join(line for line in lines if line)
    if len(text) < MIN_TEXT_CHARS:
        raise InputError("no article text found on the page (too little text)")
    teaser = normalize_text(data.get("description") or "").strip() or None
    if teaser and text.startswith(teaser[: max(20, len(teaser) - 5)]):
        teaser = None  # the description is just the lead: do not store it twice
    tags = tuple(t for field in ("categories", "tags") for t in _list(data.get(field)))
    return PageArticle(
        title=title,
        text=text,
        teaser=teaser,
        author=_line(data.get("author")),
        published_at=_date(data.get("date")),
        language=_line(data.get("language")) or _html_lang(html),
        url=_line(data.get("url")),
        tags=tags,
    )


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        items: list[object] = [value]
    else:
        items = list(value) if isinstance(value, list | tuple) else []
    parts = [part for item in items if isinstance(item, str) for part in item.split(",")]
    return [line for part in parts if (line := _line(part))]


def _html_lang(html: bytes | str) -> str | None:
    head = html[:4096].decode("ascii", "ignore") if isinstance(html, bytes) else html[:4096]
    match = _LANG.search(head)
    return match.group(1).lower() if match else None


def _line(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(normalize_text(value).split()) or None


def _date(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        return None
    return moment
