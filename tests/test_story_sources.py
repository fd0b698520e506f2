"""A story is pushed once, with its other sources listed: "Also on: host, host"."""

from __future__ import annotations

import asyncio

from bot.formatting import MAX_MESSAGE_LENGTH, article_html, article_plain, other_sources
from bot.push import PushGate, plan_push
from summaries.models import utcnow
from summaries.store import ChatConfig, DeliveryJob, NewArticle, Store, TagRef

OTHERS = [
    "https://www.b.example/news/1?a=1&b=2",
    "https://b.example/news/2",  # the same outlet again: listed once
    "/srv/dumps/report.txt",  # a file name is nobody's business
    "https://own.example/update",  # the pushed article's own site
    'https://c.example/"><script>',
]


def test_other_sources_are_web_hosts_once_without_the_own_site() -> None:
    found = other_sources(OTHERS, "https://own.example/story")
    assert [host for host, _ in found] == ["b.example", "c.example"]


def test_also_line_is_escaped_links_after_the_footer() -> None:
    html = article_html(
        "Title", ["Summary."], ["USA"], "https://own.example/story", also=OTHERS,
        also_label="Auch bei",
    )  # fmt: skip
    last = html.rsplit("\n", 1)[1]
    assert last == (
        'Auch bei: <a href="https://www.b.example/news/1?a=1&amp;b=2">b.example</a>, '
        '<a href="https://c.example/&quot;&gt;&lt;script&gt;">c.example</a>'
    )
    assert "<script>" not in html
    assert "Also on: b.example, c.example" in article_plain(
        "Title", ["Summary."], [], "https://own.example/story", also=OTHERS
    )
    assert "Also on" not in article_html("Title", ["Summary."], [], None, also=["/x.txt"])


def test_also_line_keeps_the_message_within_the_limit() -> None:
    many = [f"https://site{i}.example/{'x' * 400}" for i in range(20)]
    html = article_html(
        "T" * 500, ["Long sentence. " * 600], ["USA"], "https://a.example/", also=many
    )
    assert len(html.encode("utf-16-le")) // 2 <= MAX_MESSAGE_LENGTH
    assert html.count("<a href") <= 6


def test_push_lists_the_story_versions(store: Store) -> None:
    def add(body: str, url: str, duplicate_of: int | None = None) -> int:
        return store.add_article(
            NewArticle(
                title=f"Title {body}", body=body, language="en", summary=[f"{body}."],
                summary_method="test", tags=[TagRef("USA", "usa")], url=url,
                duplicate_of_id=duplicate_of,
            )
        ).id  # fmt: skip

    head = add("head", "https://a.example/1")
    add("copy", "https://b.example/2", head)
    add("copy two", "https://c.example/3", head)
    assert store.story_urls([head, 999]) == {head: ["https://b.example/2", "https://c.example/3"]}
    store.upsert_chat(1)
    store.subscribe(1, [TagRef("USA", "usa")])
    store.plan_deliveries()
    jobs = store.claim_deliveries(owner="w")
    assert [job.article_id for job in jobs] == [head]
    [(_, plan)] = asyncio.run(PushGate(store).admit(jobs, "w"))
    assert plan.html.endswith(
        'Also on: <a href="https://b.example/2">b.example</a>, '
        '<a href="https://c.example/3">c.example</a>'
    )
    job_de = DeliveryJob(
        delivery_id=1, chat_id=1, chat_type="private", article_id=head, attempts=0,
        title="T", summary=("S.",), tags=(), url=None, matched_tag=None, language="de",
    )  # fmt: skip
    german = plan_push(
        ChatConfig(1, language="de"), job_de, now=utcnow(), also=["https://b.example/2"]
    )
    assert german.html.endswith('Auch bei: <a href="https://b.example/2">b.example</a>')
