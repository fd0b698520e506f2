"""/start, /help, /lang, unknown commands and the last-resort error handler."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import keyboards
from bot.handlers.common import Request
from bot.i18n import LANGUAGE_NAMES, N_, normalize_language, translator
from summaries.store import Store

log = logging.getLogger(__name__)

POPULAR_TAGS = 6

HELP = N_(
    "<b>newsbot</b> sends short summaries of news stories that carry the tags you follow.\n\n"
    "/subscribe <i>tag</i> [<i>tag</i> …] – follow tags, "
    "e.g. <code>/subscribe USA Afghanistan</code>\n"
    "/unsubscribe <i>tag</i> [<i>tag</i> …] – stop following tags\n"
    "/list – the tags this chat follows, with buttons to unsubscribe\n"
    "/tags – browse the tags of recent articles\n"
    "/latest [<i>tag</i>] [<i>n</i>] – the latest summaries\n"
    "/search <i>words</i> – search the stored articles\n"
    "/settings – summary length, digest, time zone, quiet hours, previews, pause, filters\n"
    "/lang – interface language\n"
    "/stop – unsubscribe from everything\n"
    "/topic <i>tag</i> – in a forum group: send this tag's articles to the current topic\n"
    "/help – this message\n\n"
    "Tags ignore case and a leading #; put a tag with spaces in quotes "
    '(<code>/subscribe "Ilham Aliyev"</code>). You may follow a tag before any story carries it. '
    "In groups, only administrators change subscriptions and settings. "
    "To manage a channel, write to me privately: <code>/subscribe @channel tag</code>, "
    "<code>/unsubscribe @channel tag</code>, <code>/list @channel</code>, "
    "<code>/settings @channel …</code>."
)
ADMIN_HELP = N_(
    "\n\nFor operators: /stats – numbers; /sources [add URL | remove ID] – news sources; "
    "/ingest <i>URL</i> – fetch one feed or article now."
)


async def remember_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record every chat that speaks to the bot; talking again re-activates a blocked chat."""
    chat = update.effective_chat
    if chat is None:
        return
    user = update.effective_user
    store: Store = context.bot_data["store"]
    await asyncio.to_thread(
        store.upsert_chat,
        chat.id,
        chat_type=chat.type,
        title=chat.title or chat.username or (user.full_name if user else None),
        language=user.language_code if user and not user.is_bot else None,
    )


def _help_text(request: Request) -> str:
    text = request.t(HELP)
    if request.is_bot_admin() and request.is_private:
        text += request.t(ADMIN_HELP)
    return text


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user in their language and offer popular tags as buttons."""
    request = await Request.load(update, context)
    tags, _ = await request.db(request.store.tag_counts, limit=POPULAR_TAGS)
    text = request.t("Welcome!") + " " + _help_text(request)
    if tags:
        text += "\n\n" + request.t("Popular tags right now:")
    await request.reply(text, keyboard=keyboards.popular_tags(tags))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain every command."""
    request = await Request.load(update, context)
    await request.reply(_help_text(request))


async def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or set the interface language of this chat."""
    request = await Request.load(update, context)
    argument = request.arguments
    if not argument:
        await request.reply(request.t("Choose the language:"), keyboard=keyboards.languages())
        return
    language = normalize_language(argument) or _by_name(argument)
    if language is None or " " in argument.strip():
        await request.usage(
            "Usage: /lang {choices}", choices="|".join(code for code in LANGUAGE_NAMES)
        )
        return
    if not await request.require_admin():
        return
    await set_language(request, language)


def _by_name(name: str) -> str | None:
    folded = name.strip().casefold()
    for code, label in LANGUAGE_NAMES.items():
        if label.casefold() == folded:
            return code
    return {"english": "en", "englisch": "en", "german": "de", "deutsch": "de"}.get(folded)


async def set_language(request: Request, language: str) -> str:
    """Store the chat's language and confirm in it; returns the confirmation text."""
    await request.db(request.store.update_chat_config, request.chat_id, language=language)
    t = translator(language)
    text = t("I will speak English in this chat.")
    if request.update.callback_query is None:
        await request.reply(text)
    return text


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hint at /help for commands we do not know (not for commands meant for other bots)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split(maxsplit=1)[0]
    _, _, addressee = command.partition("@")
    if addressee and addressee.casefold() != (context.bot.username or "").casefold():
        return
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE and not addressee:
        return  # in groups, a bare unknown command is probably for another bot
    request = await Request.load(update, context)
    await request.reply(
        request.t(
            "I don't know the command {command}. /help lists what I can do.",
            command=f"<code>{escape(command[:40])}</code>",
        )
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user something went wrong, never a traceback."""
    log.error("Error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        request = await Request.load(update, context)
        text = request.t("Sorry, something went wrong on my side. Please try again in a moment.")
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message is not None:
            await request.reply(text)
    except Exception:  # the error may be Telegram or the database being unreachable
        log.warning("Could not tell the user about the error", exc_info=True)
