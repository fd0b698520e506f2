"""Batched ingestion with worker processes gives what one-by-one ingestion gives."""

from __future__ import annotations

import random
from pathlib import Path

from summaries.db import upgrade
from summaries.dedup_eval import reword
from summaries.ingest import Ingestor, IngestOutcome
from summaries.report import parse_report
from summaries.store import Store

WORDS = (
    "Regierung",
    "Parlament",
    "Wahl",
    "Stadt",
    "Schule",
    "Bahn",
    "Strom",
    "Preis",
    "Markt",
    "Hafen",
    "Klinik",
    "Polizei",
    "Gericht",
    "Bauern",
    "Ernte",
    "Wetter",
    "Sturm",
    "Brücke",
    "Museum",
    "Theater",
    "Verein",
    "Fußball",
    "Trainer",
    "Saison",
    "Studie",
    "Forscher",
    "Universität",
    "Firma",
    "Fabrik",
    "Arbeiter",
    "Streik",
    "Gewerkschaft",
    "Steuer",
    "Haushalt",
    "Minister",
)


def filler(rng: random.Random, n: int) -> str:
    sentences = []
    for _ in range(6):
        words = rng.sample(WORDS, 9)
        sentences.append(f"Die {words[0]} und der {words[1]} " + " ".join(words[2:]) + ".")
    return f"Meldung Nummer {n}\n\n" + " ".join(sentences) + "\n"


def write_inputs(directory: Path, seed_report_text: str) -> None:
    report = parse_report(seed_report_text)
    rng = random.Random(7)
    files = {
        "00-seed.txt": seed_report_text,
        "01-filler.txt": filler(rng, 1),
        "02-copy.txt": seed_report_text,  # exact copy within the batch
        "03-version.txt": f"Blinken telefoniert mit Aliyev\n\n{reword(report.body, rng)}\n",
    }
    for i in range(4, 24):
        files[f"{i:02d}-filler.txt"] = filler(rng, i)
    files["24-copy.txt"] = seed_report_text  # a copy in a later batch
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


def summary_of(outcomes: list[IngestOutcome]) -> list[tuple[object, ...]]:
    """Outcomes in terms of input names, so that runs with other ids compare."""
    name_of = {o.article_id: Path(o.origin).name for o in outcomes if o.created}
    return [
        (
            Path(o.origin).name, o.ok, o.created, name_of.get(o.article_id),
            name_of.get(o.duplicate_of), o.language, o.tags, o.summary,
        )
        for o in outcomes
    ]  # fmt: skip


def test_batched_workers_match_one_by_one(
    store: Store, tmp_path: Path, seed_report_text: str
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    write_inputs(inputs, seed_report_text)
    batched = list(Ingestor(store, workers=2, batch_size=16).ingest_paths([str(inputs)]))
    url = f"sqlite:///{tmp_path / 'single.sqlite3'}"
    upgrade(url)
    single_store = Store.from_url(url)
    try:
        single = list(Ingestor(single_store, workers=1, batch_size=1).ingest_paths([str(inputs)]))
    finally:
        single_store.close()
    assert summary_of(batched) == summary_of(single)
    rows = {row[0]: row for row in summary_of(batched)}
    assert rows["02-copy.txt"][2:4] == (False, "00-seed.txt")
    assert rows["24-copy.txt"][2:4] == (False, "00-seed.txt")
    assert rows["03-version.txt"][2:5] == (True, "03-version.txt", "00-seed.txt")
    assert store.article_count() == 23
    seed_id = next(o.article_id for o in batched if o.origin.endswith("00-seed.txt"))
    assert len(store.story_sources(seed_id or 0)) == 1
