"""`python -m infra.local`'s state folder: what --fresh deletes, what a start says, and what a
snapshot that cannot be read says (infra.local.snapshot)."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import pytest

from infra.local.__main__ import forget, state_line
from infra.local.snapshot import FILE, FORMAT, Unreadable, load


def test_fresh_deletes_only_the_local_clouds_own_files(tmp_path):
    # GIVEN a state folder holding the snapshot, a write's leftover, and a file of the user's
    (tmp_path / FILE).write_bytes(b"snapshot")
    (tmp_path / f".{FILE}.4242.tmp").write_bytes(b"half")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "sub").mkdir()
    # WHEN --fresh clears it
    gone = forget(tmp_path)
    # THEN only the local cloud's files are gone
    assert sorted(p.name for p in gone) == sorted([FILE, f".{FILE}.4242.tmp"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "sub"]


def test_fresh_on_a_folder_not_there_deletes_nothing(tmp_path):
    assert forget(tmp_path / "missing") == []


def test_the_start_says_where_the_state_goes(tmp_path):
    empty = state_line(SimpleNamespace(state=tmp_path, restored=False))
    assert empty == (
        f"State starts empty; kept in {tmp_path}/ at stop (Ctrl-C) for the next start;"
        " --fresh starts empty."
    )
    assert "memory only (LocalStack mode)" in state_line(SimpleNamespace(state=None))


def test_a_snapshot_that_cannot_be_read_says_where_why_and_what_to_do(tmp_path):
    # GIVEN a snapshot by another moto whose backends no longer unpickle
    with (tmp_path / FILE).open("wb") as out:
        pickle.dump({"format": FORMAT, "moto": "0.0.1"}, out)
        out.write(b"\x80\x05not a pickle")
    # WHEN it is loaded THEN the start stops, naming the folder, the reason and --fresh
    with pytest.raises(Unreadable) as raised:
        load(tmp_path / FILE)
    message = str(raised.value)
    assert message.startswith(f"the state in {tmp_path} cannot be read (UnpicklingError")
    assert "written by moto 0.0.1" in message
    assert message.endswith("); start with --fresh")


def test_a_snapshot_of_another_format_is_refused(tmp_path):
    with (tmp_path / FILE).open("wb") as out:
        pickle.dump({"format": FORMAT + 1, "moto": "0.0.1"}, out)
    with pytest.raises(Unreadable, match=rf"format {FORMAT + 1}, this emulator reads {FORMAT}"):
        load(tmp_path / FILE)
