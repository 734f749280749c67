"""Browser tests: the real app behind a real WSGI server, driven by Debian's chromium.

* One migrated SQLite database with ``processes/signaal-naar-casus`` deployed and the
  demo users (with passwords) is built per session; each test *module* gets a copy of it
  and its own server (``site``) on 127.0.0.1 and a free port. The clock is the real one:
  the browser walks in real time.
* One chromium per xdist worker (session scope), a new browser context per test
  (``new_page``). Never downloads a browser: ``/usr/bin/chromium`` (``make test`` installs
  it via ``scripts/ensure-chromium.sh``).
* Every test module sets ``pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]``;
  with ``--dist loadgroup`` they share one worker (one chromium).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select, update

from engine.clock import SystemClock
from engine.people.users import add_user
from engine.service.demo import DEMO_USERS
from engine.service.orchestrator import Orchestrator
from engine.store import migrate
from engine.store.db import Database, make_engine
from engine.store.schema import user
from tests.browser.browser_steps import AXE_JS, DIST, PASSWORD, ROOT
from tests.browser.site_server import Site, serve_copy
from tests.people import BROWSER_EXTRA_USERS, PEOPLE

PROCESS = ROOT / "processes" / "signaal-naar-casus"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

# The demo users, plus tests.people.BROWSER_EXTRA_USERS (a second analist in Nijmegen, for two people on one task).
BROWSER_USERS = [*DEMO_USERS, *((p.gebruikersnaam, p.naam, list(p.roles), p.gemeente)
                                for p in (PEOPLE[key] for key in BROWSER_EXTRA_USERS))]


def pytest_configure(config):
    # Known to pytest also when it runs with -p no:xdist (unknown marks are errors here).
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker (--dist loadgroup)")


# --- the database and the server -------------------------------------------------------------

@pytest.fixture(scope="session")
def _bundle() -> None:
    if not (DIST / "app.js").exists() or not AXE_JS.exists():
        pytest.fail(f"The browser bundle is missing ({DIST / 'app.js'}): run `make install` first "
                    "(it builds web/static/dist with npm).", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure-chromium.sh` (or apt-get install chromium).",
                    pytrace=False)


@pytest.fixture(scope="session")
def _browser_db_template(tmp_path_factory, _bundle) -> Path:
    """A migrated SQLite file with the process deployed and every user (with password)."""
    path = tmp_path_factory.mktemp("browser-db") / "signaalroute.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    orch = Orchestrator(Database(make_engine(f"sqlite:///{path}")), SystemClock())
    try:
        orch.deploy_folder(PROCESS)
        orch.deploy_folder(ROOT / "processes" / "zorgtraject")  # the route starts it when it reaches care
        with orch.db.write() as conn:
            now = orch.clock.now()
            for number, (username, naam, roles, gemeente) in enumerate(BROWSER_USERS):
                add_user(conn, username, now=now, naam=naam, roles=roles, gemeente_naam=gemeente,
                         password=PASSWORD if number == 0 else None)
            # One argon2 hash (~0.2 s each) for everybody: the same password, the same valid hash.
            first = BROWSER_USERS[0][0]
            password_hash = conn.execute(select(user.c.password_hash).where(user.c.gebruikersnaam == first)).scalar_one()
            conn.execute(update(user).where(user.c.password_hash.is_(None)).values(password_hash=password_hash))
    finally:
        orch.db.dispose()
    return path


@pytest.fixture(scope="module")
def site(_browser_db_template, tmp_path_factory) -> Iterator[Site]:
    """This module's own copy of the database, served by werkzeug on a free port."""
    with serve_copy(_browser_db_template, tmp_path_factory.mktemp("browser-site"), "browser-site") as running:
        yield running


@pytest.fixture(scope="module")
def owner(site) -> str:
    """The process owner's authenticator secret, enrolled once per module's site (tests.browser.modeler_steps)."""
    from tests.browser.modeler_steps import enrol_owner

    return enrol_owner(site)


# --- the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser(_bundle) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, site) -> Iterator[Callable[[], Page]]:
    """``new_page()``: a page in a fresh context (own cookies: one signed-in person each).

    Uncaught JavaScript errors on any of them fail the test.
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, base_url=site.url, locale="nl-NL",
                                      timezone_id="Europe/Amsterdam")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
