"""aduan.model: what the house's models check, and how a refusal reads (no value echoed)."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest

from aduan.model import Fact, Form, Meta, Model, Trimmed, ValidationError, problems


class Pin(Form, kw_only=True):
    lat: Annotated[float, Meta(ge=-90, le=90)]
    count: int = 0


class Body(Form, kw_only=True):
    name: Annotated[str, Meta(min_length=1, pattern=r"\S")]
    kind: Literal["a", "b"] = "a"
    pins: list[Pin] = []


def refusal(data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Body.parse(data)
    (first,) = problems(caught.value)
    return first


def test_a_refusal_names_the_field_by_its_path_and_never_echoes_the_value():
    assert refusal({"name": "x", "pins": [{"lat": 91}]})["field"] == "pins.0.lat"
    assert refusal({"name": "x", "kind": "rahasia-warga"}) == {
        "field": "kind",
        "problem": "Invalid enum value",
    }
    assert refusal({"name": "x", "extra": 1})["field"] == "extra"
    assert refusal({})["field"] == "name"


def test_a_form_trims_its_text_after_checking_that_it_holds_something():
    assert Body.parse({"name": "  Sri  "}).name == "Sri"
    assert refusal({"name": "   "})["field"] == "name"


def test_a_whole_number_sent_as_4_0_is_4_but_true_and_text_are_not_numbers():
    assert Body.parse({"name": "x", "pins": [{"lat": 1, "count": 4.0}]}).pins[0].count == 4
    assert refusal({"name": "x", "pins": [{"lat": 1, "count": 4.5}]})["field"] == "pins.0.count"
    assert refusal({"name": "x", "pins": [{"lat": True}]})["field"] == "pins.0.lat"
    assert refusal({"name": "x", "pins": [{"lat": "1"}]})["field"] == "pins.0.lat"


class Stored(Model, kw_only=True):
    id: str


class Said(Fact, kw_only=True):
    text: Annotated[str, Meta(min_length=1)]


class Partner(Trimmed, kw_only=True):
    code: str


def test_stored_shapes_and_partners_ignore_fields_they_do_not_know_yet():
    assert Stored.parse({"id": "A", "GSI1PK": "x"}).id == "A"
    assert Partner.parse({"code": " X ", "new_field": 1}).code == "X"


def test_checked_checks_keyword_values_as_parse_checks_a_dict_and_facts_do_not_change():
    with pytest.raises(ValidationError):
        Said.checked(text="")
    said = Said.checked(text="halo")
    with pytest.raises(AttributeError):
        said.text = "lain"  # type: ignore[misc]
    assert said.replace(text="lain").text == "lain" and said.text == "halo"
