"""docs/officers.md stays true to the code: every demo officer, with the password that works."""

from __future__ import annotations

from pathlib import Path

from infra.local.auth import DEMO_OFFICERS, DEMO_PASSWORD

DOC = (Path(__file__).resolve().parents[2] / "docs" / "officers.md").read_text()


def test_every_demo_officer_is_documented_with_role_unit_and_bidang():
    for officer in DEMO_OFFICERS:
        row = next(
            (line for line in DOC.splitlines() if line.startswith(f"| `{officer.username}` |")),
            None,
        )
        assert row is not None, officer.username
        assert f"| {officer.role} |" in row
        for group in officer.groups[1:]:
            assert group in row, (officer.username, group)


def test_the_documented_password_is_the_one_the_local_pool_uses():
    assert f"`{DEMO_PASSWORD}`" in DOC
