"""A function's settings: what it cannot work without is checked before its first event."""

from __future__ import annotations

import dataclasses

import pytest

from aduan.settings import MissingSettings, Settings, needs, require


def test_a_missing_variable_is_named():
    # GIVEN a container started with the table but not the bucket
    settings = Settings.from_env({"TABLE_NAME": "complaints"})
    # THEN asking for both names what is missing, by its environment variable
    with pytest.raises(MissingSettings, match="MEDIA_BUCKET_NAME") as missing:
        require(settings, ["table_name", "media_bucket_name"])
    assert "TABLE_NAME" not in str(missing.value)
    assert require(settings, ["table_name"]) is settings


def test_a_default_is_not_a_value_the_function_was_given():
    # table_name has a default for local tools, but a function that needs it must be told it
    with pytest.raises(MissingSettings, match="TABLE_NAME"):
        require(Settings.from_env({}), ["table_name"])
    with pytest.raises(MissingSettings, match="MEDIA_BUCKET_NAME"):
        require(Settings.from_env({"MEDIA_BUCKET_NAME": ""}), ["media_bucket_name"])


def test_the_entry_point_checks_before_handling_anything():
    handled = []
    given = Settings.from_env({"TABLE_NAME": "complaints"})

    @needs("table_name", "event_bus_name", settings=lambda: given)
    def lambda_handler(event, context):
        handled.append(event)
        return "ok"

    with pytest.raises(MissingSettings, match="EVENT_BUS_NAME"):
        lambda_handler({"n": 1}, None)
    assert handled == [] and lambda_handler.needs == ("table_name", "event_bus_name")
    given = Settings.from_env({"TABLE_NAME": "complaints", "EVENT_BUS_NAME": "aduan"})
    assert lambda_handler({"n": 2}, None) == "ok" and handled == [{"n": 2}]


def test_only_settings_can_be_needed():
    with pytest.raises(ValueError, match="tabel_name"):
        needs("tabel_name")


def test_values_take_their_fields_type_and_a_wrong_one_is_refused():
    settings = Settings.from_env({"HTTP_TIMEOUT_SECONDS": "2.5", "media_max_bytes": "100"})
    assert settings.http_timeout_seconds == 2.5 and settings.media_max_bytes == 100
    assert settings.given == {"http_timeout_seconds", "media_max_bytes"}
    # the error names the variable, never its value (it could be a secret's)
    with pytest.raises(ValueError, match="^MEDIA_MAX_BYTES is not a valid int$"):
        Settings.from_env({"MEDIA_MAX_BYTES": "5 MB"})


def test_a_value_set_in_code_counts_as_given():
    assert require(Settings(table_name="complaints"), ["table_name"])
    replaced = dataclasses.replace(Settings.from_env({}), media_bucket_name="photos")
    assert replaced.given == {"media_bucket_name"}
    assert require(replaced, ["media_bucket_name"]).media_bucket_name == "photos"
