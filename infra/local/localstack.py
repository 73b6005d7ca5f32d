"""LocalStack mode: LocalStack serves the messaging and storage, the embedded moto the rest.

`make run-localstack` (and `make test-localstack`) start LocalStack from its own virtualenv
(`.venv-localstack`: LocalStack runs only on Python 3.13) on 127.0.0.1, the embedded moto beside
it, and deploy template.yaml across both (which service goes where: `infra/local/split.py`). With
AWS_ENDPOINT_URL set, that LocalStack (a user's own, e.g. in Docker) is used instead of starting
one. The functions always run in the local runtime, never inside LocalStack, so nothing runs
twice; the local cloud polls LocalStack's queues and moto's table stream itself.

`python -m infra.local.localstack python313` prints the interpreter the Makefile builds the
virtualenv with (or fails naming what to install); `... requests <log>` prints the request
counts LocalStack logged.
"""

from __future__ import annotations

import functools
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from infra.local import split
from infra.local import template as tpl
from infra.local.cloud import STACK, LocalCloud, Ports, _check_free

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-localstack"
INSTALL_HINT = (
    "LocalStack needs Python 3.13 (3.11 and 3.12 fail inside LocalStack). Install it, e.g. "
    "`pyenv install 3.13` or `apt-get install python3.13`, or name one with ADUAN_PYTHON313=/path/to/python3.13."
)


