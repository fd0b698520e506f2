"""/subscribe, /unsubscribe, /list, /stop, /tags and /topic (forum topic routing)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import keyboards
from bot.handlers.common import (
    MAX_ARGUMENT_LENGTH,
    MAX_SUBSCRIPTIONS_PER_CHAT,
    MAX_TAGS_PER_COMMAND,
    Request,
    check_tag,
    parse_tags,
    split_arguments,
    tag_list,
)
from bot.i18n import N_
from summaries.store import TagRef
from summaries.tagging import tag_key

TAGS_PER_PAGE = 8
TAG_DAYS = 30


async def _tag_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str
) -> tuple[Request, list[TagRef], list[str]] | None:
    """What /subscribe and /unsubscribe share: load the request (from a private chat, a
    channel named first is the one managed), parse the tags, answer `usage` (an N_ message
    id) when none were given, and check the person may change the chat's tags.

    Returns the request, the valid tags and a line per invalid one; None when it answered.
    """
    request = await Request.load(update, context)
    if not await request.take_channel():
        return None
    if len(request.arguments) > MAX_ARGUMENT_LENGTH:
        await request.usage("That is too much text for one command.")
        return None
    tags, problems = parse_tags(request.arguments, request.t)
    if not tags and not problems:
        await request.usage(usage)
        return None
    if tags and not await request.require_admin():
        return None
    return request, tags, list(problems)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow the given tags."""
    command = await _tag_command(
        update,
        context,
        N_(
            "Tell me which tags to follow, e.g. <code>/subscribe USA Afghanistan</code> "
            'or <code>/subscribe "Ilham Aliyev"</code>.'
        ),
    )
    if command is None:
        return
    request, tags, lines = command
    t = request.t
    if len(tags) > MAX_TAGS_PER_COMMAND:
        lines.append(
            t("At most {limit} tags at once; I took the first ones.", limit=MAX_TAGS_PER_COMMAND)
        )
        tags = tags[:MAX_TAGS_PER_COMMAND]
    if tags:
        lines += await subscribe_tags(request, tags)
    await request.reply("\n".join(lines))


