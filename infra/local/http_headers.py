"""Request headers read without the e-mail parser, for the emulator's HTTP server (its fix 18).

Python's http.server reads every request's headers through http.client.parse_headers, which
hands them to the e-mail package's feed parser: about half of the emulator's CPU for a GetItem
(py-spy), on every AWS call of every function. A header block of plain `Name: value` lines (all
an AWS SDK sends) is read here line by line into the same HTTPMessage, with the same names and
values in the same order; anything else (folded lines, a line without a name, a stray CR, a
"From " line) goes to the e-mail parser as before (tests/unit/test_http_headers.py compares
both).
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import IO, Any

# A header name as the feed parser reads one: printable ASCII but the colon, at least one.
_PLAIN_LINE = re.compile(r"[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r?\n")
_email_parse = http.client.parse_headers


def parse_headers(fp: IO[bytes], _class: Any = http.client.HTTPMessage) -> Any:
    """http.client.parse_headers, the e-mail parser skipped for plain header lines."""
    lines = http.client._read_headers(fp)  # type: ignore[attr-defined]  # its limits, unchanged
    message = _class()
    for raw in lines[:-1]:  # the last is the empty line that ends them (or the end of input)
        line = raw.decode("iso-8859-1")
        if _PLAIN_LINE.fullmatch(line) is None:
            return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))
        name, _, value = line.partition(":")
        # as the e-mail package's compat32 policy stores a parsed header
        message.set_raw(name, value.lstrip(" \t").rstrip("\r\n"))
    message.set_payload("")  # the (empty) body the e-mail parser finds after the headers
    return message


def install() -> None:
    """For this process (the emulator's): http.server reads request headers here."""
    http.client.parse_headers = parse_headers  # type: ignore[assignment]
