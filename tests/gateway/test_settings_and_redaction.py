"""Settings are checked at start-up; logs never carry personal data."""
from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from bot.redact import RedactingFilter, redact
from bot.settings import ROOT, Settings, SettingsError


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.database_url.startswith("sqlite:///")


def test_production_values_are_read():
    settings = Settings.from_env(
        {"GATEWAY_PORT": "9000", "DATABASE_URL": "postgresql://u:p@db/assistant",
         "RASA_URL": "http://rasa.internal:5005/", "RASA_TIMEOUT_SECONDS": "4.5"}
    )
    assert settings.port == 9000 and settings.rasa_timeout == 4.5
    assert settings.rasa_url == "http://rasa.internal:5005"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"GATEWAY_PORT": "acht"}, "GATEWAY_PORT='acht' is not a number"),
        ({"GATEWAY_PORT": "70000"}, "between 1 and 65535"),
        ({"RASA_URL": "rasa:5005"}, "RASA_URL"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL must start with"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"MAX_MESSAGE_CHARS": "5"}, "between 50 and 4096"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_gateway_refuses_to_start_with_a_bad_setting():
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "GATEWAY_PORT": "acht"},
    )
    assert result.returncode == 2
    assert "bad setting: GATEWAY_PORT='acht' is not a number" in result.stderr


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("bel me op 06-12345678 aub", "06-12345678"),
        ("mijn nummer is +31 6 1234 5678", "1234 5678"),
        ("020 330 63 20 werkt niet", "330 63 20"),
        ("mail naar ouder.naam+test@example.nl", "ouder.naam"),
        ("bsn van mijn zoon is 123456782", "123456782"),
    ],
)
def test_personal_data_is_redacted(text, hidden):
    assert hidden not in redact(text)


def test_log_records_are_redacted(caplog):
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("parent %s wrote from %s", "jan@example.nl", "0612345678")
    assert "jan@example.nl" not in caplog.text and "0612345678" not in caplog.text
    assert "[e-mail]" in caplog.text
