"""Conversation keys for WhatsApp and Telegram without personal data in the key.

A phone number or chat id is personal data. The conversation is found by a
keyed hash (HMAC-SHA256 with CHANNEL_KEY_SECRET) of it: the key cannot be
turned back into the number without the secret, and the same parent always
gets the same conversation.
"""
from __future__ import annotations

import hashlib
import hmac


def conversation_key(secret: str, channel: str, address: str) -> str:
    return hmac.new(secret.encode(), f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()
