"""Full garbage collections that walk only what is new: for the local cloud's long-lived processes.

Python's full collection walks every object the process holds. The emulator holds every item,
index map and stream record, the local cloud's process its pollers, gateway and fake providers'
records, so their full collections grew with the run: 0.2-0.5 s in the emulator and 0.15 s in
the local cloud, every 15-25 s, a few thousand complaints in, with every request in that process
waiting for it. After each full collection the objects that survived it are frozen (gc.freeze):
the next one walks only what came since. Refcounting still frees frozen objects; only reference
cycles among them would stay, which a local run can afford; a process that goes on after its
local cloud (a test session) gives the freeze back when the last cloud stops.
"""

from __future__ import annotations

import gc
from typing import Any


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


_holders = 0  # the local clouds of this process that asked for the freeze and have not stopped


def walk_new_objects_only() -> None:
    """Install the freeze in this process (once, however often called)."""
    global _holders
    _holders += 1
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def walk_all_objects_again() -> None:
    """The last holder gone: full collections walk everything again, the frozen objects too (so
    the cycles among them are freed)."""
    global _holders
    _holders = max(0, _holders - 1)
    if _holders == 0 and _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()
