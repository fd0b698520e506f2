"""`newsbot bench summarize`: methods timed in one process, one JSON line per file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summaries.bench_summarize import main

SAMPLE = Path(__file__).resolve().parent / "data" / "bbc-news-summary-sample.jsonl"


def test_prints_rates_and_speedups_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(SAMPLE), "--methods", "default,lead,lexrank", "--rounds", "2", "--limit", "5"]
    assert main(args) == 0
    captured = capsys.readouterr()
    (line,) = captured.out.strip().splitlines()
    result = json.loads(line)
    assert result["dataset"] == "bbc-news-summary-sample" and result["n"] == 5
    assert set(result["methods"]) == {"default", "lead", "lexrank"}
    for rates in result["methods"].values():
        assert rates["articles_per_second"] > 0 and rates["cpu_articles_per_second"] > 0
    speedups = result["cpu_speedup_vs_lexrank"]
    assert speedups["lexrank"] == 1.0 and speedups["lead"] > speedups["lexrank"]
    assert "round 2/2" in captured.err, "progress goes to stderr"


def test_bad_usage_and_unreadable_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(SAMPLE), "--methods", "default,nonsense"]) == 2
    assert "unknown method(s) nonsense; choose from default" in capsys.readouterr().err
    assert main([str(SAMPLE), "--limit", "0"]) == 2
    assert "--limit: must be a positive integer, got 0" in capsys.readouterr().err
    assert main([str(SAMPLE), "--rounds", "0"]) == 2
    assert "--rounds: must be a positive integer, got 0" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main(["--help"]) == 0
