"""Operator commands (users in ADMIN_IDS, private chat only): /stats, /sources, /ingest."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import Request
from bot.i18n import N_, Translator
from bot.render import pack
from summaries.errors import InputError
from summaries.ingest import Ingestor
from summaries.sources import ingest_url
from summaries.store import Stats
from summaries.tagging import validate_tag
from summaries.urls import canonical_url

_URL_PREFIXES = ("http://", "https://")


async def _operator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Request | None:
    request = await Request.load(update, context)
    if not request.is_bot_admin():
        await request.reply(request.t("This command is for the operators of this bot."))
        return None
    if not request.is_private:
        await request.reply(request.t("Please use this command in a private chat with me."))
        return None
    return request


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show chats, subscriptions, articles, deliveries by state, failing sources and the
    latest failed deliveries with their reasons."""
    request = await _operator(update, context)
    if request is None:
        return
    numbers = await request.db(request.store.stats)
    for text in pack(stats_lines(request.t, numbers), separator="\n"):
        await request.reply(text)


def stats_lines(t: Translator, numbers: Stats) -> list[str]:
    """The /stats answer as HTML lines (every stored text escaped)."""
    lines = [
        t("<b>Statistics</b>"),
        t(
            "Chats: {active} active, {inactive} inactive",
            active=numbers.chats_active,
            inactive=numbers.chats_inactive,
        ),
        t("Subscriptions: {n}", n=numbers.subscriptions),
        t("Articles: {n}", n=numbers.articles),
        t(
            "Deliveries: {states}",
            states=", ".join(
                f"{state} {count}" for state, count in sorted(numbers.deliveries.items())
            )
            or "–",
        ),
        t("Sources: {n}", n=numbers.sources),
    ]
    if numbers.failing_sources:
        lines.append(t("Sources with errors:"))
        lines += [
            f"• {escape(s.url)} ({s.error_count}): {escape((s.last_error or '')[:200])}"
            for s in numbers.failing_sources
        ]
    if numbers.failed_deliveries:
        lines.append(t("Latest failed deliveries:"))
        lines += [
            "• "
            + t(
                "chat {chat}: {title}: {reason}",
                chat=f.chat_id,
                title=escape(_shorten(f.title, 60)),
                reason=escape(_shorten(f.reason or "–", 200)),
            )
            for f in numbers.failed_deliveries
        ]
    return lines


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List sources, or add / remove one: /sources [add URL [tag ...] | remove ID]."""
    request = await _operator(update, context)
    if request is None:
        return
    t, store = request.t, request.store
    words = request.arguments.split()
    usage = N_("Usage: /sources, /sources add URL [tag ...], /sources remove ID")
    if not words:
        rows = await request.db(store.list_sources)
        if not rows:
            await request.reply(t("No sources yet. Add one with /sources add URL."))
            return
        lines = [
            f"{s.id}. {'✅' if s.active else '⛔'} {escape(s.url)} – "
            + t("{n} articles, {errors} errors", n=s.article_count, errors=s.error_count)
            for s in rows
        ]
        for text in pack(lines, separator="\n"):
            await request.reply(text)
        return
    action = words[0].casefold()
    if action in ("add", "hinzufügen") and len(words) >= 2:
        try:
            url = canonical_url(words[1])
            tags = list(dict.fromkeys(validate_tag(tag) for tag in words[2:]))
        except InputError as error:
            await request.reply(escape(str(error)) + "\n" + t(usage))
            return
        info, created = await request.db(store.add_source, url, tags=tags)
        text = t("Added source {id}: {url}") if created else t("Source {id} updated: {url}")
        await request.reply(text.format(id=info.id, url=escape(info.url)))
        return
    if action in ("remove", "entfernen") and len(words) == 2:
        found = await request.db(store.find_source, words[1])
        removed = found is not None and await request.db(store.remove_source, found.id)
        await request.reply(t("Source removed.") if removed else t("There is no such source."))
        return
    await request.usage(usage)


async def ingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch and store one feed or article page now: /ingest URL."""
    request = await _operator(update, context)
    if request is None:
        return
    t = request.t
    url = request.arguments
    if not url.startswith(_URL_PREFIXES) or " " in url:
        await request.usage("Usage: /ingest URL")
        return
    await request.reply(t("Fetching {url} …", url=escape(url)))
    ingestor = Ingestor(request.store, workers=1)  # no fork pool from the bot's threads
    outcomes = await asyncio.to_thread(lambda: list(ingest_url(ingestor, url)))
    new = sum(1 for o in outcomes if o.ok and o.created)
    known = sum(1 for o in outcomes if o.ok and not o.created)
    errors = [o.error for o in outcomes if o.error]
    text = t.plural(
        "{n} new article, {known} already known, {errors} errors.",
        "{n} new articles, {known} already known, {errors} errors.",
        new,
        known=known,
        errors=len(errors),
    )
    if errors:
        text += "\n" + escape(str(errors[0])[:500])
    await request.reply(text)
