"""Parse fetched feed bytes: RSS 0.9x/1.0/2.0 and Atom via feedparser, JSON Feed via json.

feedparser only ever gets bytes in a file object, never a URL or a string it could take for
a path. The result is plain entries with text (HTML reduced to paragraphs), canonical
links, sane dates and the feed's own tags. One broken entry becomes a `problems` line and
never costs the rest of the feed; a document that is no feed at all is a `FeedError`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from summaries.errors import InputError
from summaries.text import normalize_text
from summaries.urls import canonical_url

__all__ = ["FeedEntry", "FeedError", "ParsedFeed", "html_to_text", "looks_like_html", "parse_feed"]

MAX_ENTRIES = 500
# Publishers' clocks and time zones drift; beyond this a date is called wrong.
FUTURE_TOLERANCE = dt.timedelta(hours=2)
_JSONFEED = re.compile(rb"^\s*\{")
_HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "section", "article", "tr", "table", "pre", "figure", "header", "footer",
)  # fmt: skip
_TITLE_CHARS = 140


class FeedError(InputError):
    """The document is not a usable feed."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as text."""

    title: str
    link: str | None
    guid: str | None
    teaser: str | None
    content: str | None
    published_at: dt.datetime | None
    author: str | None
    tags: tuple[str, ...] = ()

    @property
    def body(self) -> str:
        """The best text the feed itself carries."""
        return self.content or self.teaser or ""


@dataclass(frozen=True)
class ParsedFeed:
    kind: str
    title: str | None
    link: str | None
    ttl_minutes: int | None
    entries: list[FeedEntry]
    problems: list[str] = field(default_factory=list)


def looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    return bool(_HTML_START.search(head)) and not _FEED_START.search(head)


def parse_feed(
    data: bytes, *, url: str = "", content_type: str = "", now: dt.datetime | None = None
) -> ParsedFeed:
    """Parse feed bytes fetched from `url`.

    Raises:
        FeedError: empty or binary data, an HTML page, JSON that is no JSON Feed, or XML
            from which no feed and no entry could be read.
    """
    now = now or dt.datetime.now(dt.UTC)
    if not data.strip():
        raise FeedError("empty response: no feed")
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FeedError("binary data, not a feed")
    if _JSONFEED.match(data) or "json" in content_type:
        return _parse_json_feed(data, url, now)
    if looks_like_html(data):
        raise FeedError("an HTML page, not a feed")
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": content_type or "application/xml"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    problems: list[str] = []
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise FeedError(f"not a feed ({_describe(reason) if reason else 'no RSS/Atom root'})")
    if parsed.bozo and not _is_charset_note(parsed.bozo_exception):
        problems.append(
            f"malformed feed ({_describe(parsed.bozo_exception)}); "
            f"{len(parsed.entries)} entries recovered"
        )
    feed = parsed.feed
    entries: list[FeedEntry] = []
    for index, raw in enumerate(parsed.entries[:MAX_ENTRIES]):
        try:
            entries.append(_xml_entry(raw, url, now))
        except (InputError, ValueError, TypeError, AttributeError) as error:
            problems.append(f"entry {index + 1}: {error}")
    if parsed.bozo and not entries and not _is_charset_note(parsed.bozo_exception):
        raise FeedError(f"not a feed: broken XML ({_describe(parsed.bozo_exception)})")
    if len(parsed.entries) > MAX_ENTRIES:
        problems.append(f"only the first {MAX_ENTRIES} of {len(parsed.entries)} entries read")
    return ParsedFeed(
        kind=parsed.version or "unknown",
        title=_clean_line(feed.get("title")),
        link=feed.get("link"),
        ttl_minutes=_ttl(feed),
        entries=entries,
        problems=problems,
    )


def _is_charset_note(error: BaseException | None) -> bool:
    """feedparser flags a wrong declared charset it worked around; that is no defect for us."""
    return isinstance(error, feedparser.CharacterEncodingOverride)


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 200 else text[:200] + "..."


def _xml_entry(raw: Any, base: str, now: dt.datetime) -> FeedEntry:
    content = None
    for part in raw.get("content") or ():
        value = part.get("value") or ""
        text = html_to_text(value) if "html" in (part.get("type") or "html") else value
        if text and (content is None or len(text) > len(content)):
            content = normalize_text(text).strip()
    teaser = raw.get("summary")
    teaser = normalize_text(html_to_text(teaser)).strip() if teaser else None
    if content and teaser and _same_text(content, teaser):
        teaser = None if len(content) > len(teaser) else teaser
        content = content if teaser is None else None
    tags = tuple(
        t
        for t in (_clean_line(tag.get("term") or tag.get("label")) for tag in raw.get("tags") or ())
        if t
    )
    return _entry(
        title=raw.get("title"),
        link=raw.get("link"),
        guid=raw.get("id"),
        teaser=teaser,
        content=content,
        published=_struct_time(
            dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed"), now
        ),
        author=raw.get("author"),
        tags=tags,
        base=base,
    )


