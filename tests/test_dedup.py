"""Near-duplicate detection: fingerprints, the detector, and stories across sources."""

from __future__ import annotations

import random

import pytest

from summaries.dedup import hamming, is_near_duplicate, simhash, similarity
from summaries.dedup_eval import reword, shorten, update
from summaries.incoming import IncomingArticle
from summaries.ingest import Ingestor
from summaries.report import parse_report
from summaries.store import Store, TagRef
from summaries.tagging import tag_key

OTHER_STORY = (
    "Präsident Ilham Aliyev hat in Baku einen neuen Ministerpräsidenten ernannt. Der bisherige "
    "Regierungschef war nach Kritik an der Wirtschaftspolitik zurückgetreten.\n\n"
    "Das Parlament von Aserbaidschan bestätigte die Ernennung mit großer Mehrheit. Die "
    "Opposition sprach von einer Entscheidung ohne echte Debatte und kündigte Proteste an.\n\n"
    "Beobachter erwarten, dass die neue Regierung die Reformen im Energiesektor fortsetzt und "
    "die Zusammenarbeit mit der Türkei und der Europäischen Union ausbaut."
)


def test_simhash_is_stable_signed_64_bit(seed_report_text: str) -> None:
    body = parse_report(seed_report_text).body
    fingerprint = simhash(body)
    assert fingerprint is not None and -(1 << 63) <= fingerprint < 1 << 63
    assert simhash(body) == fingerprint
    assert simhash("too short") is None
    assert hamming(fingerprint, fingerprint) == 0
    assert hamming(0, -1) == 64


@pytest.mark.parametrize("edit", ["reword", "update", "shorten"])
def test_realistic_versions_are_duplicates(seed_report_text: str, edit: str) -> None:
    body = parse_report(seed_report_text).body
    rng = random.Random(3)
    version = {
        "reword": lambda: reword(body, rng),
        "update": lambda: update(body, rng, OTHER_STORY),
        "shorten": lambda: shorten(body, rng),
    }[edit]()
    assert version != body
    assert is_near_duplicate(body, version)


def test_same_topic_other_story_is_not(seed_report_text: str) -> None:
    body = parse_report(seed_report_text).body
    assert similarity(body, OTHER_STORY) < 0.3
    assert not is_near_duplicate(body, OTHER_STORY)


def test_story_across_sources_is_delivered_once(store: Store, seed_report_text: str) -> None:
    report = parse_report(seed_report_text)
    store.upsert_chat(1)
    store.subscribe(1, [TagRef("Aserbaidschan", tag_key("Aserbaidschan"))])
    ingestor = Ingestor(store)
    first = ingestor.ingest_article(
        IncomingArticle(report.title, report.body, "outlet-a", url="https://a.example/story")
    )
    second = ingestor.ingest_article(
        IncomingArticle(
            "Blinken telefoniert mit Aliyev",
            reword(report.body, random.Random(5)),
            "outlet-b",
            url="https://b.example/news/1",
        )
    )
    other = ingestor.ingest_article(
        IncomingArticle("Neuer Regierungschef in Baku", OTHER_STORY, "outlet-c")
    )
    assert first.created and second.created and other.created
    assert second.duplicate_of == first.article_id
    assert other.duplicate_of is None
    assert store.story_sources(first.article_id or 0) == ["https://b.example/news/1"]
    # A fresh ingestor (another process) sees the stored stories too.
    third = Ingestor(store).ingest_article(
        IncomingArticle(report.title, shorten(report.body, random.Random(1)), "outlet-d")
    )
    assert third.duplicate_of == first.article_id
    store.plan_deliveries()
    jobs = store.claim_deliveries(limit=10)
    story = {first.article_id, second.article_id, third.article_id}
    assert [job.article_id for job in jobs if job.article_id in story] == [first.article_id]
