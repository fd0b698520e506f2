"""Application wiring in one place: Bot API connection, handlers, delivery loop, lifecycle."""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers
from bot.delivery import DeliveryWorker
from bot.settings import Settings
from summaries.db import upgrade
from summaries.store import Store

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("subscribe", "Follow tags"),
    BotCommand("unsubscribe", "Stop following tags"),
    BotCommand("list", "Tags this chat follows"),
    BotCommand("help", "How to use the bot"),
]


def build_application(settings: Settings, store: Store) -> Application:  # type: ignore[type-arg]
    """Create the PTB application talking to `settings.api_url` with all handlers registered."""
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .rate_limiter(AIORateLimiter(max_retries=0))
        .connect_timeout(10)
        .read_timeout(20)
        .write_timeout(20)
        .get_updates_read_timeout(40)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .build()
    )
    application.bot_data["store"] = store
    application.bot_data["settings"] = settings
    application.add_handler(TypeHandler(Update, handlers.remember_chat), group=-1)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("subscribe", handlers.subscribe))
    application.add_handler(CommandHandler("unsubscribe", handlers.unsubscribe))
    application.add_handler(CommandHandler("list", handlers.list_subscriptions))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_error_handler(handlers.on_error)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    me = application.bot
    log.info("Connected to the Bot API as @%s", me.username)
    try:
        await me.set_my_commands(COMMANDS)
    except TelegramError as error:  # cosmetic; a bot without a command menu still works
        log.warning("Could not register the command menu: %s", error)
    settings: Settings = application.bot_data["settings"]
    worker = DeliveryWorker(application.bot_data["store"], interval=settings.delivery_interval)
    stop = asyncio.Event()
    application.bot_data["delivery_stop"] = stop
    application.bot_data["delivery_task"] = asyncio.create_task(
        worker.run(application.bot, stop), name="delivery"
    )


async def _post_stop(application: Application) -> None:  # type: ignore[type-arg]
    stop: asyncio.Event | None = application.bot_data.get("delivery_stop")
    task: asyncio.Task[None] | None = application.bot_data.get("delivery_task")
    if stop is not None and task is not None:
        stop.set()
        try:
            await asyncio.wait_for(task, timeout=30)
        except TimeoutError:
            task.cancel()


def run(settings: Settings) -> None:
    """Start the bot with long polling until SIGINT/SIGTERM; the database is migrated first."""
    settings.require_token()
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url)
    application = build_application(settings, store)
    log.info(
        "Starting newsbot (Bot API %s, database %s)",
        settings.api_url,
        _safe_url(settings.database_url),
    )
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        store.close()
        log.info("newsbot stopped")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
