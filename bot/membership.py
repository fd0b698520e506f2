"""The bot's own membership in a chat: removed or blocked -> hold, back -> resume.

Telegram tells the bot through `my_chat_member` updates when a user blocks or
unblocks it, or when it is removed from or added to a group. A returning chat is
active again and gets only a small recent backlog (see `Store.reactivate_chat`),
never a flood of everything queued while it was away.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ChatMember, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)

from summaries.store import Store

log = logging.getLogger(__name__)

GONE = frozenset({ChatMember.BANNED, ChatMember.LEFT})
# Runs before the chat bookkeeping handler (group -1), so a removal is not undone by it.
GROUP = -2


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER), group=GROUP
    )
    application.add_handler(CommandHandler("start", chat_returned), group=GROUP)


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None:
        return
    chat_id = change.chat.id
    status = change.new_chat_member.status
    if status in GONE:
        reason = "blocked by the user" if change.chat.type == "private" else "removed from the chat"
        held = await asyncio.to_thread(_store(context).deactivate_chat, chat_id, reason)
        log.info("Bot %s in chat %s; %d queued messages held", reason, chat_id, held)
        raise ApplicationHandlerStop  # do not let later handlers re-activate the chat
    if change.old_chat_member.status in GONE:
        await _resume(context, chat_id)


async def chat_returned(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start (e.g. after unblocking the bot) re-activates the chat; the reply comes later."""
    if update.effective_chat is not None:
        await _resume(context, update.effective_chat.id)


async def _resume(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    settings = context.bot_data.get("settings")
    backlog = getattr(settings, "delivery_return_backlog", 3)
    requeued, skipped = await asyncio.to_thread(
        _store(context).reactivate_chat, chat_id, backlog=backlog
    )
    if requeued or skipped:
        log.info(
            "Chat %s is back: %d recent messages resent, %d skipped", chat_id, requeued, skipped
        )


def _store(context: ContextTypes.DEFAULT_TYPE) -> Store:
    store: Store = context.bot_data["store"]
    return store
