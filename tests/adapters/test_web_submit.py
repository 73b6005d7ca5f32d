"""web.complaints.submit against a real moto table: a tracking id drawn twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aduan.complaint import ComplaintForm
from aduan.errors import Collision
from aduan.repository import ComplaintRepository
from web import complaints

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def a_form(title: str) -> ComplaintForm:
    return ComplaintForm.checked(
        title=title, description="Lampu jalan di Jl. Ijen mati sejak tiga malam"
    )


def test_a_tracking_id_drawn_twice_is_drawn_again_and_the_first_complaint_stays(
    aws_env, complaint_table, monkeypatch
):
    repository = ComplaintRepository(*complaint_table)
    first = complaints.submit(a_form("Lampu mati"), repository, "", NOW).complaint
    draws = iter([first.id, "7K3MQ-9XWT2"])
    monkeypatch.setattr(complaints, "new_tracking_id", lambda: next(draws))
    second = complaints.submit(a_form("Lampu mati lagi"), repository, "", NOW).complaint
    assert second.id == "7K3MQ-9XWT2"
    stored_first, stored_second = repository.get(first.id), repository.get(second.id)
    assert stored_first is not None and stored_first.title == "Lampu mati"
    assert stored_second is not None and stored_second.title == "Lampu mati lagi"


def test_an_id_taken_on_every_draw_is_a_collision_not_a_version_conflict(
    aws_env, complaint_table, monkeypatch
):
    repository = ComplaintRepository(*complaint_table)
    first = complaints.submit(a_form("Lampu mati"), repository, "", NOW).complaint
    monkeypatch.setattr(complaints, "new_tracking_id", lambda: first.id)
    with pytest.raises(Collision):
        complaints.submit(a_form("Lampu mati lagi"), repository, "", NOW)
