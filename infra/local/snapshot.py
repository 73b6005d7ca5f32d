"""The embedded emulator's state on disk: moto's backends pickled to one file, loaded at start.

The emulator child (infra.local.emulator's main) writes the file when it is stopped (SIGTERM),
and loads it at start when it is there. Every
service backend moto has created (the tables and their streams, the queues with their in-flight
messages, the buckets, the user pools with their users, passwords and tokens, the stack, the
functions' configurations) goes into one pickle, so objects the services share stay one object.

What does not pickle as it is, and what stands in for it on loading:
- locks and conditions (an SQS queue's, moto's own): new ones, unheld;
- the emulator's query maps (its _IndexMaps leave themselves out): nothing; the first query of a
  table builds them again from its items, as at any start;
- DynamoDB Streams' shard iterators: none (moto keeps every one it ever handed out, one per
  GetRecords; a poller whose iterator is gone gets a new one after its checkpoint);
- a thread or a socket: nothing (moto keeps none in its models here: the functions run in the
  local runtime, not in moto's Docker).

A snapshot must not be taken while a request changes the models it walks, and no client may hear
"done" of a change the snapshot does not hold. The gate below holds new requests back, waits for
those under way (the local pollers' SQS long polls last a second; a client's of up to 20 s is
waited for too), and takes the DynamoDB turn and every queue's lock, kept until the process
exits. Once the state is dumped, a request still in the app (only after a very long wait) is
never answered, and the answers computed before are all sent before the process exits (a lost
one would make its client retry against the restarted emulator, and apply the change twice).
The requests held back are never answered either (their clients retry, as after any dropped
connection); a receive whose answer got lost anyway leaves its messages in flight in the file,
to come back after their visibility timeout, as on AWS; a receipt handle a poller holds across a
restart stays valid (the messages keep theirs).

A snapshot that cannot be loaded (moto upgraded, a class renamed since) stops the start with a
message naming the folder and the reason (Unreadable); nothing starts empty behind one's back.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import pickle
import threading
import time
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Any

FILE = "emulator.pickle"  # in the state folder
FORMAT = 1  # the file: a header {"format", "moto"}, then the backends, two pickles
ANSWERED = "aduan.answered"  # environ: called by the request handler once its answer is sent

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def _nothing() -> None:
    return None


def _weak_values(values: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(values)


def _defaultdict(factory: Any, items: dict[Any, Any]) -> defaultdict[Any, Any]:
    return defaultdict(factory, items)


def _private_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(pem, password=None)


def _public_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem)


def _key_reduction(obj: Any) -> Any:
    """A key of `cryptography` (moto's Cognito signs its tokens with one) as its PEM text."""
    from cryptography.hazmat.primitives import serialization as s
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    private = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, dsa.DSAPrivateKey)
    private += (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)
    public = (rsa.RSAPublicKey, ec.EllipticCurvePublicKey, dsa.DSAPublicKey)
    public += (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)
    if isinstance(obj, private):
        pem = obj.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
        return _private_key, (pem,)
    if isinstance(obj, public):
        return _public_key, (obj.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo),)
    return NotImplemented


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPES):
            return threading.RLock if isinstance(
                obj, type(threading.RLock())
            ) else threading.Lock, ()
        if isinstance(obj, threading.Condition):
            return threading.Condition, ()
        if isinstance(obj, threading.Event):
            return threading.Event, ()
        if isinstance(obj, threading.Thread):
            return _nothing, ()
        if type(obj).__module__.startswith("cryptography."):
            return _key_reduction(obj)
        if isinstance(obj, weakref.WeakValueDictionary):  # moto's Lambda: ARN -> function
            return _weak_values, (dict(obj),)  # the functions are kept elsewhere in the state
        if (
            isinstance(obj, defaultdict)
            and getattr(obj.default_factory, "__name__", "") == "<lambda>"
        ):
            # moto's `defaultdict(lambda: {})`: a lambda does not pickle, the empty value's type does
            sample = obj.default_factory()
            if type(sample) not in (dict, list, set, int, str) or sample:
                raise pickle.PicklingError(f"a defaultdict whose factory makes {sample!r}")
            return _defaultdict, (type(sample), dict(obj))
        return NotImplemented


def _backend_dicts() -> dict[tuple[str, str], Any]:
    """moto's service stores in use: (module, name) -> its BackendDict."""
    from moto.core.base_backend import BackendDict

    found: dict[tuple[str, str], Any] = {}
    for backends in list(BackendDict._instances):
        module_name = backends.backend.__module__
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if value is backends:
                found[(module_name, name)] = backends
                break
    return found


def dump() -> bytes:
    """Every backend in use, as {(module, name): {account: {region: backend}}}, pickled after
    a header naming the format and moto's version."""
    import moto

    state = {
        key: {account: dict(regions) for account, regions in backends.items()}
        for key, backends in _backend_dicts().items()
    }
    _forget_shard_iterators(state)
    buffer = io.BytesIO()
    # The header first, a pickle of its own: a load that cannot unpickle the backends (a class
    # renamed since) can still say which moto wrote them.
    pickle.dump({"format": FORMAT, "moto": moto.__version__}, buffer)
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
    except Exception as error:
        raise pickle.PicklingError(f"{error} (in {', '.join(_unpicklable(state))})") from error
    return buffer.getvalue()


