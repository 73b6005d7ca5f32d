"""Helpers for the officer e2e tests: demo officers' tokens, the officer API, citizens' complaints."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support import Answer, eventually, http

KEL = "kel-klojen-oro-oro-dowo"
KEL_SERVICES = f"{KEL}.pemberdayaan-masyarakat-dan-pelayanan"
KEL_GOVERNMENT = f"{KEL}.pemerintahan-dan-ketenteraman"


class Officers:
    """The local cloud's demo officers (infra/local/auth.py), one token each."""

    def __init__(self, cloud: Any, tokens: dict[str, str] | None = None) -> None:
        """`tokens`: username -> a token to use instead of signing in (one issued before)."""
        self.cloud = cloud
        self._tokens: dict[str, str] = dict(tokens or {})

    def token(self, username: str) -> str:
        if username not in self._tokens:
            self._tokens[username] = self.cloud.gateway.authorizer.token(username)
        return self._tokens[username]

    def get(self, username: str | None, path: str) -> Answer:
        headers = {"authorization": f"Bearer {self.token(username)}"} if username else {}
        return http("GET", f"{self.cloud.gateway_url}{path}", headers=headers)

    def post(self, username: str | None, path: str, body: Any) -> Answer:
        headers = {"authorization": f"Bearer {self.token(username)}"} if username else {}
        return http("POST", f"{self.cloud.gateway_url}{path}", body, headers=headers)

    def detail(self, username: str, complaint_id: str) -> dict[str, Any]:
        answer = self.get(username, f"/v1/officer/complaints/{complaint_id}")
        assert answer.status == 200, answer
        return answer.json

    def act(self, username: str, complaint_id: str, **body: Any) -> Answer:
        return self.post(username, f"/v1/officer/complaints/{complaint_id}/actions", body)

    def history(self, complaint_id: str) -> list[str]:
        return [h["event"] for h in self.detail("koordinator", complaint_id)["history"]]


def unique_email() -> str:
    return f"warga-{uuid.uuid4().hex[:8]}@example.com"


# The citizen's access key of each complaint `submit` filed (the POST answer shows it once).
ACCESS_KEYS: dict[str, str] = {}


def as_citizen(tracking_id: str) -> dict[str, str]:
    """The header that lets the citizen who filed `tracking_id` act on it."""
    return {"X-Access-Key": ACCESS_KEYS[tracking_id]}


def submit(
    cloud: Any,
    title: str,
    description: str,
    kecamatan: str,
    kelurahan: str,
    email: str | None = None,
    **extra: Any,
) -> str:
    """A web complaint, returned once routing has classified it (category known)."""
    body = {
        "title": title,
        "description": description,
        "location": {"kecamatan": kecamatan, "kelurahan": kelurahan},
        **extra,
    }
    if email:
        body["reporter"] = {"name": "Sri Rahayu", "email": email}
    answer = http("POST", f"{cloud.gateway_url}/v1/complaints", body)
    assert answer.status == 202, answer
    tracking_id = answer.json["tracking_id"]
    ACCESS_KEYS[tracking_id] = answer.json["access_key"]
    officers = Officers(cloud)

    def routed() -> bool:
        return officers.detail("koordinator", tracking_id)["complaint"]["category"] is not None

    eventually(routed, what=f"routing of {tracking_id}")
    return tracking_id


def outbox(cloud: Any, **filters: str) -> list[dict[str, Any]]:
    from urllib.parse import urlencode

    return http("GET", f"{cloud.providers_url}/_outbox?{urlencode(filters)}").json["messages"]
