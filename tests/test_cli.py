"""The `newsbot` command as users run it: ingest, summarize, db upgrade, exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from summaries.models import Article
from summaries.store import Store
from summaries.tagging import tag_key
from tests.conftest import SEED_REPORT


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return tmp_path


def stored_articles(database_url: str) -> list[Article]:
    store = Store.from_url(database_url)
    try:
        with store.session() as session:
            return list(session.query(Article).order_by(Article.id))
    finally:
        store.close()


def test_ingest_seed_report(
    workdir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(SEED_REPORT)]) == 0
    (article,) = stored_articles(database_url)
    assert article.title == "US-Außenminister rief Ilham Aliyev an"
    assert article.published_at == datetime(2021, 4, 29, tzinfo=UTC)
    assert article.read_count == 1012
    assert article.language == "de"
    assert "\xa0" not in article.body
    assert not article.body.startswith("US-Außenminister rief")
    for boilerplate in ("Gelesen", "Tags:", "Newsticker", "29 April 2021"):
        assert boilerplate not in article.body
    store = Store.from_url(database_url)
    summary = store.latest_summary(article.id)
    keys = {tag.key for tag in store.article_tags(article.id)}
    store.close()
    assert len(summary) == 3 and all(sentence in article.body for sentence in summary)
    assert {tag_key("Aserbaidschan"), tag_key("#afghanistan")} <= keys
    assert tag_key("Sport") not in keys
    assert "stored #1 [de]" in capsys.readouterr().out


def test_ingesting_twice_stores_once(
    workdir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(SEED_REPORT)]) == 0
    capsys.readouterr()
    assert main(["ingest", str(SEED_REPORT), str(SEED_REPORT)]) == 0
    assert len(stored_articles(database_url)) == 1
    out = capsys.readouterr()
    # A known report is not analysed again, so no language is shown for it (not "[None]").
    assert out.out.splitlines() == ["already stored #1 US-Außenminister rief Ilham Aliyev an"] * 2
    assert "0 stored, 2 already stored, 0 failed" in out.err


def test_given_tags_are_used_as_given(workdir: Path, database_url: str) -> None:
    report = workdir / "tagged.txt"
    report.write_text(
        "Match report\n\n1 May 2021    Read: 5\nMatch report\n\n"
        "The home side won the final in extra time after a dramatic second half.\n\n"
        "Tags: Football, Champions League\n",
        encoding="utf-8",
    )
    assert main(["ingest", str(report)]) == 0
    (article,) = stored_articles(database_url)
    store = Store.from_url(database_url)
    displays = [tag.display for tag in store.article_tags(article.id)]
    store.close()
    assert displays[:2] == ["Champions League", "Football"] or displays[:2] == [
        "Football",
        "Champions League",
    ]


def test_directory_and_stdin(
    workdir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = workdir / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("Alpha\n\nThe first report has a body of its own.\n")
    (folder / "b.txt").write_text("Beta\n\nThe second report has another body.\n")
    assert main(["ingest", str(folder)]) == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_REPORT.read_bytes())))
    assert main(["ingest", "-"]) == 0
    assert [a.title for a in stored_articles(database_url)] == [
        "Alpha",
        "Beta",
        "US-Außenminister rief Ilham Aliyev an",
    ]


def test_bad_inputs_fail_alone(
    workdir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "empty.txt").write_bytes(b"")
    (workdir / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (workdir / "title-only.txt").write_text("Just a title\n")
    result = main(
        [
            "ingest",
            str(workdir / "empty.txt"),
            str(workdir / "binary.bin"),
            str(workdir / "missing.txt"),
            str(workdir / "title-only.txt"),
            str(SEED_REPORT),
        ]
    )
    assert result == 1
    err = capsys.readouterr().err
    assert err.count("error: ") == 4
    assert "missing.txt: cannot read" in err
    assert "Traceback" not in err
    assert len(stored_articles(database_url)) == 1  # the good one is stored


def test_summarize_prints_sentences_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.sqlite3'}")
    assert main(["summarize", str(SEED_REPORT), "--sentences", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    body = SEED_REPORT.read_text(encoding="utf-8").replace("\xa0", " ")
    assert all(" ".join(line.split()) in " ".join(body.split()) for line in lines)
    assert not (tmp_path / "never.sqlite3").exists()
    assert main(["summarize", str(SEED_REPORT), "--language", "en", "-n", "1"]) == 0


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", "x", "--sentences", "zero"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_run_without_token_is_one_clear_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "newsbot: TELEGRAM_BOT_TOKEN is not set: put it in the environment or in .env "
        "(get one from @BotFather)."
    ]


def test_db_upgrade(workdir: Path) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0


def test_unusable_database_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("garbage", f"sqlite:///{tmp_path}/missing/dir/x.db"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["db", "upgrade"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("newsbot: cannot use the database") and err.count("\n") == 1


def test_unknown_summary_language_falls_back_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["summarize", str(SEED_REPORT), "--language", "az", "-n", "2"]) == 0
    captured = capsys.readouterr()
    assert "language-neutral fallback" in captured.err
    assert len(captured.out.strip().splitlines()) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", str(SEED_REPORT), "--language", "not a code"])
    assert exit_info.value.code == 2


def test_run_with_unreachable_bot_api_is_one_clear_line(tmp_path: Path) -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": "http://127.0.0.1:9",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("newsbot: cannot reach the Bot API at http://127.0.0.1:9")
    )
    assert token not in result.stderr
