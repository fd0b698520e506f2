"""`newsbot bench ingest`: articles/s for ingesting and summarizing news dumps, per backend.

Reads real article bodies from the eval JSONL files at run time (``--data``), writes them
as N seed-format dump files into a temporary directory, and times the whole pipeline
(decode, parse, language, summary, tags, exact and near-duplicate checks, store) into a
fresh SQLite file and a fresh PostgreSQL schema (dropped afterwards), exactly as `newsbot
ingest` runs it: one ingesting process that writes in batches, `--workers` processes that
summarize and tag. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from summaries.db import upgrade
from summaries.ingest import Ingestor
from summaries.store import Store

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FILES = ("bbc-news-summary-dev.jsonl", "orangesum-abstract-dev.jsonl", "fundus-en-dev.jsonl",
         "fundus-de-dev.jsonl")  # fmt: skip


def write_dumps(data: Path, n: int, directory: Path) -> list[Path]:
    """N seed-format report files from distinct real eval articles, the files interleaved.

    Beyond the number of eval articles (about 2,200) records repeat, and the repeats are
    (correctly) found as already stored.
    """
    pools = [list(_records_of(data / name)) for name in FILES if (data / name).exists()]
    if not any(pools):
        raise SystemExit(f"no eval JSONL files under {data}")
    order = [
        pool[i] for i in range(max(len(pool) for pool in pools)) for pool in pools if i < len(pool)
    ]
    paths = []
    for i in range(n):
        record = order[i % len(order)]
        path = directory / f"{i:06d}.txt"
        path.write_text(
            f"{record['title']}\n\n{record['text']}\n\nTags: {record.get('topic') or ''}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _records_of(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _ingest(url: str, paths: list[str], workers: int) -> tuple[int, int]:
    store = Store.from_url(url)
    try:
        ok = failed = 0
        for outcome in Ingestor(store, workers=workers).ingest_paths(paths):
            ok += outcome.ok
            failed += not outcome.ok
        return ok, failed
    finally:
        store.close()


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the prepare workers)."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + kids.ru_utime + kids.ru_stime


def run_backend(url: str, paths: list[Path], workers: int) -> dict[str, object]:
    upgrade(url)
    started, cpu = time.perf_counter(), _cpu_seconds()
    ok, failed = _ingest(url, [str(p) for p in paths], workers)
    elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    store = Store.from_url(url)
    try:
        stored = store.article_count()
    finally:
        store.close()
    return {
        "articles": len(paths),
        "ok": ok,
        "failed": failed,
        "stored": stored,
        "seconds": round(elapsed, 2),
        "articles_per_second": round(len(paths) / elapsed, 1),
        # Without the database server's share; the machine is shared, so this says what
        # the pipeline costs whatever else runs.
        "client_cpu_ms_per_article": round(cpu * 1000 / len(paths), 2),
    }


def stage_times(paths: list[Path], sample: int = 100) -> dict[str, float]:
    """Milliseconds per article for each CPU stage of the pipeline (no database)."""
    from summaries.dedup import simhash
    from summaries.ingest import LANGUAGE_SAMPLE_CHARS
    from summaries.language import detect_language
    from summaries.report import parse_report
    from summaries.summarizer import summarize
    from summaries.tagging import auto_tags

    reports = [parse_report(p.read_text(encoding="utf-8")) for p in paths[:sample]]
    languages = [detect_language(f"{r.title}\n{r.body}") for r in reports]
    stages = {
        "language": lambda r, lang: detect_language(f"{r.title}\n{r.body[:LANGUAGE_SAMPLE_CHARS]}"),
        "summary": lambda r, lang: summarize(r.body, lang, sentences=3, title=r.title),
        "auto_tags": lambda r, lang: auto_tags(r.title, r.body, lang, limit=8),
        "simhash": lambda r, lang: simhash(f"{r.title}\n{r.body}"),
    }
    result = {}
    for name, stage in stages.items():
        started = time.perf_counter()
        for report, language in zip(reports, languages, strict=True):
            stage(report, language)
        result[name] = round((time.perf_counter() - started) * 1000 / len(reports), 2)
    return result


def _warm_up(sample: Path) -> None:
    """Load models (tokenizers, language ids, lexicons) before timing, in this process."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'warm.sqlite3'}"
        upgrade(url)
        _ingest(url, [str(sample)], 1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="newsbot bench ingest",
        description="Articles/s for ingesting and summarizing N news dumps into SQLite and "
        "PostgreSQL. Prints one JSON line.",
    )
    parser.add_argument("--n", type=int, default=500, help="number of dump files (default 500)")
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"),
                        help="folder with the eval JSONL files (read at run time)")  # fmt: skip
    parser.add_argument("--postgres", default=os.environ.get("NEWSBOT_BENCH_POSTGRES_URL",
                        DEFAULT_POSTGRES), help="PostgreSQL server URL ('' to skip)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes that summarize and tag (default: CPU count); "
                        "the database writes stay in the ingesting process")  # fmt: skip
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1:
        parser.error("--n and --workers must be positive")
    result: dict[str, object] = {"n": args.n, "workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "dumps"
        directory.mkdir()
        paths = write_dumps(args.data, args.n, directory)
        _warm_up(paths[0])
        print(f"ingesting {len(paths)} dumps into SQLite ...", file=sys.stderr)
        result["sqlite"] = run_backend(
            f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", paths, args.workers
        )
        if args.postgres:
            print(f"ingesting {len(paths)} dumps into PostgreSQL ...", file=sys.stderr)
            result["postgresql"] = _run_postgres(args.postgres, paths, args.workers)
        result["stage_ms_per_article"] = stage_times(paths)
        result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return 0


def _run_postgres(server: str, paths: list[Path], workers: int) -> dict[str, object]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in server else "?"
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
        return run_backend(url, paths, workers)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
