from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from recommender.feedformat import epoch_datetime, parse_timestamps

SEPT_13 = datetime(2020, 9, 13, 12, 26, 40)  # 1600000000 s after 1970-01-01


@pytest.mark.parametrize(
    "text",
    ["1600000000", "1600000000000", "1600000000000000", "1600000000000000000", " 1600000000.0 "],
)
def test_epoch_numbers_in_every_unit_are_the_same_moment(text: str) -> None:
    assert epoch_datetime(text) == SEPT_13


def test_fractions_are_kept_to_the_microsecond() -> None:
    assert epoch_datetime("1600000000.25") == datetime(2020, 9, 13, 12, 26, 40, 250000)
    assert epoch_datetime("1600000000123") == datetime(2020, 9, 13, 12, 26, 40, 123000)


@pytest.mark.parametrize("text", ["20200913", "2020-09-13", "-1600000000", "16e8", "", "today"])
def test_other_text_is_not_an_epoch_number(text: str) -> None:
    assert epoch_datetime(text) is None


def test_a_column_may_mix_iso_and_epoch_text_and_keep_missing_values() -> None:
    column = pd.Series(
        ["1600000000", "2020-09-13T14:26:40+02:00", None, "20200913", "1600000000000", "1600000000"]
    )

    parsed = parse_timestamps(column)

    assert parsed.dtype == np.dtype("datetime64[ns]")
    assert parsed.tolist()[:2] == [pd.Timestamp(SEPT_13)] * 2
    assert pd.isna(parsed[2])
    assert parsed[3] == pd.Timestamp("2020-09-13")
    assert parsed[4] == parsed[5] == pd.Timestamp(SEPT_13)


def test_a_numeric_column_is_read_as_epoch_numbers() -> None:
    parsed = parse_timestamps(pd.Series([1_600_000_000, 1_600_000_000_000]))

    assert parsed.tolist() == [pd.Timestamp(SEPT_13)] * 2


def test_text_that_is_no_time_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="yesterday"):
        parse_timestamps(pd.Series(["2020-09-13", "yesterday"]))
