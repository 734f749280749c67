"""Action helpers for the modeller tests: a signed-in browser of a role, with its CSRF token."""
from __future__ import annotations

from pathlib import Path

from engine.people.users import add_user
from tests.web.pages_actions import csrf_from, sign_in_directly

DEFAULT_PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"


class Session:
    """A test client signed in as one user (as after sign-in and two-factor), sending JSON with CSRF."""

    def __init__(self, app, user_id: int):
        self.client = app.test_client()
        sign_in_directly(app, self.client, user_id)
        self._csrf = None

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = csrf_from(self.client.get("/mijn-meldingen").get_data(as_text=True))
        return self._csrf

    def _headers(self) -> dict:
        return {"X-CSRFToken": self.csrf, "Accept": "application/json"}

    def get(self, path, **kwargs):
        return self.client.get(path, headers={"Accept": "application/json"}, **kwargs)

    def page(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def put(self, path, json):
        return self.client.put(path, json=json, headers=self._headers())

    def post(self, path, json=None):
        return self.client.post(path, json=json, headers=self._headers())

    def delete(self, path):
        return self.client.delete(path, headers=self._headers())

    def upload(self, path, name: str, content: bytes, *, as_json: bool = True):
        """Post ``content`` as the multipart field ``bestand`` (the body built here: the test client would
        spool a large one to a temporary file it never closes)."""
        headers = {"X-CSRFToken": self.csrf}
        if as_json:
            headers["Accept"] = "application/json"
        body = (b'--grens\r\nContent-Disposition: form-data; name="bestand"; filename="' + name.encode() +
                b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + content + b"\r\n--grens--\r\n")
        return self.client.post(path, data=body, headers=headers, content_type="multipart/form-data; boundary=grens")


def session_for(app, orchestrator, clock, rol: str, username: str | None = None) -> Session:
    """A new user with ``rol`` in Nijmegen (the region for regional roles), signed in."""
    from engine.domain.roles import REGIONAL_ROLES
    from engine.people.regions import assign_gemeente, ensure_regio
    from engine.people.users import ensure_gemeente

    with orchestrator.db.write() as conn:
        if rol in REGIONAL_ROLES:
            assign_gemeente(conn, ensure_regio(conn, "Gelderland-Zuid"), ensure_gemeente(conn, "Nijmegen"))
            where = {"gemeente_naam": None, "regio_naam": "Gelderland-Zuid"}
        else:
            where = {"gemeente_naam": None if rol == "beheerder" else "Nijmegen"}
        user_id = add_user(conn, username or f"{rol}-test", now=clock.now(), naam=f"Test {rol}", roles=[rol], **where)
    return Session(app, user_id)


def default_files() -> dict[str, str]:
    """The default process's files, as text by relative name (what the editor sends)."""
    return {p.relative_to(DEFAULT_PROCESS).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(DEFAULT_PROCESS.rglob("*")) if p.is_file()}
