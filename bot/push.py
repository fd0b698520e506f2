"""What to do with one claimed outbox row for a chat, given the chat's settings.

The delivery worker (bot/delivery.py) calls `plan_push` for every claimed row and acts on
the answer; the rules live here, next to the settings they read:

- `skip`   paused chats and articles the keyword filters reject: mark the row failed
           with `plan.reason` (a "skipped: ..." note, never retried);
- `digest` chats in daily-digest mode: park the row (`Store.park_for_digest`); the digest
           runner (bot/digest.py) sends it with the others at the chat's local time;
- `later`  quiet hours: give the row back unsent until `plan.until` (held, not dropped);
- `send`   now, with the chat's summary length, language, link previews, forum topic
           and the article's buttons (unsubscribe from the matched tag, open the article).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from telegram import InlineKeyboardMarkup, LinkPreviewOptions

from bot import keyboards
from bot.formatting import article_html, article_plain
from bot.i18n import pick_language, translator
from bot.lengths import SummaryLengths
from bot.schedule import passes_filters, quiet_until
from summaries.models import utcnow
from summaries.store import ChatConfig, DeliveryJob, Store
from summaries.tagging import tag_key


@dataclass(frozen=True)
class PushPlan:
    action: str  # "send" | "later" | "digest" | "skip"
    reason: str = ""
    until: datetime | None = None
    html: str = ""
    plain: str = ""
    keyboard: InlineKeyboardMarkup | None = None
    link_preview: LinkPreviewOptions | None = None
    thread_id: int | None = None


def plan_push(
    config: ChatConfig, job: DeliveryJob, *, now: datetime, also: Sequence[str] = ()
) -> PushPlan:
    """Decide (and for `send`, render) the push of one article to one chat; `also` are
    the URLs of the story's other versions."""
    if config.paused:
        return PushPlan("skip", reason="skipped: chat paused")
    if not passes_filters(config, (job.title, *job.summary, *job.tags)):
        return PushPlan("skip", reason="skipped: keyword filter")
    if config.digest:
        return PushPlan("digest")
    until = quiet_until(config, now)
    if until is not None:
        return PushPlan("later", reason="quiet hours", until=until)
    return render_push(config, job, also=also)


def render_push(config: ChatConfig, job: DeliveryJob, *, also: Sequence[str] = ()) -> PushPlan:
    """The message for one article as this chat wants it."""
    t = translator(pick_language(config.language, config.chat_language))
    summary = job.summary[: config.summary_sentences]
    matched_key = tag_key(job.matched_tag) if job.matched_tag else None
    preview = (
        LinkPreviewOptions(url=job.url, prefer_small_media=True)
        if config.link_previews and job.url
        else LinkPreviewOptions(is_disabled=True)
    )
    return PushPlan(
        "send",
        html=article_html(
            job.title,
            summary,
            job.tags,
            job.url,
            link_label=t("Read the article"),
            also=also,
            also_label=t("Also on"),
        ),
        plain=article_plain(
            job.title, summary, job.tags, job.url, also=also, also_label=t("Also on")
        ),
        keyboard=keyboards.article_buttons(t, matched_key, job.url, label=job.matched_tag),
        link_preview=preview,
        thread_id=thread_for(config, [matched_key] if matched_key else []),
    )


def thread_for(config: ChatConfig, keys: list[str]) -> int | None:
    """The forum topic a tag is routed to in this chat, if any."""
    routes = dict(config.topics)
    for key in keys:
        if key in routes:
            return routes[key]
    return None


class PushGate:
    """Applies chat settings to a batch of claimed rows; one settings query per batch.

    The delivery worker calls `admit` right after claiming: rows to skip are marked failed
    ("skipped: ..."), digest rows are parked, quiet-hour rows are given back until the
    quiet hours end (without counting an attempt); the rest come back with their plan
    (`plan.html`, `plan.plain`, `plan.keyboard`, `plan.link_preview`, `plan.thread_id`).
    """

    def __init__(self, store: Store, lengths: SummaryLengths | None = None) -> None:
        self.store = store
        self.lengths = lengths or SummaryLengths(store)

    async def admit(
        self, jobs: Sequence[DeliveryJob], owner: str | None, *, now: datetime | None = None
    ) -> list[tuple[DeliveryJob, PushPlan]]:
        if not jobs:
            return []
        now = now or utcnow()
        store = self.store
        configs = await asyncio.to_thread(store.chat_configs, {job.chat_id for job in jobs})
        # Subscribers get a story once, with its other sources listed (one query per batch).
        sources = await asyncio.to_thread(store.story_urls, {job.article_id for job in jobs})
        admitted: list[tuple[DeliveryJob, PushPlan]] = []
        parked: list[int] = []
        for job in jobs:
            config = configs.get(job.chat_id, ChatConfig(job.chat_id))
            also = sources.get(job.article_id, ())
            plan = plan_push(config, job, now=now, also=also)
            if plan.action == "send":
                wanted = config.summary_sentences
                if wanted != len(job.summary):
                    summary = await self.lengths.aget(job.article_id, wanted, job.summary)
                    job = replace(job, summary=summary)
                    plan = render_push(config, job, also=also)
                admitted.append((job, plan))
            elif plan.action == "digest":
                parked.append(job.delivery_id)
            elif plan.action == "skip":
                await asyncio.to_thread(store.mark_failed, job.delivery_id, plan.reason, owner)
            elif plan.until is not None:
                await asyncio.to_thread(
                    store.release_claims, [job.delivery_id], owner, delay=plan.until - now
                )
        if parked:
            await asyncio.to_thread(store.park_for_digest, parked, owner)
        return admitted
