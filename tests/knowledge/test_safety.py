"""The safety detector: every emergency recognised, ordinary questions left alone."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.safety import detect, referral_text

DATA = Path(__file__).resolve().parents[1] / "data"
SAFETY = yaml.safe_load((DATA / "safety_messages.yml").read_text(encoding="utf-8"))
ORDINARY = [c["text"] for c in yaml.safe_load((DATA / "parent_messages.yml").read_text(encoding="utf-8"))]


def test_the_set_is_big_and_varied_enough():
    kinds = [m["kind"] for m in SAFETY["safety"]]
    assert len(kinds) >= 40
    assert {kinds.count(k) >= 8 for k in ("acute", "abuse", "suicide", "self_harm", "child")} == {True}


def test_every_safety_message_is_recognised():
    missed = [m["text"] for m in SAFETY["safety"] if detect(m["text"]) is None]
    assert missed == []


def test_false_alarms_on_ordinary_questions_stay_under_two_percent():
    alarms = [t for t in ORDINARY + [m["text"] for m in SAFETY["not_safety"]] if detect(t)]
    assert len(alarms) / (len(ORDINARY) + len(SAFETY["not_safety"])) <= 0.02, alarms


@pytest.mark.parametrize(
    "text, must_have, must_not_have",
    [
        ("mijn man slaat me nu met een riem", ["112", "0800-2000"], ["113"]),
        ("mijn dochter wil dood, ze zegt dat niemand haar zal missen", ["113", "0800-0113", "112"], []),
        ("mijn zoon krast in zijn armen", ["113", "112"], ["0800-0432"]),
        ("ik ben 11 en mijn vader slaat mij", ["0800-0432", "0800-2000", "112"], ["113 "]),
    ],
)
def test_the_referral_names_the_right_numbers(text, must_have, must_not_have):
    signal = detect(text)
    assert signal is not None
    reply = referral_text(signal)
    for number in must_have:
        assert number in reply
    for number in must_not_have:
        assert number not in reply
    assert "geen hulpdienst" in reply


def test_acute_danger_puts_112_first():
    reply = referral_text(detect("help hij staat met een mes in de keuken, nu"))
    assert reply.startswith("Is er nu direct gevaar? Bel meteen 112.")
