"""Two officers acting on one complaint at once: one wins, the other gets 409 and the new state."""

from __future__ import annotations

import threading

import pytest

from tests.e2e.officer_client import KEL, Officers, submit

pytestmark = pytest.mark.e2e


def at_once(*calls):
    """Run the calls together (released by one barrier) and return their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        answers[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def fresh(cloud) -> str:
    return submit(
        cloud,
        "Trotoar rusak",
        "Trotoar rusak dan berlubang di Jalan Bromo, pejalan kaki terpaksa turun ke jalan.",
        "Klojen",
        "Oro-oro Dowo",
    )


def test_two_coordinators_on_the_same_version_one_wins_the_other_sees_the_new_state(cloud):
    officers = Officers(cloud)
    tracking_id = fresh(cloud)
    version = officers.detail("koordinator", tracking_id)["complaint"]["version"]
    verify, defer = at_once(
        lambda: officers.act(
            "koordinator", tracking_id, action="verify", unit_id=KEL, version=version
        ),
        lambda: officers.act(
            "koordinator",
            tracking_id,
            action="defer",
            text="Di depan nomor berapa?",
            version=version,
        ),
    )
    statuses = sorted([verify.status, defer.status])
    assert statuses == [200, 409], (verify, defer)
    winner, loser = (verify, defer) if verify.status == 200 else (defer, verify)
    # the loser is told what happened: the complaint as it is now, and what it may still do
    assert loser.json["error"]["code"] == "version_conflict"
    state = loser.json["error"]["details"]
    assert state["version"] == version + 1 and state["status"] == winner.json["complaint"]["status"]
    # exactly one change was written
    history = officers.history(tracking_id)
    assert history.count("ComplaintVerified") + history.count("ComplaintDeferred") == 1


def test_the_same_action_twice_at_once_is_done_once(cloud):
    officers = Officers(cloud)
    tracking_id = fresh(cloud)
    answers = at_once(
        *[
            lambda: officers.act("koordinator", tracking_id, action="verify", unit_id="dpuprpkp")
            for _ in range(3)
        ]
    )
    assert sorted(a.status for a in answers) == [200, 409, 409], answers
    for lost in (a for a in answers if a.status == 409):
        # lost the race on the write, or read after the winner's write: either way a clear 409
        assert lost.json["error"]["code"] in ("version_conflict", "action_not_allowed_in_status")
        assert lost.json["error"]["details"]["status"] == "dispatched"
    assert officers.history(tracking_id).count("ComplaintDispatched") == 1


def test_a_stale_screen_gets_409_with_the_current_state(cloud):
    officers = Officers(cloud)
    tracking_id = fresh(cloud)
    version = officers.detail("koordinator", tracking_id)["complaint"]["version"]
    assert (
        officers.post(
            "koordinator", f"/v1/officer/complaints/{tracking_id}/notes", {"text": "cek lokasi"}
        ).status
        == 201
    )
    stale = officers.act("koordinator", tracking_id, action="verify", unit_id=KEL, version=version)
    assert stale.status == 409 and stale.json["error"]["details"]["version"] == version + 1, stale
    assert "verify" in stale.json["error"]["details"]["allowed_actions"]


def test_actions_the_role_or_status_does_not_allow_say_why(cloud):
    officers = Officers(cloud)
    tracking_id = fresh(cloud)
    officers.act("koordinator", tracking_id, action="verify", unit_id="dpuprpkp")
    role = officers.act(
        "binamarga.dpuprpkp", tracking_id, action="verify"
    )  # a bidang never verifies
    assert role.status == 403, role
    status = officers.act(
        "koordinator", tracking_id, action="defer", text="?"
    )  # no deferral once dispatched
    assert (
        status.status == 409 and status.json["error"]["code"] == "action_not_allowed_in_status"
    ), status
    assert (
        status.json["error"]["details"]["status"] == "dispatched"
        and "message_en" in status.json["error"]["details"]
    )
    wrong_bidang = officers.act(
        "admin.dpuprpkp", tracking_id, action="dispatch", bidang_id="dlh.pertamanan"
    )
    assert wrong_bidang.status == 422 and wrong_bidang.json["error"]["code"] == "unknown_bidang"
    unknown = officers.act("koordinator", tracking_id, action="teleport")
    assert unknown.status == 422
