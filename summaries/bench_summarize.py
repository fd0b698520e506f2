"""`newsbot bench summarize`: how many articles per second each summary method handles.

`newsbot eval` times one method per process, so two methods measured one after the other on a
shared, busy machine can differ by tens of percent for reasons that have nothing to do with
them. This benchmark times the methods in one process, in alternating order over several
rounds, each from cold caches (summarizers, stemmers and memoised stems rebuilt; only the
sentence tokenizers, shared by every method, stay loaded). It reports the best round of each,
by wall-clock time and by this process's CPU time (which other processes barely disturb),
and the ratio of each method's CPU rate to the last method's. Prints one JSON line per file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from summaries.evaluation import Record, dataset_name, positive_int, read_records
from summaries.lexicon import stemmer_for
from summaries.summarizer import METHODS, _summarizer, prepare, summarize
from summaries.tokenizer import get_tokenizer

__all__ = ["main", "time_method"]

DEFAULT_METHODS = ("default", "lexrank")


def time_method(records: Sequence[Record], method: str, *, sentences: int) -> tuple[float, float]:
    """Summarize every record with ``method`` from cold caches; return (wall, CPU) seconds.

    The summarizers are rebuilt (empty stem memos) before the clock starts, as
    ``newsbot eval`` does.
    """
    _summarizer.cache_clear()
    stemmer_for.cache_clear()
    for language in {record.language for record in records}:
        prepare(language, method)
    wall, cpu = time.perf_counter(), time.process_time()
    for record in records:
        summarize(
            record.text,
            record.language,
            sentences=sentences,
            title=record.title,
            method=method,
            max_chars=None,
        )
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_file(
    path: Path,
    records: Sequence[Record],
    methods: Sequence[str],
    *,
    rounds: int,
    sentences: int,
) -> dict[str, object]:
    """Best-of-``rounds`` rates of each method on one file's records, methods alternating."""
    for language in {record.language for record in records}:
        get_tokenizer(language)  # the Punkt models stay loaded; summarizers are rebuilt per run
    best: dict[str, tuple[float, float]] = {m: (float("inf"), float("inf")) for m in methods}
    for round_ in range(rounds):
        order = list(methods) if round_ % 2 == 0 else list(reversed(methods))
        for method in order:
            wall, cpu = time_method(records, method, sentences=sentences)
            best[method] = (min(best[method][0], wall), min(best[method][1], cpu))
            rate = len(records) / cpu if cpu > 0 else 0.0
            progress = f"{path.name} round {round_ + 1}/{rounds} {method}: {rate:.1f}/s"
            print(progress, file=sys.stderr)
    n = len(records)
    rates = {
        method: {
            "articles_per_second": round(n / wall, 1) if wall > 0 else 0.0,
            "cpu_articles_per_second": round(n / cpu, 1) if cpu > 0 else 0.0,
        }
        for method, (wall, cpu) in best.items()
    }
    baseline = best[methods[-1]][1]
    return {
        "dataset": dataset_name(path),
        "n": n,
        "rounds": rounds,
        "sentences": sentences,
        "methods": rates,
        f"cpu_speedup_vs_{methods[-1]}": {
            method: round(baseline / cpu, 2) if cpu > 0 else 0.0
            for method, (_, cpu) in best.items()
        },
    }


def _methods(value: str) -> list[str]:
    """argparse type: comma-separated known method names."""
    methods = [m.strip() for m in value.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if not methods or unknown:
        problem = f"unknown method(s) {', '.join(unknown)}" if unknown else "no method given"
        raise argparse.ArgumentTypeError(f"{problem}; choose from {', '.join(METHODS)}")
    return methods


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``newsbot bench summarize``."""
    parser = argparse.ArgumentParser(
        prog="newsbot bench summarize",
        description=(
            "Articles per second of summary methods on JSONL files (the shared eval format), "
            "timed in one process, alternating, from cold caches. One JSON line per file."
        ),
        epilog="Example: newsbot bench summarize ../shared/eval/bbc-news-summary-dev.jsonl",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE.jsonl")
    parser.add_argument(
        "--methods",
        type=_methods,
        default=list(DEFAULT_METHODS),
        help=(
            "comma-separated methods; speed-ups are relative to the last "
            f"(default: {','.join(DEFAULT_METHODS)})"
        ),
    )
    parser.add_argument(
        "--rounds", type=positive_int, default=3, help="rounds per method, best kept (default: 3)"
    )
    parser.add_argument(
        "--sentences", type=positive_int, default=3, help="sentences per summary (default: 3)"
    )
    parser.add_argument("--limit", type=positive_int, default=None, help="only the first N records")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``newsbot bench summarize``; return 0, 1 for an unreadable file, 2 for bad usage."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    methods: list[str] = args.methods
    for path in args.files:
        try:
            records = list(read_records(path, args.limit))
        except (OSError, ValueError) as exc:
            print(f"newsbot bench summarize: cannot read {path}: {exc}", file=sys.stderr)
            return 1
        result = bench_file(path, records, methods, rounds=args.rounds, sentences=args.sentences)
        print(json.dumps(result), flush=True)
    return 0
