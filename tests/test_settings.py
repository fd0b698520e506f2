"""Configuration: defaults, .env files, and clear errors for bad values."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.logs import REDACTED, RedactSecrets
from bot.settings import DEFAULT_API_URL, ConfigError, Settings
from summaries.db import DEFAULT_DATABASE_URL

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def load(tmp_path: Path, **environ: str) -> Settings:
    return Settings.load(environ, env_file=tmp_path / ".env")


def test_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path)
    assert settings.api_url == DEFAULT_API_URL
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert 0 < settings.delivery_interval <= 10
    assert settings.admin_ids == frozenset()


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nDELIVERY_INTERVAL=7\nADMIN_IDS=1, 2\n", encoding="utf-8"
    )
    settings = load(tmp_path, DELIVERY_INTERVAL="3")
    assert settings.require_token() == TOKEN
    assert settings.delivery_interval == 3
    assert settings.admin_ids == {1, 2}


def test_bot_api_url_is_configurable(tmp_path: Path) -> None:
    settings = load(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:8081/")
    assert settings.bot_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "abc"}, "does not look like a bot token"),
        ({"TELEGRAM_BOT_TOKEN": "123:short"}, "does not look like a bot token"),
    ],
)
def test_missing_or_malformed_token(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, **environ).require_token()


@pytest.mark.parametrize(
    "environ",
    [
        {"DELIVERY_INTERVAL": "soon"},
        {"DELIVERY_INTERVAL": "-1"},
        {"ADMIN_IDS": "12,alice"},
        {"TELEGRAM_API_URL": "ftp://example.org"},
        {"LOG_LEVEL": "LOUD"},
    ],
)
def test_bad_values_are_named(tmp_path: Path, environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=next(iter(environ))):
        load(tmp_path, **environ)


def test_logs_never_contain_the_token() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", (f"https://x/bot{TOKEN}/getMe",), None
    )
    assert RedactSecrets([TOKEN]).filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
