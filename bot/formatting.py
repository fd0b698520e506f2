"""Render stored articles as Telegram messages (HTML parse mode, within Telegram's limits)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

MAX_MESSAGE_LENGTH = 4096
ELLIPSIS = "…"
_NON_HASHTAG = re.compile(r"[^\w]+", re.UNICODE)
MAX_OTHER_SOURCES = 5
_MAX_SOURCE_URL = 500  # longer links would crowd out the summary


def telegram_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def hashtag(tag: str) -> str:
    """`Ilham Aliyev` -> `#Ilham_Aliyev`: a tappable hashtag keeps only letters, digits and _."""
    return "#" + (_NON_HASHTAG.sub("_", tag).strip("_") or "tag")


def article_html(
    title: str,
    summary: Sequence[str],
    tags: Sequence[str],
    url: str | None,
    *,
    link_label: str = "Read the article",
    limit: int = MAX_MESSAGE_LENGTH,
    also: Sequence[str] = (),
    also_label: str = "Also on",
) -> str:
    """Bold title, summary, hashtags, source link and the story's other sources (`also`,
    their URLs: "Also on: host, host"), escaped, never over `limit`.

    The length is checked on the HTML itself, a stricter bound than Telegram's
    (which counts only the visible text), so the result is always accepted.
    """
    footer_parts = []
    if tags:
        footer_parts.append(escape(" ".join(hashtag(tag) for tag in tags)))
    if url:
        footer_parts.append(f'<a href="{escape(url, quote=True)}">{escape(link_label)}</a>')
    footer = "\n\n" + "\n".join(footer_parts) if footer_parts else ""
    if telegram_length(footer) > limit // 2:
        footer = ""
    links = [
        f'<a href="{escape(link, quote=True)}">{escape(host)}</a>'
        for host, link in other_sources(also, url)
    ]
    if links:
        line = f"{escape(also_label)}: {', '.join(links)}"
        extra = ("\n" if footer else "\n\n") + line
        if telegram_length(footer + extra) <= limit // 2:
            footer += extra
    head = f"<b>{escape(_shorten(title, 300))}</b>"
    budget = max(limit - telegram_length(head) - telegram_length(footer) - 2, 0)
    raw = " ".join(sentence.strip() for sentence in summary if sentence.strip())
    body = escape(raw)
    while raw and telegram_length(body) > budget:
        # Escaping lengthens text (& -> &amp;), so shorten the raw text and escape again.
        ratio = budget / telegram_length(body)
        raw = _shorten(raw, max(int(telegram_length(raw) * ratio) - 1, 0))
        body = escape(raw)
    parts = [head] + ([body] if body else [])
    return "\n\n".join(parts) + footer


def article_plain(
    title: str,
    summary: Sequence[str],
    tags: Sequence[str],
    url: str | None,
    *,
    also: Sequence[str] = (),
    also_label: str = "Also on",
) -> str:
    """The same message without markup, for when Telegram rejects the HTML."""
    lines = [title.strip(), "", " ".join(s.strip() for s in summary if s.strip())]
    if tags:
        lines += ["", " ".join(hashtag(tag) for tag in tags)]
    if url:
        lines += ["", url]
    hosts = [host for host, _ in other_sources(also, url)]
    if hosts:
        lines += ["", f"{also_label}: {', '.join(hosts)}"]
    return _shorten("\n".join(lines).strip(), MAX_MESSAGE_LENGTH)


def other_sources(urls: Sequence[str], own: str | None) -> list[tuple[str, str]]:
    """(host, URL) of a story's other versions worth listing: web links only (never local
    file names), one per host, not the article's own host, at most `MAX_OTHER_SOURCES`."""
    seen = {_host(own)} if own else set()
    found: list[tuple[str, str]] = []
    for link in urls:
        host = _host(link)
        if not host or host in seen or len(link) > _MAX_SOURCE_URL:
            continue
        seen.add(host)
        found.append((host, link))
        if len(found) >= MAX_OTHER_SOURCES:
            break
    return found


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname
    return host[4:] if host.startswith("www.") else host


def _shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, counting UTF-16 units like Telegram."""
    if telegram_length(text) <= limit:
        return text
    if limit <= 1:
        return ""
    units = 0
    end = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit - 1:
            break
        end = index + 1
    cut = text[:end]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
