"""Application wiring in one place: Bot API connection, handlers, delivery loop, lifecycle."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
)

from bot import handlers, membership
from bot.delivery import DeliveryWorker, telegram_rate_limiter
from bot.digest import DigestRunner
from bot.menu import publish_commands
from bot.settings import Settings
from summaries.db import safe_database_url, upgrade
from summaries.sources import poll_forever
from summaries.store import Store

log = logging.getLogger(__name__)


def build_application(settings: Settings, store: Store) -> Application:  # type: ignore[type-arg]
    """Create the PTB application talking to `settings.api_url` with all handlers registered."""
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_file_url)
        .connect_timeout(10)
        .read_timeout(20)
        .write_timeout(20)
        .get_updates_read_timeout(40)
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    limiter = telegram_rate_limiter(settings.pacing)
    application = (builder if limiter is None else builder.rate_limiter(limiter)).build()
    application.bot_data["store"] = store
    application.bot_data["settings"] = settings
    handlers.register(application)
    membership.register(application)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    me = application.bot
    log.info("Connected to the Bot API as @%s", me.username)
    await publish_commands(me)
    settings: Settings = application.bot_data["settings"]
    worker = DeliveryWorker.from_settings(application.bot_data["store"], settings)
    stop = asyncio.Event()
    application.bot_data["delivery_stop"] = stop
    application.bot_data["delivery_task"] = asyncio.create_task(
        worker.run(application.bot, stop), name="delivery"
    )
    application.bot_data["digest_task"] = asyncio.create_task(
        DigestRunner(application.bot_data["store"]).run(application.bot, stop), name="digest"
    )
    application.bot_data["sources_task"] = asyncio.create_task(
        poll_forever(application.bot_data["store"], stop), name="sources"
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
    digest: asyncio.Task[None] | None = application.bot_data.get("digest_task")
    if digest is not None:
        try:
            await asyncio.wait_for(digest, timeout=30)
        except TimeoutError:
            digest.cancel()
    sources: asyncio.Task[None] | None = application.bot_data.get("sources_task")
    if sources is not None:
        try:
            await asyncio.wait_for(sources, timeout=30)
        except TimeoutError:
            sources.cancel()


def run(settings: Settings) -> None:
    """Start the bot with long polling until SIGINT/SIGTERM; the database is migrated first."""
    settings.require_token()
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url)
    application = build_application(settings, store)
    log.info(
        "Starting newsbot (Bot API %s, database %s)",
        settings.api_url,
        safe_database_url(settings.database_url),
    )
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    finally:
        store.close()
        log.info("newsbot stopped")
