"""A tiny python-telegram-bot 22 bot that exercises what newsbot relies on, for harness tests.

Run as ``python tests/e2e/echo_bot.py`` with TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set.
It proves the emulator layer works for PTB end to end: initialize (getMe), set_my_commands,
run_polling with offsets, HTML replies with inline keyboards, callback answers, edits,
deletes, chat lookups, my_chat_member updates, and a Telegram error surfacing as BadRequest.
"""

from __future__ import annotations

import html
import logging
import os

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

logger = logging.getLogger("echo_bot")

START_KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Edit", callback_data="edit"),
            InlineKeyboardButton("Keys", callback_data="keys"),
        ],
        [
            InlineKeyboardButton("Delete", callback_data="delete"),
            InlineKeyboardButton("Site", url="https://example.org/"),
        ],
    ]
)


async def post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Register commands in two languages, as newsbot does."""
    await app.bot.set_my_commands([BotCommand("start", "Start"), BotCommand("chat", "Chat info")])
    await app.bot.set_my_commands(
        [BotCommand("start", "Starten"), BotCommand("chat", "Chat-Info")], language_code="de"
    )
    await app.bot.set_my_description("Echo bot for the emulator harness")
    commands = await app.bot.get_my_commands(language_code="de")
    logger.info("echo bot ready as @%s with %d de commands", app.bot.username, len(commands))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with an HTML message and an inline keyboard."""
    assert update.effective_user is not None and update.effective_message is not None
    name = html.escape(update.effective_user.first_name)
    await update.effective_message.reply_html(
        f"<b>Hello</b>, <i>{name}</i> &amp; welcome!", reply_markup=START_KEYBOARD
    )


async def chat_info(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Report chat type and the caller's member status (getChat, getChatMember)."""
    assert update.effective_chat is not None and update.effective_user is not None
    assert update.effective_message is not None
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    chat = await context.bot.get_chat(update.effective_chat.id)
    member = await context.bot.get_chat_member(chat.id, update.effective_user.id)
    await update.effective_message.reply_text(f"chat {chat.type} member {member.status}")


async def too_long(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send an over-long message and report Telegram's error."""
    assert update.effective_message is not None
    try:
        await update.effective_message.reply_text("x" * 4097)
    except BadRequest as exc:
        await update.effective_message.reply_text(f"error: {exc.message}")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the callback, then edit, re-key or delete the message."""
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    if query.data == "edit":
        await query.edit_message_text(
            "<b>Edited</b> &lt;ok&gt;",
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("Keys", callback_data="keys")]]
            ),
        )
    elif query.data == "keys":
        await query.edit_message_reply_markup(
            InlineKeyboardMarkup([[InlineKeyboardButton("Done", callback_data="done")]])
        )
    elif query.data == "done":
        await query.edit_message_reply_markup(None)
    elif query.data == "delete":
        await query.delete_message()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo text back as HTML."""
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_html(
        f"echo: <code>{html.escape(update.effective_message.text)}</code>"
    )


async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the bot's own membership changes."""
    change = update.my_chat_member
    assert change is not None
    logger.info(
        "my_chat_member %s: %s -> %s",
        change.chat.id,
        change.old_chat_member.status,
        change.new_chat_member.status,
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.error("handler error: %r", context.error, exc_info=context.error)


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    api = os.environ["TELEGRAM_API_URL"].rstrip("/")
    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .post_init(post_init)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("chat", chat_info))
    app.add_handler(CommandHandler("toolong", too_long))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    logger.info("echo bot stopped")


if __name__ == "__main__":
    main()
