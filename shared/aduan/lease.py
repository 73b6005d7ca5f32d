"""How long a claim on a side effect is held: the claiming function's timeout.

Lambda ends every invocation at its function's timeout, so a pending claim older than that was
left by an invocation that has ended (a crash, a timeout) and the next delivery may take it over;
a younger one may belong to an invocation still sending, and is waited for (notify.deliver,
aduan.consumer). The timeout is read from the invocation's own context, not written down a
second time: at the start of an invocation the time remaining is the timeout (rounded up to the
second), and every invocation of a function shares it, so the holder and the one that finds its
claim agree on the lease. (While a deploy changes the timeout, the two can differ for a moment:
a longer lease only waits longer, a shorter one could take over a live claim — lower the timeout
only when no delivery is in flight.) A local cloud that runs a function with a shorter timeout
(the bounded fault test) gets a shorter lease with it.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

# Outside an invocation (a direct call in a test): the claiming functions' Timeout in template.yaml.
WITHOUT_CONTEXT = timedelta(seconds=30)

_timeout: timedelta | None = None


def note_invocation(context: Any) -> None:
    """At the start of each invocation: its function's timeout, from the time remaining."""
    global _timeout
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    _timeout = timedelta(seconds=math.ceil(remaining() / 1000)) if callable(remaining) else None


def claim_lease() -> timedelta:
    return _timeout or WITHOUT_CONTEXT
