"""The emulator's header reading (infra/local/http_headers.py) gives the same message as
http.client.parse_headers, the e-mail parser's, for any header block: plain ones read directly,
anything unusual handed over."""

from __future__ import annotations

import http.client
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infra.local import http_headers

BLOCKS = [
    b"",
    b"\r\n",
    b"Host: 127.0.0.1:4566\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n\r\n",
    b"Content-Length: 12\nAccept-Encoding: identity\n\n",  # bare LF line ends
    b"A:b\r\nA:  second\t \r\nEmpty:\r\n\r\n",  # repeated, no space, trailing blanks, empty
    b"Host: x\r\n",  # the input ends without the empty line
    b"Folded: one\r\n  two\r\nNext: 3\r\n\r\n",  # an obsolete continuation line
    b" Leading: continuation first\r\nHost: x\r\n\r\n",
    b"From someone\r\nHost: x\r\n\r\n",  # an envelope line
    b"Host: x\r\nno colon here\r\nAfter: y\r\n\r\n",  # the body starts early
    b": no name\r\nHost: x\r\n\r\n",
    b"Stray: a\rb\r\n\r\n",  # a lone CR inside a value
    b"Latin: caf\xe9 \x85 ok\r\n\r\n",
    b"Spaced Name: v\r\n\r\n",
]


def _alike(block: bytes) -> None:
    expected = http.client.parse_headers(io.BytesIO(block))
    got = http_headers.parse_headers(io.BytesIO(block))
    assert type(got) is type(expected)
    assert got.items() == expected.items(), block
    assert got.policy is expected.policy
    # the defects the e-mail parser notes are new objects each time: alike by kind and text
    assert [repr(d) for d in got.defects] == [repr(d) for d in expected.defects], block
    assert {**vars(got), "defects": None} == {**vars(expected), "defects": None}, block


@pytest.mark.parametrize("block", BLOCKS)
def test_a_header_block_reads_as_the_email_parser_reads_it(block):
    _alike(block)


_TEXT = st.text(
    st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\n"), max_size=30
)
# mostly header-like lines (a name, a colon, a value), with the odd character in the name
_LINE = st.one_of(
    _TEXT,
    st.builds(
        lambda name, value: f"{name}:{value}",
        st.text(st.sampled_from("Xa-_7 \t:\rF"), max_size=6),
        st.one_of(_TEXT, st.text(st.sampled_from(" \tab\r"), max_size=6)),
    ),
)


@given(st.lists(_LINE, max_size=8), st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_any_header_block_reads_as_the_email_parser_reads_it(lines, end, finished):
    block = "".join(line + end for line in lines) + (end if finished else "")
    _alike(block.encode("iso-8859-1"))


def test_the_limits_of_http_client_still_hold():
    too_many = b"".join(b"H%d: v\r\n" % i for i in range(http.client._MAXHEADERS + 1))
    with pytest.raises(http.client.HTTPException):
        http_headers.parse_headers(io.BytesIO(too_many + b"\r\n"))
    with pytest.raises(http.client.LineTooLong):
        http_headers.parse_headers(io.BytesIO(b"Long: " + b"x" * 70000 + b"\r\n\r\n"))
