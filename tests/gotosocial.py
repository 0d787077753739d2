"""A real GoToSocial server for the Mastodon tests: started once per test session (per xdist
worker) by ``../shared/servers/gotosocial/start.sh`` in its own temporary folder, killed at the end.

GoToSocial speaks the Mastodon client API with ULID ids, serves hashtag timelines only with a
token, advertises no tag RSS feed and makes no link cards. :class:`GoToSocial` builds scenes
through that API (follow, lists, posts, boosts) as the users ``me``, ``alice``, ``bob`` and
``carol``; the server is shared by the session's tests, so each test uses its own lists, tags and
links (:func:`unique`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

START = Path(os.environ.get("PLN_GOTOSOCIAL_START",
                            Path(__file__).resolve().parents[2] / "shared/servers/gotosocial/start.sh"))
"""start.sh of the shared test server (``/work/shared`` next to the checkout by default)."""

USERS = ("me", "alice", "bob", "carol")


def unique(prefix: str) -> str:
    """A name no other test on the shared server uses (tags: letters and digits only)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class GoToSocial:
    url: str
    pid: int
    users: dict[str, dict[str, str]]
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(base_url=self.url, timeout=30.0)

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``: how handles and status URLs name the instance."""
        return self.url.split("//", 1)[1]

    def token(self, user: str) -> str:
        return self.users[user]["token"]

    def id(self, user: str) -> str:
        return self.users[user]["id"]

    def call(self, method: str, path: str, user: str = "me", **kwargs: Any) -> Any:
        response = self._client.request(method, path, headers={"Authorization": f"Bearer {self.token(user)}"},
                                        **kwargs)
        assert response.status_code < 400, (method, path, response.status_code, response.text)
        return response.json()

    def follow(self, user: str, whom: str) -> None:
        self.call("POST", f"/api/v1/accounts/{self.id(whom)}/follow", user)

    def make_list(self, title: str, members: list[str], owner: str = "me") -> str:
        """A list of ``owner`` holding ``members`` (followed first); its ULID."""
        for member in members:
            self.follow(owner, member)
        list_id = str(self.call("POST", "/api/v1/lists", owner, data={"title": title})["id"])
        self.call("POST", f"/api/v1/lists/{list_id}/accounts", owner,
                  data={"account_ids[]": [self.id(m) for m in members]})
        return list_id

    def post(self, user: str, text: str) -> dict[str, Any]:
        status: dict[str, Any] = self.call("POST", "/api/v1/statuses", user,
                                           data={"status": text, "visibility": "public"})
        return status

    def boost(self, user: str, status_id: str) -> dict[str, Any]:
        boosted: dict[str, Any] = self.call("POST", f"/api/v1/statuses/{status_id}/reblog", user)
        return boosted

    def close(self) -> None:
        self._client.close()
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        for _ in range(100):  # the server exits within a second or two; then the folder can go
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)


def start(folder: Path) -> GoToSocial:
    """Start GoToSocial in ``folder``; raises with the server's own words when it cannot."""
    if not START.is_file():
        raise RuntimeError(f"GoToSocial's start.sh is not at {START} (set PLN_GOTOSOCIAL_START)")
    done = subprocess.run(["bash", str(START), str(folder)], check=False, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "GTS_USERS": " ".join(USERS)})
    if done.returncode != 0:
        log = folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"GoToSocial did not start ({done.returncode}): {done.stderr[-2000:]}\n{tail}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    return GoToSocial(url=info["url"], pid=int(info["pid"]), users=info["users"])
