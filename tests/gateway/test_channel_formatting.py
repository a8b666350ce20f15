"""Numbered options and message splitting for channels without buttons."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings, strategies as st

from bot.channels.formatting import split_text, with_numbered_options
from bot.store import Button, StoredMessage

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)


def message(text, titles=()):
    buttons = tuple(Button(f"7.{i}", t, f"/p{i}") for i, t in enumerate(titles))
    return StoredMessage(7, "c", "out", "bot", text, buttons, NOW)


def test_buttons_become_a_numbered_list():
    assert with_numbered_options(message("Bedoel je:", ["TLV", "OPP"])) == (
        "Bedoel je:\n\nTyp het nummer van je keuze:\n1. TLV\n2. OPP"
    )
    assert with_numbered_options(message("Gewoon tekst.")) == "Gewoon tekst."


def test_short_text_is_one_part_and_paragraphs_are_kept_together_when_they_fit():
    assert split_text("Kort.", 1600) == ["Kort."]
    text = "Eerste alinea.\n\nTweede alinea."
    assert split_text(text, 1600) == [text]
    assert split_text(text, 20) == ["Eerste alinea.", "Tweede alinea."]


def test_a_word_longer_than_the_limit_is_cut_hard():
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc de.!?\n", min_size=0, max_size=300), max_size=12), st.integers(20, 400))
def test_parts_never_exceed_the_limit_and_keep_every_word_in_order(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())
