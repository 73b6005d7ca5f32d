"""The local cloud keeps its state across a restart: what `make run` does with .local-state/.

A module of its own: it starts two clouds of its own, one after the other, on the same ports and
the same state folder (a temporary one: the suite never reads a developer's .local-state/). The
embedded emulator only, whatever ADUAN_CLOUD says (LocalStack's own state is not kept: `make
test-localstack` does not collect this module, see LS_NOT_RUN).
"""

from __future__ import annotations

import pytest

from infra.local.cloud import LocalCloud, Ports
from infra.local.snapshot import FILE
from tests.conftest import CLOUD_LOG
from tests.e2e.officer_client import KEL, Officers, outbox, submit, unique_email
from tests.support import eventually

pytestmark = pytest.mark.e2e

COORD = "koordinator"


def start(ports: Ports, state) -> LocalCloud:
    return LocalCloud(
        ports, endpoint="", quiet=True, logs=CLOUD_LOG, state=state, run_schedules=False
    ).start()


def mails(cloud, to, tracking_id):
    return outbox(cloud, channel="email", to=to, contains=tracking_id)


def test_a_restarted_cloud_goes_on_from_its_state(tmp_path):
    # GIVEN a cloud with a state folder, a complaint routed and acknowledged, an officer's token
    ports = Ports.free()
    first = start(ports, tmp_path)
    try:
        assert not first.restored
        before_mail = unique_email()
        before = submit(
            first,
            "Lampu jalan mati di Jalan Kawi",
            "Lampu penerangan jalan di Jalan Kawi dekat taman mati sejak tiga malam, jalan gelap.",
            "Klojen",
            "Oro-oro Dowo",
            email=before_mail,
        )
        eventually(lambda: mails(first, before_mail, before), what="the acknowledgement")
        eventually(first.idle, what="the first cloud idle")
        token = Officers(first).token(COORD)
    finally:
        first.stop()  # the emulator writes its snapshot
    assert (tmp_path / FILE).exists()

    # WHEN a cloud starts again from that folder
    second = start(ports, tmp_path)
    try:
        assert second.restored
        # THEN the complaint from before is there, and the token from before still signs in
        kept = Officers(second, tokens={COORD: token})
        seen = kept.detail(COORD, before)
        assert seen["reporter"]["email"] == before_mail
        # an officer acts on it; the citizen hears of that, and was not acknowledged again
        verified = kept.act(
            COORD, before, action="verify", unit_id=KEL, version=seen["complaint"]["version"]
        )
        assert verified.status == 200, verified
        eventually(lambda: len(mails(second, before_mail, before)) >= 2, what="the dispatch mail")
        # a complaint after the restart is routed and acknowledged, once
        after_mail = unique_email()
        after = submit(
            second,
            "Saluran air tersumbat di Jalan Bandung",
            "Saluran air di Jalan Bandung tersumbat sampah, air meluap ke jalan setiap hujan.",
            "Klojen",
            "Oro-oro Dowo",
            email=after_mail,
        )
        eventually(lambda: mails(second, after_mail, after), what="the second acknowledgement")
        # the demo officers still sign in with their passwords
        assert Officers(second).token(COORD)
        eventually(second.idle, what="the second cloud idle")
        assert len(mails(second, before_mail, before)) == 2  # acknowledged, then dispatched
        assert len(mails(second, after_mail, after)) == 1
    finally:
        second.stop()