# ---------------------------------------------------------------- Python 3.13
def python313(environ: dict[str, str] | None = None) -> str:
    """A Python 3.13 interpreter that really runs: ADUAN_PYTHON313, pyenv's versions, then PATH.

    pyenv's `python3.13` shim fails unless 3.13 is the selected version, so the versions'
    own binaries are tried first, newest first.
    """
    env = os.environ if environ is None else environ
    path = env.get("PATH", "")
    candidates = [env.get("ADUAN_PYTHON313", "")]
    roots = [env.get("PYENV_ROOT", ""), str(Path(env.get("HOME") or Path.home()) / ".pyenv")]
    pyenv = shutil.which("pyenv", path=path)
    if pyenv:
        answer = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        roots.append(answer.stdout.strip())
    for root in filter(None, roots):
        candidates += sorted(
            glob.glob(f"{root}/versions/3.13*/bin/python3.13"), key=_version_key, reverse=True
        )
    candidates.append(shutil.which("python3.13", path=path) or "")
    for candidate in dict.fromkeys(filter(None, candidates)):
        try:
            answer = subprocess.run(
                [candidate, "-c", "import sys, venv; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except OSError:
            continue
        if answer.returncode == 0 and answer.stdout.strip() == "(3, 13)":
            return candidate
    raise SystemExit(INSTALL_HINT)


def _version_key(path: str) -> tuple[int, ...]:
    found = re.search(r"versions/3\.13\.?(\d*)", path)
    return (int(found.group(1)) if found and found.group(1) else -1,)


# ---------------------------------------------------------------- the LocalStack process
_REQUEST_LINE = re.compile(
    r"localstack\.request\.aws\s*: AWS (?P<service>[\w-]+)\.(?P<operation>\w+) => (?P<status>\d+)"
)


def request_counts(log: Path) -> Counter[str]:
    """`service.Operation` -> how many requests LocalStack answered, from its own request log."""
    counts: Counter[str] = Counter()
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            found = _REQUEST_LINE.search(line)
            if found:
                counts[f"{found['service']}.{found['operation']}"] += 1
    return counts


def health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{url}/_localstack/health", timeout=timeout) as answer:
            return json.loads(answer.read())
    except (OSError, urllib.error.URLError, ValueError):
        return None


class LocalStackProcess:
    """LocalStack as a child process on 127.0.0.1:<port>, its state in a fresh folder each start.

    The hypercorn gateway listens on the host given (the default twisted one on 0.0.0.0); no DNS
    server, no certificate download, no analytics; queue URLs by path (http://host/queue/...),
    since the default ones use host names that do not resolve here.
    """

    def __init__(self, port: int, log: Path | None = None, venv: Path = VENV) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.venv = venv
        self.log = log
        self.state: str | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_in = 0.0
        self.launched = 0.0

    def start(self, timeout: float = 90.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the process; wait_ready() waits for it (moto starts meanwhile)."""
        python = self.venv / "bin" / "python"
        if not python.exists():
            raise SystemExit(
                f"{python} is missing: `make run-localstack` or `make test-localstack` installs LocalStack. {INSTALL_HINT}"
            )
        self.launched = time.perf_counter()
        self.state = tempfile.mkdtemp(prefix="aduan-localstack-")
        if self.log is None:
            self.log = ROOT / ".local" / f"localstack-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        address = f"127.0.0.1:{self.port}"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_ENDPOINT_URL", "PYTHON"))
        } | {
            "GATEWAY_LISTEN": address,
            "LOCALSTACK_HOST": address,
            "GATEWAY_SERVER": "hypercorn",
            "DNS_ADDRESS": "0",
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            "DISABLE_EVENTS": "1",
            "SQS_ENDPOINT_STRATEGY": "path",
            "LOCALSTACK_VOLUME_DIR": self.state,
            "PYTHONUNBUFFERED": "1",  # its request log is read while it runs
        }
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [str(python), "-m", "localstack.runtime.main"],
                cwd=self.state,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 90.0) -> None:
        assert self.process is not None and self.log is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-1500:]
                self.stop()
                raise RuntimeError(
                    f"LocalStack exited with code {self.process.returncode}; its log ({self.log}) ends:\n{tail}"
                )
            if health(self.url, timeout=1.0):
                self.ready_in = time.perf_counter() - self.launched
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"LocalStack did not answer on {self.url} within {timeout} s (log: {self.log})"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)  # its state is thrown away: no need to wait long
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.state:
            shutil.rmtree(self.state, ignore_errors=True)
            self.state = None

    def requests(self) -> Counter[str]:
        return request_counts(self.log) if self.log else Counter()


# ---------------------------------------------------------------- the split local cloud
class LocalStackCloud(LocalCloud):
    """The local cloud across LocalStack and moto. `localstack_url` (or AWS_ENDPOINT_URL) names a
    LocalStack already running; otherwise one is started on `ports.aws`, moto on `ports.moto`."""

    mode = "localstack"
    gives_endpoint_back = False  # stop() restores the endpoint variables itself

    def __init__(
        self,
        ports: Ports | None = None,
        localstack_url: str | None = None,
        log: Path | None = None,
        **kwargs: Any,
    ) -> None:
        url = (
            localstack_url if localstack_url is not None else os.environ.get("AWS_ENDPOINT_URL", "")
        )
        if kwargs.get("state") is not None:  # LocalStack's state is its own: nothing is kept
            raise ValueError("a LocalStack cloud keeps no state folder")
        super().__init__(ports, endpoint="", **kwargs)
        self.own_localstack = not url
        self.localstack_url = url.rstrip("/")
        self.localstack: LocalStackProcess | None = None
        self.localstack_log = log
        self.services = split.localstack_services(os.environ)
        self.stacks: list[tuple[str, str]] = []  # (emulator, stack name), deploy order
        self.mappings: list[dict[str, Any]] = []
        self.localstack_ready_in = 0.0
        self.saved_environ: dict[str, str] | None = None

    # ---------------------------------------------------------------- emulators
    def _start_emulator(self) -> None:
        if self.own_localstack:
            _check_free(self.ports.aws, "LocalStack")
            self.localstack = LocalStackProcess(self.ports.aws, self.localstack_log)
            self.localstack.launch()  # it boots while moto starts
        elif health(self.localstack_url) is None:
            raise SystemExit(
                f"AWS_ENDPOINT_URL={self.localstack_url} does not answer /_localstack/health: is LocalStack running there?"
            )
        from infra.local.emulator import MotoProcess

        _check_free(self.ports.moto, "AWS emulator (moto)")
        self.moto = MotoProcess(self.ports.moto, output=self.output)
        self.moto.start()
        self.endpoint = f"http://127.0.0.1:{self.ports.moto}"
        if self.localstack:
            self.localstack.wait_ready()
            self.localstack_url = self.localstack.url
            self.localstack_ready_in = self.localstack.ready_in
        self.endpoints = {
            client: self.localstack_url for client in split.clients_served(self.services)
        }
        # The in-process functions create their clients from these (botocore reads them itself);
        # stop() puts back what was there, so a later cloud in this process does not inherit them.
        self.saved_environ = {
            k: v for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL")
        }
        for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL_")]:
            del os.environ[key]
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint
        for client, url in self.endpoints.items():
            os.environ[endpoint_variable(client)] = url

    def stop(self) -> None:
        super().stop()
        if not self.own_localstack and self.localstack_url:
            self._remove_stacks()  # a user's LocalStack keeps its state: leave it as it was
        if self.localstack:
            self.localstack.stop()
        if self.saved_environ is not None:
            for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
                del os.environ[key]
            os.environ.update(self.saved_environ)
            self.saved_environ = None

    # ---------------------------------------------------------------- deploy
    def _deploy(self, sam: dict[str, Any]) -> None:
        self._upload_code_placeholder()
        plan = split.plan(tpl.to_cloudformation(sam), self.services, STACK)
        params = self.parameters(sam)
        values: dict[split.Ref, str] = {}
        self.outputs = {}
        if not self.own_localstack:
            self._remove_stacks([(s.emulator, s.name) for s in plan.stacks])
        for stack in plan.stacks:
            endpoint = self.localstack_url if stack.emulator == split.LOCALSTACK else self.endpoint
            cfn = self.client_at(endpoint, "cloudformation")
            self.stacks.append((stack.emulator, stack.name))
            resources, outputs = self._create_stack(cfn, stack.name, stack.resolved(values), params)
            self.resources.update(resources)
            values.update(split.exported_values(stack, outputs))
            values.update(
                {(logical_id, None): physical for logical_id, physical in resources.items()}
            )
            self.outputs.update({k: v for k, v in outputs.items() if not k.startswith("Split")})
        functions = {
            k: self.resources[k]
            for k, r in sam["Resources"].items()
            if r["Type"] == "AWS::Serverless::Function"
        }
        lam = self.client("lambda")
        arns = {
            k: lam.get_function_configuration(FunctionName=name)["FunctionArn"]
            for k, name in functions.items()
        }
        self.mappings = split.resolved_mappings(plan, values, arns)

    def _remove_stacks(self, stacks: list[tuple[str, str]] | None = None) -> None:
        """Delete this cloud's stacks (latest first) and wait: a second start finds none."""
        for emulator, name in reversed(stacks if stacks is not None else self.stacks):
            if emulator != split.LOCALSTACK:
                continue
            cfn = self.client_at(self.localstack_url, "cloudformation")
            try:
                cfn.delete_stack(StackName=name)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
                    if status in ("DELETE_COMPLETE", "DELETE_FAILED"):
                        break
                    time.sleep(0.3)
            except Exception as error:  # gone already (describe answers ValidationError)
                if "does not exist" not in str(error):
                    print(f"[local] removing stack {name} from LocalStack: {error}")

    def _event_source_mappings(self, lam: Any) -> list[dict[str, Any]]:
        return self.mappings  # never deployed: see split.py

    # ---------------------------------------------------------------- for people and tests
    def served_by(self) -> dict[str, list[str]]:
        """Emulator URL -> the clients it serves (moto: everything not moved, the usual ones named)."""
        rest = ["dynamodb", "dynamodbstreams", "lambda", "iam", "cognito-idp", "ses"]
        return {
            self.localstack_url: list(self.endpoints),
            self.endpoint: [s for s in rest if s not in self.endpoints] + ["everything else"],
        }

    def summary(self) -> str:
        first, *rest = super().summary().splitlines()
        served = self.served_by()
        lines = [
            f"Aduan local cloud is up (LocalStack + embedded moto) in {self.started_in:.1f} s",
            f"  LocalStack       {self.localstack_url}   serves {', '.join(served[self.localstack_url])}"
            + (
                f" (ready in {self.localstack_ready_in:.1f} s; log {self.localstack.log})"
                if self.localstack
                else " (yours)"
            ),
            f"  moto             {self.endpoint}   serves {', '.join(served[self.endpoint])}",
            f"  Stacks           {', '.join(f'{name} ({emulator})' for emulator, name in self.stacks)}",
        ]
        kept = [line for line in rest if not line.lstrip().startswith("AWS endpoint")]
        # The officers' pool is moto's: the token tool must be pointed there.
        token = "infra.local.auth token koordinator"
        kept = [line.replace(token, f"{token} --endpoint {self.endpoint}") for line in kept]
        return "\n".join([*lines, *kept])

    def localstack_requests(self) -> Counter[str]:
        return self.localstack.requests() if self.localstack else Counter()


@functools.cache
def endpoint_variable(client: str) -> str:
    """AWS_ENDPOINT_URL_<SERVICE ID> as botocore reads it, e.g. logs -> ..._CLOUDWATCH_LOGS."""
    import botocore.session

    service_id = botocore.session.get_session().get_service_model(client).service_id
    return "AWS_ENDPOINT_URL_" + str(service_id).upper().replace(" ", "_")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="LocalStack helpers for the Makefile.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "python313", help="print a Python 3.13 interpreter (or fail naming what to install)"
    )
    counts = commands.add_parser(
        "requests", help="print the request counts in LocalStack logs (summed)"
    )
    counts.add_argument("logs", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "python313":
        print(python313())
    else:
        found = sum((request_counts(log) for log in args.logs), Counter())
        names = ", ".join(str(log) for log in args.logs)
        print(f"LocalStack answered {sum(found.values())} requests ({names})")
        for name, count in found.most_common():
            print(f"{count:8d}  {name}")


if __name__ == "__main__":
    sys.exit(main())
