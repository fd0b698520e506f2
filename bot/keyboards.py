"""Inline keyboards; every callback button goes through `bot.callbacks.encode`."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.callbacks import encode, key_digest
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from summaries.store import ChatConfig, TagCount, TagRef

MAX_LIST_BUTTONS = 60
_LABEL = 40


def _label(text: str) -> str:
    return text if len(text) <= _LABEL else text[: _LABEL - 1] + "…"


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def unsubscribe_list(tags: Sequence[TagRef]) -> InlineKeyboardMarkup | None:
    """One ✖ button per followed tag (the first MAX_LIST_BUTTONS)."""
    buttons = [
        InlineKeyboardButton(
            "✖ " + _label(tag.display),
            callback_data=encode(callbacks.UNSUBSCRIBE_FROM_LIST, key_digest(tag.key)),
        )
        for tag in tags[:MAX_LIST_BUTTONS]
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2)) if buttons else None


def article_buttons(
    t: Translator, matched_key: str | None, url: str | None, *, label: str | None = None
) -> InlineKeyboardMarkup | None:
    """Buttons under a pushed summary: unsubscribe from the tag that matched, open the article.

    `matched_key` is the tag key of the subscription that matched; `label` its display form.
    """
    row = []
    if matched_key:
        row.append(
            InlineKeyboardButton(
                t("Unsubscribe {tag}", tag=_label(label or matched_key)),
                callback_data=encode(callbacks.UNSUBSCRIBE_FROM_ARTICLE, key_digest(matched_key)),
            )
        )
    if url and url.startswith(("http://", "https://")):
        row.append(InlineKeyboardButton(t("Open article"), url=url))
    return InlineKeyboardMarkup([row]) if row else None


def tag_page(
    t: Translator, tags: Sequence[TagCount], followed: set[str], page: int, pages: int
) -> InlineKeyboardMarkup:
    """Tags with counts, ✅ when followed (tap toggles), and page navigation."""
    buttons = [
        InlineKeyboardButton(
            ("✅ " if tag.key in followed else "➕ ") + f"{_label(tag.display)} ({tag.articles})",
            callback_data=encode(callbacks.TAG_TOGGLE, tag.id, page),
        )
        for tag in tags
    ]
    rows = _rows(buttons, 2)
    navigation = []
    if page > 0:
        navigation.append(
            InlineKeyboardButton("◀", callback_data=encode(callbacks.TAGS_PAGE, page - 1))
        )
    if page + 1 < pages:
        navigation.append(
            InlineKeyboardButton("▶", callback_data=encode(callbacks.TAGS_PAGE, page + 1))
        )
    if navigation:
        rows.append(navigation)
    return InlineKeyboardMarkup(rows)


def popular_tags(tags: Sequence[TagCount]) -> InlineKeyboardMarkup | None:
    """Buttons under /start: one tap follows a popular tag."""
    buttons = [
        InlineKeyboardButton(
            "➕ " + _label(tag.display), callback_data=encode(callbacks.TAG_SUBSCRIBE, tag.id)
        )
        for tag in tags
    ]
    return InlineKeyboardMarkup(_rows(buttons, 3)) if buttons else None


def stop_confirmation(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("Yes, unsubscribe from all"), callback_data=encode(callbacks.STOP, "y")
                ),
                InlineKeyboardButton(t("Cancel"), callback_data=encode(callbacks.STOP, "n")),
            ]
        ]
    )


def languages() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    LANGUAGE_NAMES[code], callback_data=encode(callbacks.LANGUAGE, code)
                )
                for code in LANGUAGES
            ]
        ]
    )


def settings_menu(t: Translator, config: ChatConfig) -> InlineKeyboardMarkup:
    """Toggles for the settings people change most; the rest are typed (/settings ...)."""
    setting = callbacks.SETTING
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("−", callback_data=encode(setting, "len-")),
                InlineKeyboardButton(
                    t("{n} sentences", n=config.summary_sentences),
                    callback_data=encode(setting, "len"),
                ),
                InlineKeyboardButton("+", callback_data=encode(setting, "len+")),
            ],
            [
                InlineKeyboardButton(
                    t("Switch to daily digest") if not config.digest else t("Switch to instant"),
                    callback_data=encode(setting, "mode"),
                )
            ],
            [
                InlineKeyboardButton(
                    t("Link previews: on") if config.link_previews else t("Link previews: off"),
                    callback_data=encode(setting, "preview"),
                ),
                InlineKeyboardButton(
                    t("Resume") if config.paused else t("Pause"),
                    callback_data=encode(setting, "pause"),
                ),
            ],
        ]
    )
