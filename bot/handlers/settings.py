"""/settings: show the chat's settings with toggles, or change one typed setting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards
from bot.chat_settings import SettingError, parse_setting
from bot.handlers.common import MAX_ARGUMENT_LENGTH, Request
from bot.render import settings_text


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the settings, or change the one named in the arguments."""
    request = await Request.load(update, context)
    t = request.t
    if not request.arguments:
        await request.reply(
            settings_text(t, request.config), keyboard=keyboards.settings_menu(t, request.config)
        )
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
    config = await request.db(request.store.update_chat_config, request.chat_id, **change.values)
    await request.reply(
        t("Saved.") + "\n\n" + settings_text(t, config),
        keyboard=keyboards.settings_menu(t, config),
    )
