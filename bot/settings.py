"""Gateway settings from environment variables, validated at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a bad value; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 8.0
    database_url: str = f"sqlite:///{ROOT / 'var' / 'gateway.db'}"
    max_message_chars: int = 1000
    log_level: str = "INFO"
    # Staff inbox
    cookie_secure: str = "auto"  # "auto": Secure cookies unless the gateway listens on loopback only
    presence_timeout: int = 60  # seconds an advisor stays online after the inbox's last sign of life
    inbox_session_hours: int = 12  # a login lasts this long

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure == "auto":
            return self.host not in ("127.0.0.1", "localhost", "::1")
        return self.cookie_secure == "true"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        defaults = cls()

        def number(name: str, default, kind, low, high):
            raw = env.get(name)
            if raw in (None, ""):
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{name}={raw!r} is not a number") from None
            if not low <= value <= high:
                raise SettingsError(f"{name}={raw!r} must be between {low} and {high}")
            return value

        rasa_url = env.get("RASA_URL") or defaults.rasa_url
        if urlparse(rasa_url).scheme not in ("http", "https") or not urlparse(rasa_url).netloc:
            raise SettingsError(f"RASA_URL={rasa_url!r} must be an http(s) URL such as http://127.0.0.1:5005")
        database_url = env.get("DATABASE_URL") or defaults.database_url
        if urlparse(database_url).scheme not in ("sqlite", "postgresql", "postgres"):
            raise SettingsError(
                f"DATABASE_URL must start with sqlite:/// or postgresql:// (got scheme "
                f"{urlparse(database_url).scheme!r})"
            )
        log_level = (env.get("LOG_LEVEL") or defaults.log_level).upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"LOG_LEVEL={log_level!r} must be DEBUG, INFO, WARNING or ERROR")
        cookie_secure = (env.get("COOKIE_SECURE") or defaults.cookie_secure).lower()
        if cookie_secure not in ("auto", "true", "false"):
            raise SettingsError(f"COOKIE_SECURE={cookie_secure!r} must be auto, true or false")
        return cls(
            host=env.get("GATEWAY_HOST") or defaults.host,
            port=number("GATEWAY_PORT", defaults.port, int, 1, 65535),
            rasa_url=rasa_url.rstrip("/"),
            rasa_timeout=number("RASA_TIMEOUT_SECONDS", defaults.rasa_timeout, float, 0.5, 60),
            database_url=database_url,
            max_message_chars=number("MAX_MESSAGE_CHARS", defaults.max_message_chars, int, 50, 4096),
            log_level=log_level,
            cookie_secure=cookie_secure,
            presence_timeout=number("PRESENCE_TIMEOUT_SECONDS", defaults.presence_timeout, int, 15, 600),
            inbox_session_hours=number("INBOX_SESSION_HOURS", defaults.inbox_session_hours, int, 1, 168),
        )
