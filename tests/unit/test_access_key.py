"""The citizen's access key: random, stored as a hash, bound to its complaint."""

from __future__ import annotations

from aduan import access_key


def test_keys_are_random_and_long_enough():
    keys = {access_key.new_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(k) >= 22 for k in keys)  # >= 128 bits of url-safe base64


def test_only_the_hash_is_kept_and_it_matches_only_its_own_key_and_complaint():
    key = access_key.new_key()
    stored = access_key.digest("ABCDE-FGHJK", key)
    assert key not in stored
    assert access_key.matches("ABCDE-FGHJK", key, stored)
    assert not access_key.matches("ABCDE-FGHJK", access_key.new_key(), stored)
    assert not access_key.matches("ZZZZZ-ZZZZZ", key, stored)  # another complaint's key never works


def test_a_missing_key_or_hash_never_matches():
    stored = access_key.digest("ABCDE-FGHJK", "k")
    assert not access_key.matches("ABCDE-FGHJK", None, stored)
    assert not access_key.matches("ABCDE-FGHJK", "", stored)
    assert not access_key.matches(
        "ABCDE-FGHJK", "k", None
    )  # a complaint without a key (chat channels)
    assert not access_key.matches("ABCDE-FGHJK", "x" * 5000, stored)


def test_the_private_link_carries_the_key_in_the_fragment():
    assert (
        access_key.private_link("https://aduan.example/", "ABCDE-FGHJK")
        == "https://aduan.example/lacak/ABCDE-FGHJK"
    )
    assert (
        access_key.private_link("https://aduan.example", "ABCDE-FGHJK", "s3cr3t")
        == "https://aduan.example/lacak/ABCDE-FGHJK#k=s3cr3t"
    )
