"""Configuration from the environment or a `.env` file in the working directory.

Every variable is documented with its default in `.env.example`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.pacing import PacingConfig
from summaries.db import DEFAULT_DATABASE_URL
from summaries.errors import InputError

DEFAULT_API_URL = "https://api.telegram.org"
TOKEN_PATTERN = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,80}$")


class ConfigError(InputError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    database_url: str
    delivery_interval: float
    admin_ids: frozenset[int]
    log_level: str
    pacing: PacingConfig = field(default_factory=PacingConfig)
    delivery_max_attempts: int = 8
    delivery_retry_base: float = 2.0
    delivery_lease: float = 60.0
    delivery_return_backlog: int = 3

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None
    ) -> Settings:
        """Read settings; real environment variables win over `.env` values."""
        env_file = env_file if env_file is not None else Path.cwd() / ".env"
        values: dict[str, str] = {}
        if env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls(
            token=(values.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
            api_url=_api_url(values.get("TELEGRAM_API_URL", "")),
            database_url=(values.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL,
            delivery_interval=_positive_float(values, "DELIVERY_INTERVAL", 5.0),
            admin_ids=_id_set(values.get("ADMIN_IDS", "")),
            log_level=_log_level(values.get("LOG_LEVEL", "")),
            pacing=PacingConfig(
                enabled=_switch(values, "DELIVERY_PACING", True),
                global_rate=_positive_float(values, "DELIVERY_RATE", 30.0),
                private_interval=_positive_float(values, "DELIVERY_PRIVATE_INTERVAL", 1.0),
                group_per_minute=_positive_float(values, "DELIVERY_GROUP_PER_MINUTE", 20.0),
                concurrency=_positive_int(values, "DELIVERY_CONCURRENCY", 16),
            ),
            delivery_max_attempts=_positive_int(values, "DELIVERY_MAX_ATTEMPTS", 8),
            delivery_retry_base=_positive_float(values, "DELIVERY_RETRY_BASE", 2.0),
            delivery_lease=_positive_float(values, "DELIVERY_LEASE", 60.0),
            delivery_return_backlog=_positive_int(values, "DELIVERY_RETURN_BACKLOG", 3, minimum=0),
        )

    def require_token(self) -> str:
        """The bot token, checked for shape so a typo fails at start, not at the first request."""
        if not self.token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put it in the environment or in .env "
                "(get one from @BotFather)."
            )
        if not TOKEN_PATTERN.match(self.token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token "
                "(expected digits, a colon and 30+ letters, e.g. 123456:ABC-DEF...)."
            )
        return self.token

    @property
    def bot_base_url(self) -> str:
        """PTB appends the token and method: requests go to {api_url}/bot{token}/{method}."""
        return f"{self.api_url}/bot"

    @property
    def bot_file_url(self) -> str:
        return f"{self.api_url}/file/bot"


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {raw!r}.")
    return level


def _api_url(raw: str) -> str:
    url = raw.strip().rstrip("/") or DEFAULT_API_URL
    if not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(f"TELEGRAM_API_URL must be an http(s) URL, got {raw!r}.")
    return url


def _positive_float(values: Mapping[str, str], name: str, default: float) -> float:
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}.") from None
    if not 0 < value <= 3600:
        raise ConfigError(f"{name} must be between 0 and 3600 seconds, got {raw!r}.")
    return value


def _positive_int(values: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = (values.get(name) or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{1,6}", raw) or int(raw) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, got {raw!r}.")
    return int(raw)


def _switch(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (values.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "on", "true", "yes"}:
        return True
    if raw in {"0", "off", "false", "no"}:
        return False
    raise ConfigError(f"{name} must be on or off, got {raw!r}.")


def _id_set(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise ConfigError(f"ADMIN_IDS must be comma-separated Telegram user ids, got {part!r}.")
        ids.add(int(part))
    return frozenset(ids)
