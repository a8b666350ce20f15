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
    # WhatsApp and Telegram (each off until its credentials are set)
    public_url: str = ""  # https://chat.example.nl: the address Twilio and Telegram call
    channel_key_secret: str = ""  # HMAC key for conversation keys of phone numbers / chat ids
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_whatsapp_from: str = ""  # whatsapp:+31...
    twilio_template_sid: str = ""  # ContentSid of the approved template for outside the 24-hour window
    twilio_api_url: str = ""  # only for tests: a fake Twilio API
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_url: str = ""  # only for tests: a fake Bot API
    send_retry_delays: tuple[float, ...] = (2.0, 10.0, 30.0, 120.0)

    @property
    def whatsapp_on(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_whatsapp_from)

    @property
    def telegram_on(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

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
        channels = _channel_settings(env)
        return cls(
            **channels,
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


def _channel_settings(env) -> dict:
    """WhatsApp/Telegram settings; a half-configured channel is an error, not silently off."""
    values = {
        "public_url": (env.get("PUBLIC_URL") or "").rstrip("/"),
        "channel_key_secret": env.get("CHANNEL_KEY_SECRET") or "",
        "twilio_account_sid": env.get("TWILIO_ACCOUNT_SID") or "",
        "twilio_auth_token": env.get("TWILIO_AUTH_TOKEN") or "",
        "twilio_whatsapp_from": env.get("TWILIO_WHATSAPP_FROM") or "",
        "twilio_template_sid": env.get("TWILIO_TEMPLATE_SID") or "",
        "twilio_api_url": (env.get("TWILIO_API_URL") or "").rstrip("/"),
        "telegram_bot_token": env.get("TELEGRAM_BOT_TOKEN") or "",
        "telegram_webhook_secret": env.get("TELEGRAM_WEBHOOK_SECRET") or "",
        "telegram_api_url": (env.get("TELEGRAM_API_URL") or "").rstrip("/"),
    }
    twilio = [values[k] for k in ("twilio_account_sid", "twilio_auth_token", "twilio_whatsapp_from")]
    telegram = [values[k] for k in ("telegram_bot_token", "telegram_webhook_secret")]
    if any(twilio) and not all(twilio):
        raise SettingsError("WhatsApp needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM together")
    if values["twilio_whatsapp_from"] and not values["twilio_whatsapp_from"].startswith("whatsapp:+"):
        raise SettingsError("TWILIO_WHATSAPP_FROM must look like whatsapp:+31612345678")
    if any(telegram) and not all(telegram):
        raise SettingsError("Telegram needs TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET together")
    secret = values["telegram_webhook_secret"]
    if secret and not (len(secret) >= 16 and all(c.isalnum() or c in "_-" for c in secret) and len(secret) <= 256):
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 16-256 characters: letters, digits, _ and -")
    if all(twilio) or all(telegram):
        if urlparse(values["public_url"]).scheme not in ("http", "https"):
            raise SettingsError("PUBLIC_URL (e.g. https://chat.example.nl) is needed for WhatsApp and Telegram")
        if len(values["channel_key_secret"]) < 32:
            raise SettingsError("CHANNEL_KEY_SECRET (at least 32 random characters) is needed for WhatsApp and Telegram")
    return values
