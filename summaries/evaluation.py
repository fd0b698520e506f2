"""``newsbot eval``: ROUGE of a summary method on a JSONL file of articles with reference summaries.

The JSONL schema and the scoring rules are those of the shared evaluation sets (``shared/eval``):
one record per line with ``language``, ``title``, ``text`` and ``summary``; ROUGE-1/2/L F1 x100
from ``rouge-score``; English with its default tokenizer and Porter stemming, every other language
lower-cased ``[^\\W_]+`` tokens without stemming; ``rougeL``, not ``rougeLsum``. The result is one
JSON line on stdout so scripts can consume it; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from rouge_score import rouge_scorer

from summaries.summarizer import METHODS, prepare, summarize

__all__ = [
    "EvalResult",
    "Record",
    "dataset_name",
    "evaluate",
    "main",
    "positive_int",
    "read_records",
    "scorer_for",
]

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
#: Without a terminal, report progress this often (records), so logs stay short.
_PROGRESS_EVERY = 200


@dataclass(frozen=True)
class Record:
    """One article with its reference summary."""

    language: str
    title: str | None
    text: str
    summary: str


@dataclass(frozen=True)
class EvalResult:
    """Mean ROUGE F1 (x100) of one method on one dataset, and its summarizing speed."""

    dataset: str
    n: int
    method: str
    sentences: int
    rouge1: float
    rouge2: float
    rougeL: float
    articles_per_second: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


class _WordTokenizer:
    """The shared-eval tokenizer for languages other than English."""

    _TOKEN = re.compile(r"[^\W_]+")

    def tokenize(self, text: str) -> list[str]:
        return self._TOKEN.findall(text.lower())


def scorer_for(language: str) -> rouge_scorer.RougeScorer:
    """Return the ROUGE scorer the eval README prescribes for ``language``."""
    if language == "en":
        return rouge_scorer.RougeScorer(list(_ROUGE_TYPES), use_stemmer=True)
    return rouge_scorer.RougeScorer(list(_ROUGE_TYPES), tokenizer=_WordTokenizer())


def read_records(path: Path, limit: int | None = None) -> Iterator[Record]:
    """Yield the records of a JSONL file, at most ``limit`` of them."""
    with path.open(encoding="utf-8") as lines:
        count = 0
        for number, line in enumerate(lines, 1):
            if limit is not None and count >= limit:
                return
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                record = Record(
                    language=str(raw.get("language") or "und"),
                    title=raw.get("title") or None,
                    text=str(raw["text"]),
                    summary=str(raw["summary"]),
                )
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path}:{number}: not an eval record ({exc})") from exc
            count += 1
            yield record


def evaluate(
    records: Sequence[Record],
    *,
    dataset: str,
    method: str = "default",
    sentences: int = 3,
    progress: TextIO | None = None,
) -> EvalResult:
    """Summarize every record with ``method`` and score it against its reference.

    Summaries are made without a character budget so methods are compared on sentences alone.
    Models are loaded before the clock starts, and all records are summarized first and
    scored afterwards, so ``articles_per_second`` times summarizing only: scoring allocates
    heavily, and interleaved with summarizing its garbage would be collected on the
    summarizer's clock.
    """
    interactive = progress is not None and progress.isatty()

    def report(stage: str, index: int) -> None:
        if progress is not None and (interactive or index % _PROGRESS_EVERY == 0):
            end = "\r" if interactive else "\n"
            print(f"{dataset} {method} {stage}: {index}/{len(records)}", end=end, file=progress)

    for language in {record.language for record in records}:
        prepare(language, method)  # model loading is start-up, not summarizing
    summaries: list[list[str]] = []
    elapsed = 0.0
    for index, record in enumerate(records, 1):
        started = time.perf_counter()
        summary = summarize(
            record.text,
            record.language,
            sentences=sentences,
            title=record.title,
            method=method,
            max_chars=None,
        )
        elapsed += time.perf_counter() - started
        summaries.append(summary)
        report("summarized", index)
    scorers: dict[str, rouge_scorer.RougeScorer] = {}
    totals = dict.fromkeys(_ROUGE_TYPES, 0.0)
    for index, (record, summary) in enumerate(zip(records, summaries, strict=True), 1):
        scorer = scorers.get(record.language) or scorers.setdefault(
            record.language, scorer_for(record.language)
        )
        scores = scorer.score(record.summary, "\n".join(summary))
        for key in _ROUGE_TYPES:
            totals[key] += scores[key].fmeasure
        report("scored", index)
    if interactive and progress is not None:
        print(file=progress)
    n = len(records)
    mean = {key: round(100 * value / n, 2) if n else 0.0 for key, value in totals.items()}
    return EvalResult(
        dataset=dataset,
        n=n,
        method=method,
        sentences=sentences,
        rouge1=mean["rouge1"],
        rouge2=mean["rouge2"],
        rougeL=mean["rougeL"],
        articles_per_second=round(n / elapsed, 2) if elapsed > 0 else 0.0,
    )


def dataset_name(path: Path) -> str:
    """The dataset's name: the file name without .jsonl/.json."""
    name = path.name
    for suffix in (".jsonl", ".json"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def positive_int(value: str) -> int:
    """argparse type: a whole number above zero, with a message that says so."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``newsbot eval``."""
    parser = argparse.ArgumentParser(
        prog="newsbot eval",
        description=(
            "Summarize every article of a JSONL file and print its mean ROUGE-1/2/L F1 (x100) "
            "against the reference summaries, plus articles summarized per second, as one JSON "
            "line."
        ),
        epilog=(
            "Records need 'language', 'text' and 'summary'; 'title' is used when present. "
            "English is scored with rouge-score's tokenizer and Porter stemming, other "
            "languages with lower-cased word tokens and no stemming."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE.jsonl", help="articles with summaries")
    parser.add_argument(
        "--method",
        default="default",
        choices=list(METHODS),
        help="summary method (default: %(default)s)",
    )
    parser.add_argument(
        "--sentences", type=positive_int, default=3, help="sentences per summary (default: 3)"
    )
    parser.add_argument(
        "--limit", type=positive_int, default=None, help="only the first N records of the file"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``newsbot eval``; return the process exit code (0 ok, 1 bad input, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return int(exc.code or 0)
    try:
        records = list(read_records(args.file, args.limit))
    except OSError as exc:
        print(f"newsbot eval: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"newsbot eval: {exc}", file=sys.stderr)
        return 1
    result = evaluate(
        records,
        dataset=dataset_name(args.file),
        method=args.method,
        sentences=args.sentences,
        progress=sys.stderr,
    )
    print(result.to_json())
    return 0
