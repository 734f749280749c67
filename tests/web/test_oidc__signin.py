"""Single sign-on through a local OpenID Connect provider: the whole flow over HTTP, the checks on
state and nonce, refusals, two-factor, and the settings.

Our app runs in the Flask test client; the provider (``oidc-provider-mock``) is a real HTTP server
on localhost that our app talks to for discovery, keys and tokens.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import user, user_identity
from tests.db_views import audit_details
from tests.oidc_provider import IGNORE_PROVIDER_DEPRECATIONS, local_provider
from tests.web.pages_actions import session_user
from web import create_app

pytestmark = [pytest.mark.filterwarnings(w) for w in IGNORE_PROVIDER_DEPRECATIONS]

MAPPING = {
    "sr-analist-nijmegen": {"rol": "analist", "gemeente": "Nijmegen"},
    "sr-zvh": {"rol": "zvh", "regio": "Gelderland-Zuid"},
    "sr-beheer": {"rol": "beheerder"},
}


@pytest.fixture(scope="module")
def provider():
    with local_provider() as running:
        yield running


def _config(orchestrator, clock, provider, **overrides) -> dict:
    url = orchestrator.db.engine.url.render_as_string(hide_password=False)
    return {"TESTING": True, "DATABASE_URL": url, "CLOCK": clock, "SECRET_KEY": "test",
            "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": "signaalroute", "OIDC_CLIENT_SECRET": "geheim",
            "OIDC_ROLE_MAPPING": json.dumps(MAPPING), "OIDC_PROVIDER_NAME": "Gemeente Nijmegen", **overrides}


@pytest.fixture
def make_app(orchestrator, clock, provider):
    apps = []
    with orchestrator.db.write() as conn:
        assign_gemeente(conn, ensure_regio(conn, "Gelderland-Zuid"), ensure_gemeente(conn, "Nijmegen"))

    def make(**overrides):
        app = create_app(_config(orchestrator, clock, provider, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["signaalroute"].db.dispose()


@pytest.fixture
def sso_app(make_app):
    return make_app()


def start(client) -> str:
    """Press "Inloggen met …": the provider's authorisation address we are sent to."""
    response = client.get("/aanmelden/organisatie")
    assert response.status_code == 302
    return response.headers["Location"]


def sign_in(client, provider, sub: str):
    return client.get(provider.authorize(start(client), sub))


def signed_in_user(client) -> int | None:
    return session_user(client.application, client)


def refusals(caplog) -> list[str]:
    """Why our app refused callbacks, as logged (error codes only)."""
    return [r.getMessage().removeprefix("single sign-on refused: ") for r in caplog.records
            if r.name == "web.auth.oidc" and r.getMessage().startswith("single sign-on refused")]


def audit(orchestrator, actie):
    return audit_details(orchestrator, actie)


def test_the_sign_in_page_offers_the_organisation_only_when_configured(sso_app, app):
    with_sso = sso_app.test_client().get("/aanmelden").get_data(as_text=True)
    without = app.test_client().get("/aanmelden").get_data(as_text=True)

    assert "Inloggen met Gemeente Nijmegen" in with_sso
    assert 'href="/aanmelden/organisatie"' in with_sso
    assert "Inloggen met" not in without
    assert 'name="wachtwoord"' in with_sso and 'name="wachtwoord"' in without  # local accounts stay


