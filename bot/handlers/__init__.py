"""Telegram handlers, one module per concern; `register` wires them all into the application.

Modules: basic (/start /help /lang, unknown commands, errors), subscriptions (/subscribe
/unsubscribe /list /stop /tags), articles (/latest /search), settings (/settings),
admin (/stats /sources /ingest), buttons (every inline button).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers.admin import ingest, sources, stats
from bot.handlers.articles import latest, search
from bot.handlers.basic import (
    help_command,
    lang,
    on_error,
    remember_chat,
    start,
    unknown_command,
)
from bot.handlers.buttons import button
from bot.handlers.settings import settings
from bot.handlers.subscriptions import (
    list_subscriptions,
    stop,
    subscribe,
    tags,
    topic,
    unsubscribe,
)

COMMAND_HANDLERS = {
    "start": start,
    "help": help_command,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "list": list_subscriptions,
    "stop": stop,
    "tags": tags,
    "latest": latest,
    "search": search,
    "settings": settings,
    "lang": lang,
    "topic": topic,
    "stats": stats,
    "sources": sources,
    "ingest": ingest,
}

__all__ = [
    "COMMAND_HANDLERS",
    "help_command",
    "list_subscriptions",
    "on_error",
    "register",
    "remember_chat",
    "start",
    "subscribe",
    "unknown_command",
    "unsubscribe",
]


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add every handler; commands work as /cmd and /cmd@botname, new and edited."""
    application.add_handler(TypeHandler(Update, remember_chat), group=-1)
    for name, callback in COMMAND_HANDLERS.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_error_handler(on_error)
