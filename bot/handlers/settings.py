"""/settings: show the chat's settings with toggles, or change one typed setting."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards
from bot.chat_settings import SettingError, parse_setting
from bot.handlers.common import MAX_ARGUMENT_LENGTH, Request
from bot.render import settings_text
from summaries.models import utcnow
from summaries.store import ChatConfig


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings, or change the one named in the arguments."""
    request = await Request.load(update, context)
    t = request.t
    if not await request.take_channel():
        return
    if request.target is not None:  # a channel managed from this private chat
        request.config = await request.db(request.store.chat_config, request.target)
    if not request.arguments:
        keyboard = keyboards.settings_menu(t, request.config) if request.target is None else None
        await request.reply(settings_text(t, request.config), keyboard=keyboard)
        return
    if len(request.arguments) > MAX_ARGUMENT_LENGTH:
        await request.usage("That is too much text for one command.")
        return
    try:
        change = parse_setting(request.arguments)
    except SettingError as error:
        await request.reply(t(error.message, **error.params))
        return
    if not await request.require_admin():
        return
    config = await save_settings(request, change.values)
    keyboard = keyboards.settings_menu(t, config) if request.target is None else None
    await request.reply(t("Saved.") + "\n\n" + settings_text(t, config), keyboard=keyboard)


async def save_settings(request: Request, values: dict[str, Any]) -> ChatConfig:
    """Store changed settings; entering digest mode starts the clock, leaving it unparks."""
    store, chat_id = request.store, request.chat_id
    entering = values.get("mode") == "digest" and not request.config.digest
    if entering:
        values = {**values, "last_digest_at": utcnow()}
    config = await request.db(store.update_chat_config, chat_id, **values)
    if values.get("mode") == "instant" and request.config.digest:
        await request.db(store.unpark_digest, chat_id)
    return config