def _forget_shard_iterators(state: dict[tuple[str, str], Any]) -> None:
    # moto never removes one: a poller's GetRecords every quarter second adds ~14,000 an hour,
    # each pickled. The pollers keep theirs in memory and, finding it gone after a restart, ask
    # for a new one after their checkpoint (infra.local.pollers). The process exits after the
    # dump, so emptying the live dict changes nothing anyone reads.
    for (module, _), accounts in state.items():
        if module.startswith("moto.dynamodbstreams."):
            for regions in accounts.values():
                for backend in regions.values():
                    backend.shard_iterators.clear()


def _unpicklable(state: dict[tuple[str, str], Any]) -> list[str]:
    """The services whose backends do not pickle (a failed snapshot names them)."""
    failed = []
    for (module, _), accounts in state.items():
        try:
            _Pickler(io.BytesIO(), protocol=pickle.HIGHEST_PROTOCOL).dump(accounts)
        except Exception:
            failed.append(module)
    return failed


def write(path: Path, data: bytes) -> None:
    """Atomically: a stop in the middle leaves the previous snapshot, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


class Unreadable(Exception):
    """A snapshot that cannot be loaded: the message says where, why, and what to do."""


def load(path: Path) -> None:
    """Put the snapshot's backends in moto's stores (in place: moto's modules hold them)."""
    import moto

    written_by = ""
    try:
        with path.open("rb") as source:
            header = pickle.load(source)  # plain values: it loads whatever moto is installed
            if isinstance(header, dict) and "format" in header:
                if header.get("moto") != moto.__version__:
                    written_by = (
                        f"; written by moto {header.get('moto')}, this is {moto.__version__}"
                    )
                if header["format"] != FORMAT:
                    raise ValueError(f"format {header['format']}, this emulator reads {FORMAT}")
                state = pickle.load(source)
            else:  # the first snapshots (2026-12-02) were the backends alone
                state = header
        for (module_name, name), accounts in state.items():
            live = getattr(importlib.import_module(module_name), name)
            for account, regions in accounts.items():
                by_region = live[account]  # creates the account's store, as a first request would
                for region, backend in regions.items():
                    dict.__setitem__(by_region, region, backend)
    except Exception as error:
        raise Unreadable(
            f"the state in {path.parent} cannot be read ({type(error).__name__}: {error}"
            f"{written_by}); start with --fresh"
        ) from error


def own_files(folder: Path) -> list[Path]:
    """The files the local cloud writes in its state folder: the snapshot and what a write cut
    short left (the stream checkpoints are inside the snapshot, in its S3)."""
    return [
        *([folder / FILE] if (folder / FILE).exists() else []),
        *sorted(folder.glob(f".{FILE}.*.tmp")),
    ]


def remove_leftovers(folder: Path) -> None:
    """The temporary files of writes cut short (a killed emulator's)."""
    for leftover in folder.glob(f".{FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)


class Gate:
    """WSGI middleware in front of the emulator (outside SerialDynamoDB): requests pass until
    the emulator stops; then it takes the last snapshot (stop)."""

    def __init__(self, app: Any, dynamodb_turn: Any, path: Path, log: Any = print) -> None:
        self.app = app
        self.dynamodb_turn = dynamodb_turn
        self.path = path
        self.log = log
        self._open = threading.Condition()
        self._closed = False  # no request enters the app any more
        self._dumped = False  # the state is taken: no answer from now on says "done" of a change
        self._under_way = 0  # requests in the app
        self._answering = 0  # answers computed, not yet sent (the handler calls ANSWERED)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._open:
            self._open.wait_for(lambda: not self._closed)
            self._under_way += 1
        environ[ANSWERED] = self._answered
        unanswered = True
        try:
            # Materialise the answer here, so the request is done when it is uncounted.
            return list(self.app(environ, start_response))
        finally:
            with self._open:
                self._under_way -= 1
                unanswered = self._dumped
                if not unanswered:
                    self._answering += 1
                self._open.notify_all()
            if unanswered:  # its change, if any, is not in the snapshot: its client must retry
                threading.Event().wait()  # until the process exits

    def _answered(self) -> None:
        with self._open:
            self._answering -= 1
            self._open.notify_all()

    def stop(self, answers_s: float = 10.0) -> float:
        """The last snapshot, with every answer computed before it sent; requests stay held back
        until the process exits, and so do the locks. The seconds it took."""
        started = time.perf_counter()
        with self._open:  # no new request; those under way finish first
            self._closed = True
            self._wait("requests under way", lambda: self._under_way, limit_s=40.0)
        locks = contextlib.ExitStack()  # never closed: the process exits holding them
        locks.enter_context(self.dynamodb_turn)
        for lock in _queue_locks():
            locks.enter_context(lock)
        data = dump()
        with self._open:
            self._dumped = True
        write(self.path, data)
        with self._open:
            self._wait("answers not yet sent", lambda: self._answering, limit_s=answers_s)
        return time.perf_counter() - started

    def _wait(self, what: str, count: Any, limit_s: float) -> None:
        # A client's long poll (up to 20 s) is waited for; past limit_s (the parent kills the
        # child after 60 s) the snapshot is taken anyway, and what is still going never answered.
        began = time.monotonic()
        while count() and time.monotonic() - began < limit_s:
            if not self._open.wait_for(lambda: count() == 0, timeout=5.0):
                self.log(
                    f"[emulator] stopping: {count()} {what} after {time.monotonic() - began:.0f} s"
                )


def _queue_locks() -> list[Any]:
    import sys

    models = sys.modules.get("moto.sqs.models")
    if models is None:
        return []
    return [
        queue._messages_lock
        for regions in models.sqs_backends.values()
        for backend in regions.values()
        for queue in backend.queues.values()
    ]
