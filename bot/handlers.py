"""Thin Telegram command handlers: parse the arguments, call the store, answer."""

from __future__ import annotations

import asyncio
import logging
import re
from html import escape

from summaries.tagging import tag_key, validate_tag
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import texts
from summaries.errors import InputError
from summaries.store import Store, TagRef

log = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS_PER_CHAT = 200
MAX_TAGS_PER_COMMAND = 20
_ARGUMENT = re.compile(r'"([^"]*)"|“([^”]*)”|«([^»]*)»|([^\s,]+)')


def parse_tags(arguments: str) -> tuple[list[TagRef], list[str]]:
    """Split command text into tags; quoted tags may contain spaces.

    Returns the valid tags (deduplicated by key) and a message per invalid one.
    """
    tags: dict[str, TagRef] = {}
    problems: list[str] = []
    for match in _ARGUMENT.finditer(arguments):
        raw = next(group for group in match.groups() if group is not None)
        try:
            display = validate_tag(raw)
        except InputError as error:
            problems.append(str(error))
            continue
        tags.setdefault(tag_key(display), TagRef(display, tag_key(display)))
    return list(tags.values()), problems


def _store(context: ContextTypes.DEFAULT_TYPE) -> Store:
    store: Store = context.bot_data["store"]
    return store


def _arguments(update: Update) -> str:
    """The text after the command (and after @botname), as typed."""
    text = update.effective_message.text if update.effective_message else ""
    parts = (text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )


async def remember_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record every chat that speaks to the bot; talking again re-activates a blocked chat."""
    chat = update.effective_chat
    if chat is None:
        return
    user = update.effective_user
    await asyncio.to_thread(
        _store(context).upsert_chat,
        chat.id,
        chat_type=chat.type,
        title=chat.title or chat.username or (user.full_name if user else None),
        language=user.language_code if user else None,
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, texts.WELCOME)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, texts.HELP)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    tags, problems = parse_tags(_arguments(update))
    if not tags and not problems:
        await _reply(update, texts.SUBSCRIBE_USAGE)
        return
    lines = [escape(problem) for problem in problems]
    if len(tags) > MAX_TAGS_PER_COMMAND:
        lines.append(f"At most {MAX_TAGS_PER_COMMAND} tags at once; I took the first ones.")
        tags = tags[:MAX_TAGS_PER_COMMAND]
    if tags:
        store = _store(context)
        count = await asyncio.to_thread(store.subscription_count, chat.id)
        room = MAX_SUBSCRIPTIONS_PER_CHAT - count
        if room < len(tags):
            lines.append(
                f"A chat can follow at most {MAX_SUBSCRIPTIONS_PER_CHAT} tags; "
                "unsubscribe from some first."
            )
            tags = tags[: max(room, 0)]
        added = await asyncio.to_thread(store.subscribe, chat.id, tags)
        added_keys = {tag.key for tag in added}
        if added:
            lines.append("Subscribed to " + _tag_list([tag.display for tag in added]) + ".")
        already = [tag.display for tag in tags if tag.key not in added_keys]
        if already:
            lines.append("Already following " + _tag_list(already) + ".")
    await _reply(update, "\n".join(lines))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    tags, problems = parse_tags(_arguments(update))
    if not tags and not problems:
        await _reply(update, texts.UNSUBSCRIBE_USAGE)
        return
    lines = [escape(problem) for problem in problems]
    if tags:
        removed = await asyncio.to_thread(
            _store(context).unsubscribe, chat.id, [tag.key for tag in tags]
        )
        removed_keys = {tag_key(display) for display in removed}
        if removed:
            lines.append("Unsubscribed from " + _tag_list(removed) + ".")
        missing = [tag.display for tag in tags if tag.key not in removed_keys]
        if missing:
            lines.append("This chat was not following " + _tag_list(missing) + ".")
    await _reply(update, "\n".join(lines))


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    tags = await asyncio.to_thread(_store(context).subscriptions, chat.id)
    if not tags:
        await _reply(update, texts.NO_SUBSCRIPTIONS)
        return
    await _reply(
        update, f"This chat follows {len(tags)} tag(s):\n" + _tag_list([t.display for t in tags])
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _reply(update, texts.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user something went wrong, never a traceback."""
    log.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(texts.INTERNAL_ERROR)
        except Exception:  # the error may be Telegram itself being unreachable
            log.warning("Could not tell the user about the error", exc_info=True)


def _tag_list(tags: list[str]) -> str:
    return ", ".join(f"<b>{escape(tag)}</b>" for tag in tags)
