"""python -m bot: run the gateway (settings from the environment, see .env.example)."""
from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.app import create_app
from bot.redact import RedactingFilter
from bot.settings import Settings, SettingsError


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    # aiohttp's access log carries query strings; keep it, it has no message text.
    # The database drivers log SQL parameters (message texts, phone numbers,
    # chat ids) at DEBUG: never let them, whatever LOG_LEVEL says.
    for noisy in ("aiosqlite", "sqlalchemy", "asyncpg", "httpx", "httpcore", "twilio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"gateway: bad setting: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
