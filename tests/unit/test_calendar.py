"""The working-day calendar, on real Indonesian holidays (seed: infra/seed/calendar.json)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import holidays
import pytest

from aduan import calendar as calendar_module
from aduan.calendar import END_OF_DAY, WorkingCalendar

SEED_PATH = Path(__file__).resolve().parents[2] / "infra" / "seed" / "calendar.json"
WIB = calendar_module.load_zone("Asia/Jakarta")


@pytest.fixture(scope="module")
def seed() -> dict:
    return json.loads(SEED_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cal(seed: dict) -> WorkingCalendar:
    return WorkingCalendar.from_seed(seed)


def wib(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=WIB)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime.combine(date(y, m, d), END_OF_DAY, tzinfo=WIB)


# -- the seed itself -------------------------------------------------------------------------


def test_seed_cuti_bersama_match_the_holidays_package_government_category(seed: dict) -> None:
    # GIVEN the seed's cuti bersama, year by year
    # WHEN compared with the `holidays` package's "government" category (its cuti bersama)
    # THEN they agree exactly: nothing missing and nothing extra
    by_year: dict[int, set[date]] = {}
    for item in seed["extra_non_working_days"]:
        if item["kind"] == "cuti_bersama":
            d = date.fromisoformat(item["date"])
            by_year.setdefault(d.year, set()).add(d)
    assert {2025, 2026} <= set(by_year)
    for year, days in by_year.items():
        package = holidays.country_holidays("ID", years=year, categories=("government",))
        assert days == set(package), year


def test_seed_never_repeats_a_national_holiday(seed: dict) -> None:
    # GIVEN the national holidays the calendar takes from the package (category "public")
    # WHEN the seed's extra days are compared with them
    # THEN no day is listed twice (the package is the single source of libur nasional)
    for item in seed["extra_non_working_days"]:
        d = date.fromisoformat(item["date"])
        assert d not in holidays.country_holidays("ID", years=d.year, categories=("public",))


def test_official_2025_and_2026_cuti_bersama_are_days_off(cal: WorkingCalendar) -> None:
    # GIVEN the SKB 3 Menteri lists (2025 as amended on 7 Aug 2025, 2026 of 19 Sep 2025)
    official = [
        date(2025, 1, 28),
        date(2025, 3, 28),
        date(2025, 4, 2),
        date(2025, 4, 3),
        date(2025, 4, 4),
        date(2025, 4, 7),
        date(2025, 5, 13),
        date(2025, 5, 30),
        date(2025, 6, 9),
        date(2025, 8, 18),
        date(2025, 12, 26),
        date(2026, 2, 16),
        date(2026, 3, 18),
        date(2026, 3, 20),
        date(2026, 3, 23),
        date(2026, 3, 24),
        date(2026, 5, 15),
        date(2026, 5, 28),
        date(2026, 12, 24),
    ]
    # WHEN each is asked about  THEN none is a working day, and each says why
    for d in official:
        assert not cal.is_working_day(d), d
        assert cal.non_working_reason(d).startswith("Cuti Bersama")


def test_isra_miraj_2025_is_a_national_holiday_not_cuti_bersama(cal: WorkingCalendar) -> None:
    # GIVEN Monday 27 Jan 2025 (Isra Mi'raj) and Tuesday 28 Jan 2025 (cuti bersama Imlek)
    # THEN both are days off, the first as a national holiday from the package
    assert not cal.is_working_day(date(2025, 1, 27))
    assert not cal.non_working_reason(date(2025, 1, 27)).startswith("Cuti Bersama")
    assert not cal.is_working_day(date(2025, 1, 28))


def test_malang_anniversary_is_recorded_but_not_a_day_off_until_the_city_says_so(
    cal: WorkingCalendar, seed: dict
) -> None:
    # GIVEN Hari Jadi Kota Malang (Wed 1 Apr 2026) in the seed with day_off false
    # THEN it stays a working day
    assert cal.is_working_day(date(2026, 4, 1))
    # WHEN the city declares it a day off (day_off true)
    declared = json.loads(json.dumps(seed))
    for item in declared["extra_non_working_days"]:
        if item["kind"] == "local":
            item["day_off"] = True
    city = WorkingCalendar.from_seed(declared)
    # THEN deadlines skip it
    assert not city.is_working_day(date(2026, 4, 1))
    assert city.non_working_reason(date(2026, 4, 1)) == "Hari Jadi Kota Malang ke-112"
    assert city.add_working_days(wib(2026, 3, 31), 1) == end_of(2026, 4, 2)


# -- deadlines around real holidays ----------------------------------------------------------


def test_complaint_two_days_before_nyepi_2026_runs_past_the_whole_lebaran_block(
    cal: WorkingCalendar,
) -> None:
    # GIVEN a complaint on Tuesday 17 Mar 2026 at 10:00 WIB (Nyepi is Thu 19 Mar; 18, 20, 23
    # and 24 Mar are cuti bersama; Idul Fitri is Sat-Sun 21-22 Mar)
    received = wib(2026, 3, 17)
    # WHEN the 3-working-day verification deadline is computed
    due = cal.add_working_days(received, 3)
    # THEN Tuesday is day 0 and the count resumes on Wed 25 Mar: 25, 26, 27 -> Friday 27 Mar
    assert due == end_of(2026, 3, 27)
    assert cal.reminder_at(due) == datetime(2026, 3, 26, 0, 0, tzinfo=WIB)


def test_complaint_on_the_day_before_nyepi_counts_from_after_lebaran(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Wednesday 18 Mar 2026 (cuti bersama Nyepi, the day before Nyepi)
    received = wib(2026, 3, 18, 9, 0)
    # WHEN the verification deadline is computed
    due = cal.add_working_days(received, 3)
    # THEN day 0 is the next working day, Wed 25 Mar; three working days later is Mon 30 Mar
    assert cal.day_zero(received) == date(2026, 3, 25)
    assert due == end_of(2026, 3, 30)


def test_answer_deadline_over_idul_fitri_2026_skips_holidays_and_cuti_bersama(
    cal: WorkingCalendar,
) -> None:
    # GIVEN a disposition on Monday 16 Mar 2026 at 09:00 WIB
    dispatched = wib(2026, 3, 16, 9, 0)
    # WHEN the 5-working-day answer deadline is computed
    due = cal.add_working_days(dispatched, 5)
    # THEN only 17, 25, 26, 27 and 30 Mar count: due at the end of Monday 30 Mar
    assert due == end_of(2026, 3, 30)
    assert cal.working_days_between(dispatched, due) == 5
    # AND the reminder comes on the last working day before it (Fri 27 Mar)
    assert cal.reminder_at(due) == datetime(2026, 3, 27, 0, 0, tzinfo=WIB)


def test_reminder_before_a_deadline_right_after_lebaran_lands_before_the_holidays(
    cal: WorkingCalendar,
) -> None:
    # GIVEN a deadline at the end of Wednesday 25 Mar 2026, the first working day after Lebaran
    # WHEN the "1 working day before" reminder is computed
    # THEN it is Tuesday 17 Mar at 00:00, the last working day before the holiday block
    assert cal.reminder_at(end_of(2026, 3, 25)) == datetime(2026, 3, 17, 0, 0, tzinfo=WIB)


def test_friday_evening_complaint_counts_from_monday(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Friday 6 Nov 2026 at 19:30 WIB, after office hours
    received = wib(2026, 11, 6, 19, 30)
    # WHEN the verification deadline is computed
    # THEN Monday 9 Nov is day 0 and the deadline is the end of Thursday 12 Nov
    assert cal.add_working_days(received, 3) == end_of(2026, 11, 12)


def test_friday_afternoon_complaint_before_closing_counts_from_friday(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Friday 6 Nov 2026 at 15:59 WIB, still within office hours
    # THEN Friday is day 0 and the deadline is the end of Wednesday 11 Nov
    assert cal.add_working_days(wib(2026, 11, 6, 15, 59), 3) == end_of(2026, 11, 11)
    # AND at 16:00 sharp it already counts from Monday
    assert cal.add_working_days(wib(2026, 11, 6, 16, 0), 3) == end_of(2026, 11, 12)


def test_weekend_complaint_counts_from_monday(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Saturday 14 Nov 2026 at 08:00 WIB
    # WHEN the verification deadline is computed
    # THEN Monday 16 Nov is day 0: due at the end of Thursday 19 Nov
    assert cal.add_working_days(wib(2026, 11, 14, 8, 0), 3) == end_of(2026, 11, 19)


def test_deadline_across_christmas_and_the_year_boundary(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Wednesday 23 Dec 2026 (24 Dec cuti bersama, 25 Dec Christmas,
    # 1 Jan 2027 New Year, 5 Jan 2027 Isra Mi'raj)
    received = wib(2026, 12, 23)
    # WHEN deadlines of 3 and 5 working days are computed
    # THEN they are 28, 29, 30 Dec -> Wed 30 Dec; then 31 Dec, 4 Jan -> Mon 4 Jan 2027
    assert cal.add_working_days(received, 3) == end_of(2026, 12, 30)
    assert cal.add_working_days(received, 5) == end_of(2027, 1, 4)
    # AND one more skips Isra Mi'raj on Tuesday 5 Jan 2027
    assert cal.add_working_days(received, 6) == end_of(2027, 1, 6)


def test_deadline_across_the_2025_2026_year_boundary(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Wednesday 24 Dec 2025 at 10:00 (25 Dec Christmas, 26 Dec cuti bersama)
    received = wib(2025, 12, 24)
    # WHEN a 5-working-day deadline is computed
    # THEN 29, 30, 31 Dec, 2 Jan, 5 Jan count (1 Jan is New Year): end of Monday 5 Jan 2026
    assert cal.add_working_days(received, 5) == end_of(2026, 1, 5)


def test_utc_inputs_are_read_in_jakarta_time(cal: WorkingCalendar) -> None:
    # GIVEN Sunday 8 Nov 2026 17:30 UTC, which is Monday 9 Nov 00:30 in Jakarta
    received = datetime(2026, 11, 8, 17, 30, tzinfo=UTC)
    # WHEN the deadline is computed
    due = cal.add_working_days(received, 3)
    # THEN Monday is day 0 (not Sunday): end of Thursday 12 Nov, Jakarta time, aware
    assert due == end_of(2026, 11, 12)
    assert due.utcoffset() == timedelta(hours=7)
    # AND Friday 6 Nov 12:30 UTC is 19:30 WIB, after hours
    assert cal.add_working_days(datetime(2026, 11, 6, 12, 30, tzinfo=UTC), 3) == end_of(
        2026, 11, 12
    )


def test_zero_working_days_is_the_end_of_day_zero(cal: WorkingCalendar) -> None:
    # GIVEN a complaint on Monday 9 Nov 2026 10:00  THEN n=0 gives the end of that Monday
    assert cal.add_working_days(wib(2026, 11, 9), 0) == end_of(2026, 11, 9)
    with pytest.raises(ValueError):
        cal.add_working_days(wib(2026, 11, 9), -1)


def test_naive_datetimes_are_refused(cal: WorkingCalendar) -> None:
    # GIVEN a datetime without a time zone  THEN the calendar refuses to guess one
    with pytest.raises(ValueError):
        cal.add_working_days(datetime(2026, 11, 9, 10, 0), 3)


# -- counting and neighbours -----------------------------------------------------------------


def test_working_days_between_counts_after_the_first_day_up_to_the_last(
    cal: WorkingCalendar,
) -> None:
    # GIVEN Friday 6 Nov and the following dates in 2026
    # THEN (a, b] is counted, and reversed order gives a negative count
    assert cal.working_days_between(date(2026, 11, 6), date(2026, 11, 6)) == 0
    assert cal.working_days_between(date(2026, 11, 6), date(2026, 11, 9)) == 1
    assert cal.working_days_between(date(2026, 11, 6), date(2026, 11, 13)) == 5
    assert cal.working_days_between(date(2026, 11, 13), date(2026, 11, 6)) == -5
    # AND the Lebaran block of 2026 holds only two working days between 16 and 25 Mar
    assert cal.working_days_between(date(2026, 3, 16), date(2026, 3, 25)) == 2


def test_next_and_previous_working_day_jump_over_holiday_blocks(cal: WorkingCalendar) -> None:
    # GIVEN Thursday 19 Mar 2026 (Nyepi)
    # THEN the next working day is Wed 25 Mar and the previous one Tue 17 Mar
    assert cal.next_working_day(date(2026, 3, 19)) == date(2026, 3, 25)
    assert cal.previous_working_day(date(2026, 3, 19)) == date(2026, 3, 17)
    # AND next_working_day is strictly after, even from a working day
    assert cal.next_working_day(date(2026, 11, 9)) == date(2026, 11, 10)


def test_is_working_day_accepts_datetimes_in_any_zone(cal: WorkingCalendar) -> None:
    # GIVEN Friday 6 Nov 2026 18:00 UTC, which is Saturday 01:00 in Jakarta
    # THEN it is not a working day
    assert not cal.is_working_day(datetime(2026, 11, 6, 18, 0, tzinfo=UTC))
    assert cal.is_working_day(datetime(2026, 11, 6, 10, 0, tzinfo=UTC))


def test_national_holidays_are_loaded_per_year_and_cached(seed: dict) -> None:
    # GIVEN a fresh calendar
    fresh = WorkingCalendar.from_seed(seed)
    # WHEN one day of 2026 is asked about
    fresh.is_working_day(date(2026, 3, 19))
    # THEN only 2026 was built, and asking again reuses it
    assert set(fresh._national) == {2026}
    assert fresh.national_holidays(2026) is fresh.national_holidays(2026)


def test_seeded_years_tell_ops_which_years_have_cuti_bersama(cal: WorkingCalendar) -> None:
    assert {2025, 2026} <= cal.seeded_years


def test_office_hours_end_comes_from_the_seed(seed: dict) -> None:
    # GIVEN a city whose offices close at 15:00
    late = dict(seed, office_hours_end="15:00")
    city = WorkingCalendar.from_seed(late)
    # THEN a complaint at 15:30 on a Monday counts from Tuesday
    assert city.office_hours_end == time(15, 0)
    assert city.day_zero(wib(2026, 11, 9, 15, 30)) == date(2026, 11, 10)


def test_jakarta_time_works_without_tz_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a runtime without the IANA time zone database
    def missing(name: str):
        raise calendar_module.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(calendar_module, "ZoneInfo", missing)
    # WHEN the calendar loads Asia/Jakarta
    zone = calendar_module.load_zone("Asia/Jakarta")
    # THEN it falls back to the fixed UTC+7 offset (no DST in Indonesia since 1964)
    assert datetime(2026, 6, 1, tzinfo=zone).utcoffset() == timedelta(hours=7)
    with pytest.raises(calendar_module.ZoneInfoNotFoundError):
        calendar_module.load_zone("Europe/Amsterdam")