def _parse_json_feed(data: bytes, url: str, now: dt.datetime) -> ParsedFeed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"invalid JSON ({_describe(error)})") from None
    if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version", "")):
        raise FeedError("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items list")
    entries, problems = [], []
    for index, item in enumerate(items[:MAX_ENTRIES]):
        try:
            if not isinstance(item, dict):
                raise ValueError("not an object")
            html = item.get("content_html")
            content = item.get("content_text") or (html_to_text(html) if html else None)
            authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
            author = next((a.get("name") for a in authors if isinstance(a, dict)), None)
            entries.append(
                _entry(
                    title=item.get("title"),
                    link=item.get("url") or item.get("external_url"),
                    guid=str(item["id"]) if item.get("id") is not None else None,
                    teaser=_text_or_none(item.get("summary")),
                    content=normalize_text(content).strip() if content else None,
                    published=_iso_date(
                        item.get("date_published") or item.get("date_modified"), now
                    ),
                    author=author,
                    tags=tuple(t for t in map(_clean_line, item.get("tags") or ()) if t),
                    base=url,
                )
            )
        except (InputError, ValueError, TypeError, AttributeError, KeyError) as error:
            problems.append(f"entry {index + 1}: {error}")
    return ParsedFeed(
        kind="json" + str(document.get("version", "")).rsplit("/", 1)[-1],
        title=_clean_line(document.get("title")),
        link=document.get("home_page_url"),
        ttl_minutes=None,
        entries=entries,
        problems=problems,
    )


def _entry(
    *,
    title: Any,
    link: Any,
    guid: Any,
    teaser: str | None,
    content: str | None,
    published: dt.datetime | None,
    author: Any,
    tags: tuple[str, ...],
    base: str,
) -> FeedEntry:
    href = None
    if isinstance(link, str) and link.strip():
        try:
            href = canonical_url(urljoin(base, link.strip()))
        except InputError:
            href = None
    clean_title = _clean_line(html_to_text(title) if isinstance(title, str) else None)
    text = content or teaser or ""
    if not clean_title:
        if not text:
            raise ValueError("no title and no text")
        clean_title = _first_words(text)
    if not text and not href:
        raise ValueError(f"{clean_title[:60]!r} has neither text nor a link")
    guid_text = str(guid).strip()[:2000] if guid else None
    return FeedEntry(
        title=clean_title[:500],
        link=href,
        guid=guid_text or href,
        teaser=teaser or None,
        content=content or None,
        published_at=published,
        author=_clean_line(author if isinstance(author, str) else None),
        tags=tags,
    )


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one paragraph per block element."""
    if "<" not in markup and "&" not in markup:
        return markup
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", markup)
    for bad in root.xpath(".//script|.//style|.//noscript|.//iframe"):
        bad.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def _same_text(a: str, b: str) -> bool:
    short, long = sorted((" ".join(a.split()), " ".join(b.split())), key=len)
    return long.startswith(short[: max(40, len(short) - 20)])


def _first_words(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= _TITLE_CHARS:
        return line
    return line[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _clean_line(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    line = " ".join(normalize_text(value).split())
    return line or None


def _text_or_none(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return normalize_text(html_to_text(value)).strip()


def _struct_time(value: time.struct_time | None, now: dt.datetime) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return _plausible(moment, now)


def _iso_date(value: Any, now: dt.datetime) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return _plausible(moment.astimezone(dt.UTC), now)


def _plausible(moment: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """Dates in the future or before the web are publisher errors: treat as unknown."""
    if moment > now + FUTURE_TOLERANCE or moment.year < 1995:
        return None
    return moment


def _ttl(feed: Any) -> int | None:
    """The feed's own polling hint in minutes: RSS <ttl> or sy:updatePeriod/Frequency."""
    ttl = feed.get("ttl")
    if isinstance(ttl, str) and ttl.strip().isdigit():
        return int(ttl.strip())
    period = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
    minutes = period.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if minutes:
        frequency = str(feed.get("sy_updatefrequency", "1")).strip()
        return max(1, minutes // (int(frequency) if frequency.isdigit() and int(frequency) else 1))
    return None
