"""Inline button presses: decode the callback data, check rights, act, answer the query.

Stale or forged data (unknown action, a tag the chat no longer follows, a tag id that
does not exist) is answered with a short notice and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import callbacks, keyboards
from bot.callbacks import Callback, key_digest
from bot.chat_settings import MAX_SENTENCES, MIN_SENTENCES
from bot.handlers.basic import set_language
from bot.handlers.common import REFUSAL, Request, safe_edit, tag_list
from bot.handlers.settings import save_settings
from bot.handlers.subscriptions import list_text, subscribe_tags, tags_page
from bot.i18n import N_, translator
from bot.render import settings_text
from summaries.store import TagRef

log = logging.getLogger(__name__)

STALE = N_("This button is no longer valid.")
# Actions that change the chat; in groups only administrators may press them.
_CHANGES = {
    callbacks.UNSUBSCRIBE_FROM_LIST,
    callbacks.UNSUBSCRIBE_FROM_ARTICLE,
    callbacks.TAG_TOGGLE,
    callbacks.TAG_SUBSCRIBE,
    callbacks.STOP,
    callbacks.LANGUAGE,
    callbacks.SETTING,
}


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle any inline button of ours."""
    query = update.callback_query
    if query is None:
        return
    request = await Request.load(update, context)
    data = callbacks.decode(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if data is None or update.effective_chat is None:
        await _answer(update, request.t(STALE), alert=True)
        return
    if data.action in _CHANGES and not await request.is_admin(query.from_user):
        await _answer(update, request.t(REFUSAL), alert=True)
        return
    notice = await _dispatch(request, data, message)
    await _answer(update, notice)


async def _answer(update: Update, text: str | None, *, alert: bool = False) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.answer(text[:200] if text else None, show_alert=alert)
    except BadRequest as error:  # the query expired (e.g. pressed while the bot restarted)
        log.info("Could not answer callback query: %s", error.message)


async def _dispatch(request: Request, data: Callback, message: Message | None) -> str | None:
    t, store, chat_id = request.t, request.store, request.chat_id
    action = data.action
    notice: str | None
    if action in (callbacks.UNSUBSCRIBE_FROM_LIST, callbacks.UNSUBSCRIBE_FROM_ARTICLE):
        tag = await _followed_tag(request, data.args[0])
        if tag is None:
            notice = t("This chat is not following that tag any more.")
        else:
            await request.db(store.unsubscribe, chat_id, [tag.key])
            notice = t("Unsubscribed from {tag}.", tag=tag.display)
        if action == callbacks.UNSUBSCRIBE_FROM_LIST:
            await safe_edit(message, *await list_text(request))
        else:
            await _drop_callback_buttons(message)
        return notice
    if action == callbacks.TAGS_PAGE:
        await safe_edit(message, *await tags_page(request, data.int_arg(0)))
        return None
    if action in (callbacks.TAG_TOGGLE, callbacks.TAG_SUBSCRIBE):
        found = await request.db(store.tag_by_id, data.int_arg(0))
        if found is None:
            return t(STALE)
        tag = TagRef(found.display, found.key)
        followed = await request.db(store.subscribed_keys, chat_id, [tag.key])
        if action == callbacks.TAG_TOGGLE and followed:
            await request.db(store.unsubscribe, chat_id, [tag.key])
            notice = t("Unsubscribed from {tag}.", tag=tag.display)
        else:
            lines = await subscribe_tags(request, [tag])
            notice = _plain(lines[0]) if lines else None
        if action == callbacks.TAG_TOGGLE:
            await safe_edit(message, *await tags_page(request, data.int_arg(1)))
        return notice
    if action == callbacks.STOP:
        if data.args[0] == "n":
            await safe_edit(message, t("Nothing changed."))
            return None
        removed = await request.db(store.unsubscribe_all, chat_id)
        await safe_edit(
            message,
            t.plural(
                "Unsubscribed from {n} tag. /subscribe or /tags to start again.",
                "Unsubscribed from all {n} tags. /subscribe or /tags to start again.",
                removed,
            ),
        )
        return None
    if action == callbacks.LANGUAGE:
        text = await set_language(request, data.args[0])
        await safe_edit(message, text)
        return None
    if action == callbacks.SETTING:
        return await _setting(request, data.args[0], message)
    return t(STALE)


async def _drop_callback_buttons(message: Message | None) -> None:
    """Under a pushed article, keep only the link button once the tag is unsubscribed."""
    if message is None or message.reply_markup is None:
        return
    rows = [
        [button for button in row if button.url] for row in message.reply_markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows) if rows else None)
    except BadRequest as error:
        log.info("Could not update the buttons of %s: %s", message.message_id, error.message)


async def _followed_tag(request: Request, digest: str) -> TagRef | None:
    for tag in await request.db(request.store.subscriptions, request.chat_id):
        if key_digest(tag.key) == digest:
            return tag
    return None


async def _setting(request: Request, name: str, message: Message | None) -> str | None:
    config = request.config
    changes: dict[str, Any]
    if name in ("len-", "len+"):
        step = -1 if name == "len-" else 1
        length = min(max(config.summary_sentences + step, MIN_SENTENCES), MAX_SENTENCES)
        changes = {"summary_sentences": length}
    elif name == "mode":
        changes = {"mode": "instant" if config.digest else "digest"}
    elif name == "preview":
        changes = {"link_previews": not config.link_previews}
    elif name == "pause":
        changes = {"paused": not config.paused}
    elif name == "len":
        return request.t("Use − and + to change the summary length.")
    else:
        return request.t(STALE)
    config = await save_settings(request, changes)
    t = translator(request.t.language)
    await safe_edit(message, settings_text(t, config), keyboards.settings_menu(t, config))
    return t("Saved.")


def _plain(html_line: str) -> str:
    """Callback answers are plain text: drop the <b> tags our lines carry."""
    return html_line.replace("<b>", "").replace("</b>", "").replace("&amp;", "&")


__all__ = ["button", "tag_list"]
