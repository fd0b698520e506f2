"""Operator commands (users in ADMIN_IDS, private chat only): /stats, /sources, /ingest."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import Request
from bot.i18n import N_
from bot.render import pack
from summaries.errors import InputError

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
    """Show chats, subscriptions, articles, deliveries by state and failing sources."""
    request = await _operator(update, context)
    if request is None:
        return
    t = request.t
    numbers = await request.db(request.store.stats)
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
    for text in pack(lines, separator="\n"):
        await request.reply(text)


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
    if action in ("add", "hinzufügen") and len(words) >= 2 and words[1].startswith(_URL_PREFIXES):
        info, created = await request.db(store.add_source, words[1], tags=tuple(words[2:]))
        await request.reply(
            (t("Added source {id}: {url}") if created else t("Source {id} updated: {url}")).format(
                id=info.id, url=escape(info.url)
            )
        )
        return
    if action in ("remove", "entfernen") and len(words) == 2 and words[1].isdigit():
        removed = await request.db(store.remove_source, int(words[1]))
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
    try:
        from summaries.ingest import Ingestor

        ingest_url = getattr(Ingestor(request.store), "ingest_url", None)
        if ingest_url is None:
            await request.reply(t("Ingesting URLs is not available in this version."))
            return
        outcome = await asyncio.to_thread(ingest_url, url)
    except InputError as error:
        await request.reply(
            t("Could not ingest {url}: {error}", url=escape(url), error=escape(str(error)))
        )
        return
    await request.reply(t("Done: {outcome}", outcome=escape(str(outcome))[:1000]))
