"""Faults the local runtime injects on purpose, to prove nothing is lost or doubled.

Only the local runtime (infra/local/worker.py carries a plan out) and the fake providers inject
faults; the product's code has no hook for them. A plan for one invocation is one of:

- `{"die": "before", "at": n}` / `{"die": "after", "at": n}`: the container dies (exit 137, as a
  container killed mid-work) just before or just after the invocation's n-th AWS call, so
  writes made before that point stay made and those after it never happen;
- `{"die": "before", "operation": "PutEvents"}`: dies before that call (a relay that read the
  stream and dies before it publishes);
- `{"die": "end"}`: the handler finished every write, the container dies before its answer got
  out (the event source retries work already done);
- `{"fail": {"operation": "PutEvents"}}`: that operation answers as a failing service would
  (PutEvents: every entry refused; anything else: HTTP 500).

Random crashes hit `crash_rate` of all invocations (of the functions in `only`, default all);
scripted ones (`die_next`, `fail_next`) hit the next invocations of one function. Each function
draws from its own generator, seeded with `seed` and its name, so a seed replays the same plan
for the n-th invocation of each function whatever the order the functions ran in.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Faults:
    crash_rate: float = 0.0
    seed: int | None = None
    only: frozenset[str] | None = None
    max_call: int = 4  # random crash points fall on one of the first max_call AWS calls
    planned: Counter[str] = field(default_factory=Counter)  # by function, for the report
    _scripted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    _randoms: dict[str, random.Random] = field(default_factory=dict)

    def _random(self, function: str) -> random.Random:
        if function not in self._randoms:
            self._randoms[function] = random.Random(f"{self.seed}:{function}")
        return self._randoms[function]

    def plan(self, function: str) -> dict[str, Any] | None:
        with self._lock:
            scripted = self._scripted.get(function)
            if scripted:
                chosen = scripted.pop(0)
            elif (
                self.crash_rate
                and (self.only is None or function in self.only)
                and self._random(function).random() < self.crash_rate
            ):
                draw = self._random(function)
                point = draw.choice(("before", "after", "end"))
                chosen = (
                    {"die": point}
                    if point == "end"
                    else {"die": point, "at": draw.randint(1, self.max_call)}
                )
            else:
                return None
            self.planned[function] += 1
            return chosen

    def die_next(self, function: str, times: int = 1, **plan: Any) -> None:
        """The next `times` invocations of `function` die as `plan` says (default: at the end)."""
        self._script(function, times, {"die": "end", **plan})

    def fail_next(self, function: str, operation: str, times: int = 1) -> None:
        """In the next `times` invocations of `function`, `operation` answers as a failure."""
        self._script(function, times, {"fail": {"operation": operation}})

    def pending(self, function: str) -> int:
        with self._lock:
            return len(self._scripted.get(function, []))

    def _script(self, function: str, times: int, plan: dict[str, Any]) -> None:
        with self._lock:
            self._scripted.setdefault(function, []).extend(dict(plan) for _ in range(times))