async def subscribe_tags(request: Request, tags: list[TagRef]) -> list[str]:
    """Subscribe within the per-chat limit; returns the lines that say what happened."""
    t, store, chat_id = request.t, request.store, request.chat_id
    lines = []
    followed = {tag.key for tag in await request.db(store.subscriptions, chat_id)}
    new = [tag for tag in tags if tag.key not in followed]
    room = MAX_SUBSCRIPTIONS_PER_CHAT - len(followed)
    if len(new) > room:
        lines.append(
            t(
                "A chat can follow at most {limit} tags; unsubscribe from some first.",
                limit=MAX_SUBSCRIPTIONS_PER_CHAT,
            )
        )
        new = new[: max(room, 0)]
    added = await request.db(store.subscribe, chat_id, new)
    if added:
        lines.append(t("Subscribed to {tags}.", tags=tag_list([tag.display for tag in added])))
    already = [tag.display for tag in tags if tag.key in followed]
    if already:
        lines.append(t("Already following {tags}.", tags=tag_list(already)))
    return lines


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop following the given tags."""
    command = await _tag_command(
        update,
        context,
        N_(
            "Tell me which tags to stop following, e.g. <code>/unsubscribe USA</code>. "
            "/list shows them with buttons."
        ),
    )
    if command is None:
        return
    request, tags, lines = command
    t = request.t
    if tags:
        removed = await request.db(
            request.store.unsubscribe, request.chat_id, [tag.key for tag in tags]
        )
        if removed:
            lines.append(t("Unsubscribed from {tags}.", tags=tag_list(removed)))
        removed_keys = {tag_key(display) for display in removed}
        missing = [tag.display for tag in tags if tag.key not in removed_keys]
        if missing:
            lines.append(t("This chat was not following {tags}.", tags=tag_list(missing)))
    await request.reply("\n".join(lines))


async def list_text(request: Request) -> tuple[str, InlineKeyboardMarkup | None]:
    tags = await request.db(request.store.subscriptions, request.chat_id)
    if not tags:
        return request.t(
            "This chat follows no tags yet. Try <code>/subscribe USA</code> or /tags."
        ), None
    text = request.t.plural("This chat follows {n} tag:", "This chat follows {n} tags:", len(tags))
    text += "\n" + tag_list([tag.display for tag in tags])
    if len(tags) > keyboards.MAX_LIST_BUTTONS:
        text += "\n" + request.t(
            "Buttons for the first {n}; /unsubscribe works for all.", n=keyboards.MAX_LIST_BUTTONS
        )
    elif request.target is None:
        text += "\n\n" + request.t("Tap a tag to unsubscribe.")
    return text, keyboards.unsubscribe_list(tags)


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the chat's tags with an unsubscribe button each."""
    request = await Request.load(update, context)
    if not await request.take_channel():
        return
    if request.arguments:
        await request.usage("Usage: /list (no arguments)")
        return
    text, keyboard = await list_text(request)
    await request.reply(text, keyboard=keyboard if request.target is None else None)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before unsubscribing the chat from everything."""
    request = await Request.load(update, context)
    if request.arguments:
        await request.usage("Usage: /stop (no arguments)")
        return
    if not await request.require_admin():
        return
    count = await request.db(request.store.subscription_count, request.chat_id)
    if count == 0:
        await request.reply(request.t("This chat follows no tags, there is nothing to stop."))
        return
    await request.reply(
        request.t.plural(
            "Unsubscribe this chat from its {n} tag?",
            "Unsubscribe this chat from all {n} tags?",
            count,
        ),
        keyboard=keyboards.stop_confirmation(request.t),
    )


async def tags_page(request: Request, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and keyboard of one /tags page (clamped to the pages there are)."""
    t = request.t
    _, total = await request.db(request.store.tag_counts, limit=1, days=TAG_DAYS)
    if total == 0:
        return t("No articles in the last {days} days, so no tags yet.", days=TAG_DAYS), None
    pages = (total + TAGS_PER_PAGE - 1) // TAGS_PER_PAGE
    page = min(max(page, 0), pages - 1)
    tags, _ = await request.db(
        request.store.tag_counts, offset=page * TAGS_PER_PAGE, limit=TAGS_PER_PAGE, days=TAG_DAYS
    )
    followed = await request.db(
        request.store.subscribed_keys, request.chat_id, [tag.key for tag in tags]
    )
    text = t(
        "Tags of the last {days} days, with their article counts (page {page} of {pages}). "
        "Tap a tag to follow or unfollow it.",
        days=TAG_DAYS,
        page=page + 1,
        pages=pages,
    )
    return text, keyboards.tag_page(t, tags, followed, page, pages)


async def tags(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Browse the tags of recent articles."""
    request = await Request.load(update, context)
    page = 1
    if request.arguments:
        if not request.arguments.isdigit() or int(request.arguments) < 1:
            await request.usage("Usage: /tags [page]")
            return
        page = int(request.arguments)
    text, keyboard = await tags_page(request, page - 1)
    await request.reply(text, keyboard=keyboard)


TOPIC_USAGE = N_("Usage: /topic tag (or /topic tag off), written inside a topic of a forum group")


async def topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a tag to the forum topic this is written in (/topic tag), or back (/topic tag off)."""
    request = await Request.load(update, context)
    t, message = request.t, request.message
    words = split_arguments(request.arguments)
    off = len(words) == 2 and words[1].casefold() in ("off", "aus")
    thread = message.message_thread_id if message and message.is_topic_message else None
    if not words or len(words) > (2 if off else 1) or not request.chat.is_forum:
        await request.usage(TOPIC_USAGE)
        return
    if thread is None and not off:
        await request.usage(TOPIC_USAGE)
        return
    tag, problem = check_tag(words[0], t)
    if tag is None:
        await request.reply(problem)
        return
    if not await request.require_admin():
        return
    await request.db(
        request.store.set_topic_route, request.chat_id, tag.key, None if off else thread
    )
    if off:
        await request.reply(
            t("Articles tagged {tag} go to the main chat again.", tag=tag_list([tag.display]))
        )
        return
    await subscribe_tags(request, [tag])
    await request.reply(t("Articles tagged {tag} go to this topic.", tag=tag_list([tag.display])))