def test_a_member_of_a_mapped_group_signs_in_and_lands_on_the_task_list(sso_app, provider, orchestrator):
    provider.set_user("anna-sub", preferred_username="anna", name="Anna Analist", groups=["sr-analist-nijmegen", "x"])
    client = sso_app.test_client()

    authorize_url = start(client)
    assert authorize_url.startswith(f"{provider.issuer}/oauth2/authorize?")
    assert "state=" in authorize_url and "nonce=" in authorize_url and "scope=openid+profile+email" in authorize_url
    landing = client.get(provider.authorize(authorize_url, "anna-sub"), follow_redirects=True)

    assert landing.status_code == 200
    page = landing.get_data(as_text=True)
    assert "Werkvoorraad" in page and "Anna Analist" in page
    user_id = signed_in_user(client)
    assert orchestrator.actor(user_id).role_keys() == {"analist"}
    with orchestrator.db.read() as conn:
        assert conn.execute(select(user_identity.c.issuer, user_identity.c.subject)
                            .where(user_identity.c.user_id == user_id)).one() == (provider.issuer, "anna-sub")
    assert {"methode": "oidc"} in audit(orchestrator, "aangemeld")


def test_signing_in_keeps_the_page_asked_for(sso_app, provider):
    provider.set_user("volg-sub", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()
    first = client.get("/werkvoorraad?pagina=1")
    assert first.status_code == 302 and "/aanmelden" in first.headers["Location"]

    authorize_url = client.get("/aanmelden/organisatie?volgende=/werkvoorraad%3Fpagina%3D1").headers["Location"]
    back = client.get(provider.authorize(authorize_url, "volg-sub"))

    assert back.status_code == 302 and back.headers["Location"] == "/werkvoorraad?pagina=1"
    evil = client.get("/aanmelden/organisatie?volgende=https://elders.example/").status_code
    assert evil == 302  # an outside address is dropped (checked by web.responses.safe_next), sign-in still starts


def test_a_tampered_state_is_refused(sso_app, provider, caplog):
    provider.set_user("mallory", groups=["sr-beheer"])
    client = sso_app.test_client()
    callback = provider.authorize(start(client), "mallory")

    tampered = client.get(callback.replace("state=", "state=x"))
    missing = client.get(callback.split("&state=")[0])

    assert tampered.status_code == 400 and missing.status_code == 400
    assert refusals(caplog) == ["mismatching_state", "mismatching_state"]
    assert "Aanmelden via uw organisatie is niet gelukt" in tampered.get_data(as_text=True)
    assert signed_in_user(client) is None


def test_a_callback_from_another_browsers_session_is_refused(sso_app, provider):
    """Login CSRF: the attacker's own code and state, opened in the victim's browser."""
    provider.set_user("attacker", groups=["sr-analist-nijmegen"])
    attacker, victim = sso_app.test_client(), sso_app.test_client()
    callback = provider.authorize(start(attacker), "attacker")
    start(victim)  # even with a sign-in of its own under way

    assert victim.get(callback).status_code == 400
    assert signed_in_user(victim) is None


def test_a_callback_cannot_be_used_twice(sso_app, provider):
    provider.set_user("twice", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()
    callback = provider.authorize(start(client), "twice")

    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 400  # the state was used up with the first answer


def test_an_id_token_with_another_nonce_is_refused(sso_app, provider, caplog):
    provider.set_user("nonce", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()
    callback = provider.authorize(start(client), "nonce")
    with client.session_transaction() as session:  # what we expect is no longer what the provider put in the token
        key = next(k for k in session if k.startswith("_state_"))
        state = session[key]
        state["data"]["nonce"] = "een-andere-nonce"
        session[key] = state

    response = client.get(callback)

    assert response.status_code == 400
    assert refusals(caplog) == ["invalid_claim"]  # the ID token's nonce claim
    assert signed_in_user(client) is None


def test_a_code_the_provider_did_not_issue_is_refused(sso_app, provider, caplog):
    provider.set_user("code", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()
    callback = provider.authorize(start(client), "code")

    assert client.get(callback.replace("code=", "code=X")).status_code == 400
    assert refusals(caplog) == ["invalid_grant"]
    assert signed_in_user(client) is None


def test_a_denied_sign_in_at_the_provider_is_reported(sso_app):
    client = sso_app.test_client()
    start(client)

    response = client.get("/aanmelden/organisatie/terug?error=access_denied&state=whatever")

    assert response.status_code == 401
    assert "Aanmelden via uw organisatie is niet gelukt" in response.get_data(as_text=True)


def test_someone_without_a_mapped_group_gets_a_dutch_refusal_and_no_account(sso_app, provider, orchestrator):
    provider.set_user("buiten", preferred_username="buiten", groups=["Domain Users"])
    client = sso_app.test_client()

    response = sign_in(client, provider, "buiten")

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Geen toegang tot Signaalroute" in page and "geen lid van een groep" in page
    assert "Er is geen account voor u aangemaakt" in page
    assert signed_in_user(client) is None
    with orchestrator.db.read() as conn:
        assert conn.execute(select(user.c.id).where(user.c.gebruikersnaam == "buiten")).first() is None


def test_a_switched_off_account_cannot_sign_in_through_the_provider(sso_app, provider, orchestrator):
    provider.set_user("uit", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()
    sign_in(client, provider, "uit")
    user_id = signed_in_user(client)
    with orchestrator.db.write() as conn:
        conn.execute(update(user).where(user.c.id == user_id).values(actief=False))

    again = sso_app.test_client()
    response = sign_in(again, provider, "uit")

    assert response.status_code == 403 and "uitgeschakeld" in response.get_data(as_text=True)
    assert signed_in_user(again) is None
    assert client.get("/werkvoorraad").status_code == 302  # and the running session ends


def test_an_account_whose_groups_are_all_gone_is_refused(sso_app, provider):
    provider.set_user("weg", groups=["sr-analist-nijmegen"])
    sign_in(sso_app.test_client(), provider, "weg")
    provider.set_user("weg", groups=["Domain Users"])
    client = sso_app.test_client()

    response = sign_in(client, provider, "weg")

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "geen lid van een groep" in page and "Er is geen account voor u aangemaakt" not in page
    assert signed_in_user(client) is None


@pytest.mark.parametrize("claims", [{}, {"amr": ["pwd"]}, {"amr": ["pwd"], "acr": "gold"}],
                         ids=["no-amr", "password-only", "unaccepted-acr"])
def test_a_beheerder_without_a_second_factor_at_the_provider_sets_up_ours(sso_app, provider, orchestrator, claims):
    provider.set_user("streng", groups=["sr-beheer"], **claims)
    client = sso_app.test_client()

    response = sign_in(client, provider, "streng")

    assert response.status_code == 302 and response.headers["Location"] == "/account/tweestapsverificatie/instellen"
    assert client.get("/beheer/gebruikers").headers["Location"] == "/account/tweestapsverificatie/instellen"
    assert {"methode": "oidc"} in audit(orchestrator, "aangemeld")


@pytest.mark.parametrize(("claims", "overrides"), [
    ({"amr": ["pwd", "otp"]}, {}),
    ({"amr": ["mfa"]}, {}),
    ({"amr": ["pwd"], "acr": "gold"}, {"OIDC_MFA_ACR": "silver, gold"}),
], ids=["pwd+otp", "mfa", "accepted-acr"])
def test_a_beheerder_with_a_second_factor_at_the_provider_is_not_asked_ours(make_app, provider, orchestrator,
                                                                             claims, overrides):
    app = make_app(**overrides)
    provider.set_user("beheer-sub", groups=["sr-beheer"], **claims)
    client = app.test_client()

    response = sign_in(client, provider, "beheer-sub")

    assert response.status_code == 302 and "tweestaps" not in response.headers["Location"]
    assert client.get("/beheer/gebruikers").status_code == 200  # no enrolment asked
    assert {"methode": "oidc+mfa"} in audit(orchestrator, "aangemeld")


def test_with_no_accepted_values_a_beheerder_always_gives_our_code(make_app, provider):
    app = make_app(OIDC_MFA_AMR="", OIDC_MFA_ACR="")
    provider.set_user("nooit", groups=["sr-beheer"], amr=["pwd", "mfa"], acr="gold")
    client = app.test_client()

    response = sign_in(client, provider, "nooit")

    assert response.headers["Location"] == "/account/tweestapsverificatie/instellen"


def test_an_enrolled_user_gives_our_code_after_a_password_only_provider_sign_in(make_app, provider, orchestrator,
                                                                              clock):
    from tests.web.pages_actions import Browser
    from tests.web.twofactor_actions import enrol, fresh_code, submit_code

    app = make_app()
    provider.set_user("met-code", groups=["sr-beheer"], amr=["pwd"])
    first = app.test_client()
    sign_in(first, provider, "met-code")
    secret, _codes = enrol(orchestrator, signed_in_user(first))
    client = app.test_client()

    response = sign_in(client, provider, "met-code")

    assert response.status_code == 302 and response.headers["Location"] == "/aanmelden/code"
    assert signed_in_user(client) is None
    assert submit_code(Browser(client), fresh_code(secret, clock)).status_code == 302
    assert client.get("/beheer/gebruikers").status_code == 200
    assert {"methode": "oidc+totp"} in audit(orchestrator, "aangemeld")


def test_groups_can_come_from_a_nested_claim(make_app, provider, orchestrator):
    app = make_app(OIDC_GROUPS_CLAIM="realm_access.roles")
    provider.set_user("keycloak", realm_access={"roles": ["sr-zvh", "offline_access"]})
    client = app.test_client()

    sign_in(client, provider, "keycloak")

    assert orchestrator.actor(signed_in_user(client)).role_keys() == {"zvh"}


def test_a_local_account_with_the_same_name_is_not_taken_over(sso_app, provider, orchestrator, clock):
    with orchestrator.db.write() as conn:
        local = add_user(conn, "bea", now=clock.now(), roles=["beheerder"], gemeente_naam=None)
    provider.set_user("bea-sub", preferred_username="bea", email="bea@nijmegen.nl", groups=["sr-analist-nijmegen"])
    client = sso_app.test_client()

    sign_in(client, provider, "bea-sub")

    assert signed_in_user(client) not in (None, local)
    assert orchestrator.actor(signed_in_user(client)).role_keys() == {"analist"}


def test_without_settings_the_addresses_send_to_the_sign_in_page(app):
    client = app.test_client()

    for path in ("/aanmelden/organisatie", "/aanmelden/organisatie/terug?code=x&state=y"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/aanmelden"
    assert "niet ingesteld" in client.get("/aanmelden").get_data(as_text=True)


def test_an_unreachable_provider_is_said_plainly(make_app):
    app = make_app(OIDC_ISSUER="http://127.0.0.1:9", OIDC_TIMEOUT_SECONDS="2")

    response = app.test_client().get("/aanmelden/organisatie")

    assert response.status_code == 503
    assert "De inlogdienst van Gemeente Nijmegen is nu niet bereikbaar" in response.get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"OIDC_ROLE_MAPPING": ""}, "OIDC_ROLE_MAPPING: geef de koppeling"),
    ({"OIDC_ROLE_MAPPING": json.dumps({"g": {"rol": "analist"}})}, "OIDC_ROLE_MAPPING: groep 'g'"),
    ({"OIDC_ISSUER": ""}, "OIDC_ISSUER"),
    ({"OIDC_SCOPES": "profile email"}, "OIDC_SCOPES: moet 'openid' bevatten"),
    ({"OIDC_TIMEOUT_SECONDS": "lang"}, "OIDC_TIMEOUT_SECONDS"),
    ({"OIDC_TRUST_IDP_MFA": "1"}, "OIDC_TRUST_IDP_MFA: bestaat niet meer"),  # the old trust-by-default switch
])
def test_a_wrong_setting_stops_the_start_naming_it(orchestrator, clock, provider, overrides, message):
    with pytest.raises(ValueError, match=message):
        create_app(_config(orchestrator, clock, provider, **overrides))
