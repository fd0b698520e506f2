"""What every handler needs: the chat's settings and language, replies, permission checks.

`Request.load` is the one place that turns an update into (store, chat settings,
translator); handlers stay a few lines each.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape
from typing import Any, TypeVar

from telegram import (
    Chat,
    ChatMember,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import N_, Translator, pick_language, translator
from bot.lengths import SummaryLengths
from bot.settings import Settings
from summaries.errors import InputError
from summaries.store import ArticleBrief, ChatConfig, Store, TagRef
from summaries.tagging import MAX_TAG_LENGTH, tag_key, validate_tag

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_SUBSCRIPTIONS_PER_CHAT = 200
MAX_TAGS_PER_COMMAND = 20
MAX_ARGUMENT_LENGTH = 1000
_ARGUMENT = re.compile(r'"([^"]*)"|“([^”]*)”|„([^“”]*)[“”]|«([^»]*)»|([^\s,]+)')
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def split_arguments(arguments: str) -> list[str]:
    """Words of a command; quotes (straight, curly, German, French) keep spaces together."""
    return [
        next(group for group in match.groups() if group is not None)
        for match in _ARGUMENT.finditer(arguments)
    ]


def parse_tags(arguments: str, t: Translator) -> tuple[list[TagRef], list[str]]:
    """Valid tags (deduplicated by key) and a localized problem line per invalid one."""
    tags: dict[str, TagRef] = {}
    problems: list[str] = []
    for raw in split_arguments(arguments):
        tag, problem = check_tag(raw, t)
        if tag is None:
            problems.append(problem)
        else:
            tags.setdefault(tag.key, tag)
    return list(tags.values()), problems


def check_tag(raw: str, t: Translator) -> tuple[TagRef | None, str]:
    """One typed tag as a TagRef, or None and why not (in the reader's language)."""
    shown = escape(raw if len(raw) <= 40 else raw[:39] + "…")
    if len(raw.strip().lstrip("#")) > MAX_TAG_LENGTH:
        return None, t(
            "The tag {tag} is too long: at most {limit} characters.",
            tag=shown,
            limit=MAX_TAG_LENGTH,
        )
    try:
        display = validate_tag(raw)
        key = tag_key(display)
    except InputError:
        return None, t("{tag} is not a tag: a tag needs letters or digits.", tag=shown)
    if not key:
        return None, t("{tag} is not a tag: a tag needs letters or digits.", tag=shown)
    return TagRef(display, key), ""


def tag_list(tags: list[str]) -> str:
    return ", ".join(f"<b>{escape(tag)}</b>" for tag in tags)


@dataclass
class Request:
    """One update with everything a handler needs, loaded once."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    store: Store
    settings: Settings
    config: ChatConfig
    t: Translator
    target: int | None = None
    argument_text: str | None = None

    @classmethod
    async def load(cls, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Request:
        store: Store = context.bot_data["store"]
        chat = update.effective_chat
        config = await asyncio.to_thread(store.chat_config, chat.id) if chat else ChatConfig(0)
        user = update.effective_user
        language = pick_language(
            config.language, user.language_code if user else None, config.chat_language
        )
        return cls(
            update, context, store, context.bot_data["settings"], config, translator(language)
        )

    @property
    def chat(self) -> Chat:
        chat = self.update.effective_chat
        assert chat is not None, "handlers are registered for chat updates only"
        return chat

    @property
    def chat_id(self) -> int:
        """The chat being managed: this one, or a channel named in a private chat."""
        return self.target if self.target is not None else self.chat.id

    @property
    def user(self) -> User | None:
        return self.update.effective_user

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def is_private(self) -> bool:
        return self.chat.type == ChatType.PRIVATE

    @property
    def arguments(self) -> str:
        """The text after the command (and after @botname, and a channel name), as typed."""
        if self.argument_text is not None:
            return self.argument_text
        text = self.message.text if self.message else ""
        parts = (text or "").split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call in a worker thread (the store is synchronous)."""
        return await asyncio.to_thread(function, *args, **kwargs)

    async def reply(
        self, text: str, *, keyboard: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        if self.message is None:
            return None
        return await self.message.reply_text(
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=_NO_PREVIEW,
            reply_markup=keyboard,
            do_quote=False,
        )

    async def usage(self, message: str, **params: Any) -> None:
        """Answer bad arguments with a short usage message in the chat's language."""
        await self.reply(self.t(message, **params))

    async def take_channel(self) -> bool:
        """In a private chat, `/cmd @channel ...` manages that channel; False if refused.

        The person must administer the channel and the bot must be allowed to post there.
        """
        first, _, rest = self.arguments.partition(" ")
        if not self.is_private or not (first.startswith("@") or first.startswith("-100")):
            return True
        t, bot = self.t, self.context.bot
        shown = escape(first[:64])
        try:
            channel = await bot.get_chat(first)
        except TelegramError:
            await self.reply(t("I cannot find the channel {channel}.", channel=shown))
            return False
        if channel.type != ChatType.CHANNEL:
            await self.reply(t("{channel} is not a channel.", channel=shown))
            return False
        user = self.user
        try:
            member = await bot.get_chat_member(channel.id, user.id) if user else None
            me = await bot.get_chat_member(channel.id, bot.id)
        except TelegramError:
            member = me = None
        if member is None or member.status not in ADMIN_STATUSES:
            await self.reply(t("Only administrators of {channel} can manage it.", channel=shown))
            return False
        if me is None or not (
            me.status == ChatMember.OWNER or getattr(me, "can_post_messages", False)
        ):
            await self.reply(
                t(
                    "Please make me an administrator of {channel} who may post messages.",
                    channel=shown,
                )
            )
            return False
        await self.db(
            self.store.upsert_chat, channel.id, chat_type=channel.type, title=channel.title
        )
        self.target = channel.id
        self.argument_text = rest.strip()
        return True

    async def is_admin(self, user: User | None = None) -> bool:
        """Whether the person may change this chat (always in private chats and channels)."""
        chat = self.chat
        if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
            return True
        message = self.message
        if message is not None and message.sender_chat is not None:
            # An anonymous admin writes as the group itself.
            return message.sender_chat.id == chat.id
        user = user or self.user
        if user is None:
            return False
        try:
            member = await self.context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as error:
            log.warning("Could not check the rights of %s in %s: %s", user.id, chat.id, error)
            return False
        return member.status in ADMIN_STATUSES

    async def require_admin(self) -> bool:
        """True for admins; everyone else gets a polite refusal."""
        if await self.is_admin():
            return True
        await self.reply(self.t(REFUSAL))
        return False

    async def with_length(self, articles: list[ArticleBrief]) -> list[ArticleBrief]:
        """The articles with summaries of the chat's chosen length."""
        lengths = self.context.bot_data.get("summary_lengths")
        if lengths is None:
            lengths = self.context.bot_data["summary_lengths"] = SummaryLengths(self.store)
        n = self.config.summary_sentences
        return [replace(a, summary=await lengths.aget(a.id, n, a.summary)) for a in articles]

    def is_bot_admin(self) -> bool:
        """Whether the person is one of the bot's operators (ADMIN_IDS)."""
        return self.user is not None and self.user.id in self.settings.admin_ids


REFUSAL = N_(
    "Sorry, only the administrators of this group can change its subscriptions and settings."
)


async def safe_edit(
    message: Message | None, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Edit a bot message; 'not modified' and vanished messages are not errors."""
    if message is None:
        return
    try:
        await message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=keyboard, link_preview_options=_NO_PREVIEW
        )
    except BadRequest as error:
        log.info("Could not edit message %s: %s", message.message_id, error.message)
