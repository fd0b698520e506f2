"""/latest and /search: reading stored summaries on demand."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.common import Request, check_tag, split_arguments
from bot.i18n import N_
from bot.render import article_list

DEFAULT_LATEST = 5
MAX_LATEST = 10
SEARCH_RESULTS = 5
MAX_SEARCH_LENGTH = 200
LATEST_USAGE = N_("Usage: /latest [tag] [number 1-10], e.g. <code>/latest USA 3</code>")


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the latest summaries, optionally for one tag."""
    request = await Request.load(update, context)
    t = request.t
    words = split_arguments(request.arguments)
    count = DEFAULT_LATEST
    if words and words[-1].isdigit():
        count = int(words.pop())
        if not 1 <= count <= MAX_LATEST:
            await request.usage(LATEST_USAGE)
            return
    if len(words) > 1:
        await request.usage(LATEST_USAGE)
        return
    tag = None
    if words:
        tag, problem = check_tag(words[0], t)
        if tag is None:
            await request.reply(problem + "\n" + t(LATEST_USAGE))
            return
    articles = await request.db(
        request.store.latest_articles, limit=count, tag_key=tag.key if tag else None
    )
    if not articles:
        await request.reply(
            t("No articles with the tag {tag} yet.", tag=f"<b>{escape(tag.display)}</b>")
            if tag
            else t("No articles yet.")
        )
        return
    heading = (
        t("<b>Latest on {tag}</b>", tag=escape(tag.display)) if tag else t("<b>Latest news</b>")
    )
    articles = await request.with_length(articles)
    for text in article_list(t, heading, articles, request.config.summary_sentences):
        await request.reply(text)


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Full-text search over stored articles, best matches first."""
    request = await Request.load(update, context)
    t = request.t
    query = request.arguments
    if not query or len(query) > MAX_SEARCH_LENGTH or not any(c.isalnum() for c in query):
        await request.usage(
            "Usage: /search words (up to {limit} characters), "
            "e.g. <code>/search Blinken Baku</code>",
            limit=MAX_SEARCH_LENGTH,
        )
        return
    articles = await request.db(request.store.search_articles, query, limit=SEARCH_RESULTS)
    if not articles:
        await request.reply(t("Nothing found for {query}.", query=f"<i>{escape(query)}</i>"))
        return
    heading = t("<b>Best matches for</b> {query}", query=f"<i>{escape(query)}</i>")
    articles = await request.with_length(articles)
    for text in article_list(t, heading, articles, request.config.summary_sentences):
        await request.reply(text)
