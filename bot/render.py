"""Messages made of many articles (/latest, /search, digests), split at Telegram's limit."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.chat_settings import format_time
from bot.formatting import MAX_MESSAGE_LENGTH, article_html, telegram_length
from bot.i18n import LANGUAGE_NAMES, Translator
from summaries.store import ArticleBrief, ChatConfig

BLOCK_LIMIT = 1500


def pack(
    blocks: Sequence[str], *, limit: int = MAX_MESSAGE_LENGTH, separator: str = "\n\n"
) -> list[str]:
    """Join blocks into as few messages as fit `limit`, never cutting inside a block.

    A block longer than `limit` on its own must be shortened by its maker first.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        if not block:
            continue
        candidate = current + separator + block if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def article_block(t: Translator, article: ArticleBrief, sentences: int) -> str:
    """One article in a list: bold title, its first `sentences` summary sentences, the link."""
    return article_html(
        article.title,
        article.summary[:sentences],
        (),
        article.url,
        link_label=t("Read the article"),
        limit=BLOCK_LIMIT,
    )


def article_list(
    t: Translator, heading: str, articles: Sequence[ArticleBrief], sentences: int
) -> list[str]:
    """Messages listing articles under a heading (already HTML)."""
    blocks = [heading] + [article_block(t, article, sentences) for article in articles]
    return pack(blocks)


def settings_text(t: Translator, config: ChatConfig) -> str:
    """The chat's settings and how to change them."""
    mode = (
        t(
            "daily digest at {time} ({zone})",
            time=format_time(config.digest_minute),
            zone=config.timezone,
        )
        if config.digest
        else t("instant")
    )
    quiet = (
        f"{format_time(config.quiet_start)}–{format_time(config.quiet_end)}"
        if config.quiet_start is not None and config.quiet_end is not None
        else t("off")
    )
    automatic = t("automatic")
    language = LANGUAGE_NAMES.get(config.language or "", automatic)
    lines = [
        t("<b>Settings of this chat</b>"),
        t("Summary length: {n} sentences", n=config.summary_sentences),
        t("Delivery: {mode}", mode=escape(mode)),
        t("Time zone: {zone}", zone=escape(config.timezone)),
        t("Quiet hours: {quiet}", quiet=quiet),
        t("Link previews: {state}", state=t("on") if config.link_previews else t("off")),
        t("Paused: {state}", state=t("yes") if config.paused else t("no")),
        t(
            "Only with words: {words}",
            words=escape(", ".join(config.include_words)) if config.include_words else "–",
        ),
        t(
            "Without words: {words}",
            words=escape(", ".join(config.exclude_words)) if config.exclude_words else "–",
        ),
        t(
            "Language: {language}",
            language=language,
        ),
        "",
        t(
            "Change with: <code>/settings length 5</code>, <code>/settings digest 07:30</code>, "
            "<code>/settings instant</code>, <code>/settings timezone Europe/Berlin</code>, "
            "<code>/settings quiet 22:00-07:00</code> (or <code>off</code>), "
            "<code>/settings previews on</code>, <code>/settings pause</code>, "
            "<code>/settings resume</code>, <code>/settings include word …</code>, "
            "<code>/settings exclude word …</code> (<code>off</code> clears a filter), "
            "<code>/settings language de</code>."
        ),
    ]
    return "\n".join(lines)
