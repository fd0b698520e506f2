"""`newsbot eval`: one JSON line of ROUGE scores, scored as the shared eval README says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summaries.evaluation import main, scorer_for

DATA = Path(__file__).resolve().parent / "data"
BBC = DATA / "bbc-news-summary-sample.jsonl"
ORANGESUM = DATA / "orangesum-abstract-sample.jsonl"
KEYS = {
    "dataset", "n", "method", "sentences", "rouge1", "rouge2", "rougeL", "articles_per_second",
}  # fmt: skip


def run_eval(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main([*args]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, "exactly one JSON line on stdout"
    result = json.loads(out[0])
    assert set(result) == KEYS
    return result


@pytest.mark.parametrize("sample", [BBC, ORANGESUM], ids=["bbc", "orangesum"])
def test_default_is_not_below_lead_3(capsys: pytest.CaptureFixture[str], sample: Path) -> None:
    default = run_eval(capsys, str(sample))
    lead = run_eval(capsys, str(sample), "--method", "lead")
    assert default["method"] == "default" and lead["method"] == "lead"
    assert default["n"] == lead["n"] == len(sample.read_text(encoding="utf-8").splitlines())
    assert default["sentences"] == 3
    assert default["rouge1"] >= lead["rouge1"]
    assert default["rouge2"] >= lead["rouge2"]
    assert float(default["articles_per_second"]) > 0  # type: ignore[arg-type]


def test_options_and_dataset_name(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_eval(capsys, str(BBC), "--method", "textrank", "--sentences", "2", "--limit", "5")
    assert result["dataset"] == "bbc-news-summary-sample"
    assert result["n"] == 5
    assert result["sentences"] == 2
    assert 0 < float(result["rouge1"]) <= 100  # type: ignore[arg-type]


def test_french_is_scored_with_the_word_tokenizer_without_stemming() -> None:
    scorer = scorer_for("fr")
    same = scorer.score("Le président a parlé.", "le PRÉSIDENT, a parlé")
    assert same["rouge1"].fmeasure == pytest.approx(1.0)
    inflected = scorer.score("les présidents", "le président")
    assert inflected["rouge1"].fmeasure == 0.0
    english = scorer_for("en").score("the presidents spoke", "the president speaks")
    assert english["rouge1"].fmeasure > 0.6  # Porter stemming on English


def test_help_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "newsbot eval" in capsys.readouterr().out
    assert main([]) == 2
    assert main([str(BBC), "--method", "nope"]) == 2
    assert main([str(BBC), "--sentences", "0"]) == 2
    capsys.readouterr()


def test_bad_files_fail_with_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(tmp_path / "missing.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"language": "en", "text": "x"}\n', encoding="utf-8")
    assert main([str(broken)]) == 1
    assert "broken.jsonl:1" in capsys.readouterr().err


def test_progress_goes_to_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    run_eval(capsys, str(ORANGESUM), "--limit", "3")
    assert capsys.readouterr().out == ""
