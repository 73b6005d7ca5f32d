"""The Open311 reads against a real moto server: the PublicListing index across months, the
rahasia rule on requests and on their steps, batch reads, and the client apps' keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aduan.complaint import ComplaintForm
from aduan.repository import ComplaintRepository, months_between
from web.complaints import build_complaint

JAN = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)


def file(repository, tracking_id: str, at: datetime, **form) -> None:
    body = ComplaintForm.checked(
        title="Lampu jalan mati",
        description="Lampu PJU di Jalan Ijen mati sejak seminggu",
        **form,
    )
    complaint, event = build_complaint(body, "open311", at, tracking_id, "req")
    repository.create(complaint, [event])


def test_months_between_covers_every_month_the_window_touches():
    months = months_between(
        datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert [m.strftime("%Y-%m") for m in months] == ["2025-12", "2026-01", "2026-02"]


def test_listing_spans_months_oldest_first_and_never_holds_a_rahasia_complaint(complaint_table):
    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    file(repository, "JAN00-00001", JAN)
    file(repository, "FEB00-00001", JAN + timedelta(days=20))
    file(repository, "FEB00-00002", JAN + timedelta(days=21), confidential=True)
    file(repository, "MAR00-00001", JAN + timedelta(days=45))
    file(repository, "MAY00-00001", JAN + timedelta(days=110))  # outside the window

    found = repository.public_requests(
        JAN - timedelta(days=1), JAN + timedelta(days=60), lambda c: True, 1000
    )
    assert [c.id for c in found] == ["JAN00-00001", "FEB00-00001", "MAR00-00001"]
    # the limit and the caller's filter are applied while reading
    assert [
        c.id for c in repository.public_requests(JAN, JAN + timedelta(days=60), lambda c: True, 2)
    ] == [
        "JAN00-00001",
        "FEB00-00001",
    ]
    picky = repository.public_requests(
        JAN, JAN + timedelta(days=60), lambda c: c.id.startswith("MAR"), 10
    )
    assert [c.id for c in picky] == ["MAR00-00001"]

    steps = repository.public_updates(JAN - timedelta(days=1), JAN + timedelta(days=60), 1000)
    assert [s.detail["data"]["complaint_id"] for s in steps] == [
        "JAN00-00001",
        "FEB00-00001",
        "MAR00-00001",
    ]
    assert {s.detail_type for s in steps} == {"ComplaintReceived"}


def test_batch_reads_keep_the_order_asked_and_skip_missing_ids(complaint_table):
    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    ids = [f"B{n:04d}-00000" for n in range(120)]  # more than one BatchGetItem
    for n, tracking_id in enumerate(ids):
        file(repository, tracking_id, JAN + timedelta(minutes=n))
    asked = [ids[110], "ZZZZZ-ZZZZZ", ids[3], ids[110], *ids[:105]]
    got = [c.id for c in repository.get_many(asked)]
    assert got[:2] == [ids[110], ids[3]] and len(got) == 106


def test_client_app_keys_are_found_by_hash_and_revoked(complaint_table):
    from infra.open311_keys import issue, listing, revoke
    from web.open311.keys import api_key_hash, key_id

    table, ddb = complaint_table
    repository = ComplaintRepository(table, ddb)
    key = issue(repository, "FixMyStreet Malang", JAN)
    stored = repository.open311_client(api_key_hash(key))
    assert stored["client"] == "FixMyStreet Malang" and not stored["revoked"]
    assert key not in str(ddb.scan(TableName=table)["Items"])  # only its hash is kept
    [row] = listing(repository)
    assert row["key_id"] == key_id(api_key_hash(key)) and row["revoked"] is False
    assert (
        revoke(repository, row["key_id"], JAN)
        and repository.open311_client(api_key_hash(key))["revoked"]
    )
    assert not revoke(repository, "000000000000", JAN)
