"""Logging that says what happened and never shows the bot token."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "<redacted>"


class RedactSecrets(logging.Filter):
    """Replace secrets (the bot token) wherever they appear in a formatted record.

    httpx logs request URLs, and Bot API URLs contain the token.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self.secrets:
            cleaned = cleaned.replace(secret, REDACTED)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
            record.exc_info = None
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """One stderr handler with timestamps; chatty libraries turned down to warnings."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.Updater"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
