from aduan.tracking import ALPHABET, LENGTH, new_tracking_id, normalize_tracking_id


def test_tracking_id_is_two_groups_of_five_crockford_symbols():
    tracking_id = new_tracking_id()
    left, right = tracking_id.split("-")
    assert len(left) == len(right) == 5
    assert set(left + right) <= set(ALPHABET)


def test_tracking_id_carries_at_least_40_random_bits():
    assert LENGTH * 5 >= 40 and len(ALPHABET) == 32


def test_tracking_ids_do_not_repeat_in_a_large_sample():
    sample = {new_tracking_id() for _ in range(20_000)}
    assert len(sample) == 20_000


def test_a_citizen_typing_the_id_loosely_still_finds_it():
    # GIVEN the id as a citizen might type it over SMS: lowercase, no dash, O for 0, l for 1
    # THEN it normalises to the canonical form
    assert normalize_tracking_id("a0b1c-d2e3f") == "A0B1C-D2E3F"
    assert normalize_tracking_id("aOblcd2e3f") == "A0B1C-D2E3F"
    assert normalize_tracking_id(" A0B1C D2E3F ") == "A0B1C-D2E3F"


def test_text_that_cannot_be_a_tracking_id_is_refused():
    for text in ["", "ABC", "A0B1C-D2E3FX", "UUUUU-UUUUU", "<script>", "A0B1C-D2E3!"]:
        assert normalize_tracking_id(text) is None
