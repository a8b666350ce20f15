"""Removes personal data (phone numbers, e-mail addresses, BSN-like numbers) from text for logs."""
from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Dutch phone numbers: 06-12345678, 020 330 63 20, +31 6 1234 5678, 0031...
_PHONE = re.compile(r"(?:\+|00)?\d(?:[\s.-]?\d){8,13}")
_BSN = re.compile(r"\b\d{9}\b")


def redact(text: str) -> str:
    text = _EMAIL.sub("[e-mail]", text)
    text = _BSN.sub("[nummer]", text)
    return _PHONE.sub("[nummer]", text)


class RedactingFilter(logging.Filter):
    """Applied to every log handler, so no record carries personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
