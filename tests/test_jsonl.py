"""JSONL dumps in the ../shared/eval schema, globs, and concurrent ingest processes."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from summaries.db import upgrade
from summaries.ingest import Ingestor
from summaries.jsonl import read_jsonl
from summaries.store import Store

RECORDS = [
    {
        "id": "x/1",
        "language": "en",
        "title": "Council approves the new bridge",
        "text": "The town council voted seven to two for the new bridge over the river.\n\n"
        "Construction is due to start next spring and take two years, the mayor said.",
        "summary": "The bridge is coming.",
        "topic": "Local",
        "source": "test",
    },
    {"id": "x/2", "language": "en", "title": "No text", "text": ""},
    "not an object",
    {
        "id": "x/4",
        "language": "de",
        "title": "",
        "text": "Die Feuerwehr hat in der Nacht einen Brand in einer Lagerhalle gelöscht. "
        "Verletzt wurde niemand, teilte die Polizei am Morgen mit.",
        "summary": None,
        "topic": None,
        "url": "https://Zeitung.example/brand?utm_source=x",
    },
]


def _write(path: Path) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in RECORDS]
    path.write_text("\n".join([*lines[:2], "{broken json", *lines[2:]]) + "\n\n", encoding="utf-8")
    return path


def test_read_jsonl_reports_bad_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "dump.jsonl")
    with path.open("rb") as handle:
        items = list(read_jsonl(handle, "dump.jsonl"))
    assert len(items) == 5
    errors = [str(item) for _, item in items if isinstance(item, Exception)]
    assert errors == [
        "dump.jsonl:2: the record has no text",
        "dump.jsonl:3: not JSON (Expecting property name enclosed in double quotes: line 1 "
        "column 2 (char 1))",
        "dump.jsonl:4: a record must be a JSON object",
    ]
    first = items[0][1]
    assert not isinstance(first, Exception)
    assert first.teaser == "The bridge is coming." and first.tags == ("Local",)
    assert first.guid == "x/1" and first.language == "en"
    last = items[-1][1]
    assert not isinstance(last, Exception)
    assert last.title.startswith("Die Feuerwehr hat in der Nacht")


def test_ingest_jsonl_and_globs(tmp_path: Path, store: Store) -> None:
    _write(tmp_path / "a.jsonl")
    outcomes = list(Ingestor(store).ingest_paths([str(tmp_path / "*.jsonl")]))
    assert [o.ok for o in outcomes] == [True, False, False, False, True]
    assert store.article_count() == 2
    article = store.get_article(outcomes[-1].article_id or 0)
    assert article is not None and article.url == "https://zeitung.example/brand"
    first = store.get_article(outcomes[0].article_id or 0)
    assert first is not None and first.teaser == "The bridge is coming."
    again = list(Ingestor(store).ingest_paths([str(tmp_path / "a.jsonl")]))
    assert [o.created for o in again if o.ok] == [False, False]
    missing = list(Ingestor(store).ingest_paths([str(tmp_path / "nothing-*.jsonl")]))
    assert missing[0].error and "no files match" in missing[0].error


def _ingest_in_process(url: str, path: str) -> int:
    store = Store.from_url(url)
    try:
        return sum(o.created for o in Ingestor(store).ingest_paths([path]))
    finally:
        store.close()


def test_concurrent_ingest_processes_store_each_article_once(
    tmp_path: Path, database_url: str
) -> None:
    path = _write(tmp_path / "dump.jsonl")
    upgrade(database_url)
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        created = pool.starmap(_ingest_in_process, [(database_url, str(path))] * 2)
    assert sum(created) == 2
    store = Store.from_url(database_url)
    try:
        assert store.article_count() == 2
    finally:
        store.close()


def test_bench_ingest_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    from summaries import bench_ingest

    data = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
    if not data.exists():
        pytest.skip("../shared/eval is not available")
    assert bench_ingest.main(["--n", "4", "--postgres", "", "--data", str(data)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["sqlite"]["stored"] == 4 and result["sqlite"]["articles_per_second"] > 0
    assert set(result["stage_ms_per_article"]) == {"language", "summary", "auto_tags", "simhash"}
