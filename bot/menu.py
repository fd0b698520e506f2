"""The command menu (setMyCommands), in every interface language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.i18n import LANGUAGES, N_, translator

log = logging.getLogger(__name__)

COMMANDS = (
    ("subscribe", N_("Follow tags")),
    ("unsubscribe", N_("Stop following tags")),
    ("list", N_("Tags this chat follows")),
    ("tags", N_("Browse tags of recent articles")),
    ("latest", N_("Latest summaries")),
    ("search", N_("Search articles")),
    ("settings", N_("Length, digest, time zone, quiet hours")),
    ("lang", N_("Interface language")),
    ("stop", N_("Unsubscribe from everything")),
    ("topic", N_("Route a tag to this forum topic")),
    ("help", N_("How to use the bot")),
)


def commands(language: str) -> list[BotCommand]:
    t = translator(language)
    return [BotCommand(name, t(description)) for name, description in COMMANDS]


async def publish_commands(bot: Bot) -> None:
    """Register the menu for each language (English also as the default); never fatal."""
    try:
        await bot.set_my_commands(commands("en"))
        for language in LANGUAGES:
            await bot.set_my_commands(commands(language), language_code=language)
    except TelegramError as error:  # cosmetic; a bot without a command menu still works
        log.warning("Could not register the command menu: %s", error)
