"""Opening hours: school days 10:00-17:00 Europe/Amsterdam, closed on holidays."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.office_hours import CALENDAR_FILE, describe_moment, is_open, load_calendar, next_opening

AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.timezone.utc


def ams(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMS)


@pytest.mark.parametrize(
    "moment, open_",
    [
        (ams(2026, 11, 24, 9, 59), False),
        (ams(2026, 11, 24, 10, 0), True),
        (ams(2026, 11, 24, 16, 59), True),
        (ams(2026, 11, 24, 17, 0), False),
        (ams(2026, 11, 28, 12, 0), False),  # Saturday
        (ams(2026, 4, 27, 12, 0), False),  # Koningsdag
        (ams(2026, 5, 14, 12, 0), False),  # Hemelvaart
        (ams(2026, 10, 14, 12, 0), False),  # herfstvakantie Noord
        (ams(2026, 12, 23, 12, 0), False),  # kerstvakantie
        (ams(2027, 1, 4, 10, 0), True),  # first school day after Christmas
    ],
)
def test_open_on_school_days_between_ten_and_five(moment, open_):
    assert is_open(moment) is open_


def test_dst_switches_use_amsterdam_wall_clock_time():
    # 29 March 2027 (Monday after the spring switch) is Tweede Paasdag; use the 30th.
    assert is_open(dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC))  # 10:00 CEST
    assert not is_open(dt.datetime(2027, 3, 30, 7, 59, tzinfo=UTC))
    # 26 October 2026, after the autumn switch (no holiday in Noord that week).
    assert is_open(dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC))  # 10:00 CET
    assert not is_open(dt.datetime(2026, 10, 26, 8, 59, tzinfo=UTC))
    assert not is_open(dt.datetime(2026, 10, 26, 16, 0, tzinfo=UTC))  # 17:00 CET


def test_next_opening_and_how_it_is_said():
    friday_evening = ams(2026, 11, 27, 17, 0)
    opening = next_opening(friday_evening)
    assert opening == ams(2026, 11, 30, 10, 0)
    assert describe_moment(opening, friday_evening) == "maandag om 10.00 uur"
    assert describe_moment(next_opening(ams(2026, 11, 24, 8, 0)), ams(2026, 11, 24, 8, 0)) == "vandaag om 10.00 uur"
    assert describe_moment(next_opening(ams(2026, 11, 24, 18, 0)), ams(2026, 11, 24, 18, 0)) == "morgen om 10.00 uur"
    before_christmas = ams(2026, 12, 18, 17, 30)
    assert describe_moment(next_opening(before_christmas), before_christmas) == "maandag 4 januari om 10.00 uur"


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        is_open(dt.datetime(2026, 11, 24, 12, 0))


def test_extra_closing_days_and_bad_data(tmp_path):
    text = CALENDAR_FILE.read_text(encoding="utf-8")
    path = tmp_path / "hours.yml"
    path.write_text(text.replace("extra_closed_days: {}", "extra_closed_days:\n  2026-11-25: Studiedag"), encoding="utf-8")
    custom = load_calendar(path)
    assert not custom.is_open(ams(2026, 11, 25, 12, 0))
    assert custom.closed_reason(dt.date(2026, 11, 25)) == "Studiedag"
    path.write_text(text.replace('open: "10:00"', 'open: "18:00"'), encoding="utf-8")
    with pytest.raises(ValueError, match="open must be before close"):
        load_calendar(path)


LONGEST_CLOSURE = dt.timedelta(days=52)  # zomervakantie with the weekends around it


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(2025, 9, 1), max_value=dt.datetime(2027, 8, 1), timezones=st.just(UTC)))
def test_next_opening_is_open_not_in_the_past_and_not_too_far(moment):
    opening = next_opening(moment)
    assert is_open(opening)
    assert opening >= moment
    assert opening - moment <= LONGEST_CLOSURE
    if opening > moment:
        assert not is_open(moment)
        assert opening.astimezone(AMS).time() == dt.time(10, 0)
