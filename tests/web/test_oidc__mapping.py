"""Single sign-on, engine side: the groups → roles mapping, and what a sign-in does to accounts and grants.

The database tests run on SQLite and PostgreSQL (the ``orchestrator`` fixture).
"""
from __future__ import annotations

import functools
import json

import pytest
from sqlalchemy import select, update

from engine.people import twofactor
from engine.people.oidc_mapping import MappedGrant, MappingError, RoleMapping, load_mapping
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.sso import CODE, GEEN_GROEP, INSTELLEN, UITGESCHAKELD, Identity, MfaPolicy
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import user, user_identity, user_role
from tests.db_views import audit_events

ISSUER = "https://login.example.nl/realms/gemeenten"
MAPPING = {
    "sr-analist-nijmegen": {"rol": "analist", "gemeente": "Nijmegen"},
    "sr-af-nijmegen": [{"rol": "aandachtsfunctionaris", "gemeente": "Nijmegen"},
                       {"rol": "melder", "gemeente": "Nijmegen"}],
    "sr-zvh-zuid": {"rol": "zvh", "regio": "Gelderland-Zuid"},
    "sr-riec": {"rol": "riec"},
    "sr-beheer": {"rol": "beheerder"},
    "sr-analist-nergens": {"rol": "analist", "gemeente": "Atlantis"},
}


# --- the mapping ---------------------------------------------------------------------------------

def test_several_groups_give_the_union_of_their_grants_and_unknown_groups_nothing():
    mapping = RoleMapping.from_data(MAPPING)

    grants, matched = mapping.grants_for(["sr-analist-nijmegen", "sr-af-nijmegen", "Domain Users", "sr-zvh-zuid"])

    assert matched == ("sr-af-nijmegen", "sr-analist-nijmegen", "sr-zvh-zuid")
    assert grants == {MappedGrant("analist", gemeente="Nijmegen"), MappedGrant("aandachtsfunctionaris", gemeente="Nijmegen"),
                      MappedGrant("melder", gemeente="Nijmegen"), MappedGrant("zvh", regio="Gelderland-Zuid")}
    assert mapping.grants_for(["Domain Users", "SR-ANALIST-NIJMEGEN"]) == (frozenset(), ())  # exact names only


@pytest.mark.parametrize(("data", "message"), [
    ({"g": {"rol": "directeur", "gemeente": "Nijmegen"}}, "groep 'g': onbekende rol 'directeur'"),
    ({"g": {"rol": "analist", "regio": "Gelderland-Zuid"}}, "de rol 'analist' kan niet per regio"),
    ({"g": {"rol": "analist"}}, "de rol 'analist' kan niet voor de hele installatie"),
    ({"g": {"rol": "beheerder", "regio": "Gelderland-Zuid"}}, "de rol 'beheerder' kan niet per regio"),
    ({"g": {"rol": "zvh", "gemeente": "Nijmegen", "regio": "Gelderland-Zuid"}}, "niet allebei"),
    ({"g": {"rol": "zvh", "plaats": "Nijmegen"}}, "onbekende sleutel 'plaats'"),
    ({"g": []}, "groep 'g': geef minstens één rol"),
    ({"g": {"rol": "analist", "gemeente": ""}}, "'gemeente' moet een naam zijn"),
    ({}, "minstens één groep"),
    (["sr-analist"], "minstens één groep"),
])
def test_a_wrong_mapping_is_refused_naming_the_group_and_the_problem(data, message):
    with pytest.raises(MappingError, match=message):
        RoleMapping.from_data(data)


def test_the_mapping_is_read_from_json_text_a_json_file_or_a_toml_file(tmp_path):
    toml = tmp_path / "rollen.toml"
    toml.write_text('"sr-analist-nijmegen" = { rol = "analist", gemeente = "Nijmegen" }\n'
                    '"sr-zvh-zuid" = [{ rol = "zvh", regio = "Gelderland-Zuid" }]\n', encoding="utf-8")
    as_json = tmp_path / "rollen.json"
    as_json.write_text(json.dumps(MAPPING), encoding="utf-8")

    from_toml = load_mapping(path=toml)
    from_file = load_mapping(path=str(as_json))
    from_text = load_mapping(json.dumps(MAPPING))

    assert from_toml.groups == {"sr-analist-nijmegen": (MappedGrant("analist", gemeente="Nijmegen"),),
                                "sr-zvh-zuid": (MappedGrant("zvh", regio="Gelderland-Zuid"),)}
    assert from_file.groups == from_text.groups == RoleMapping.from_data(MAPPING).groups
    with pytest.raises(MappingError, match="precies één van beide"):
        load_mapping(json.dumps(MAPPING), path=toml)
    with pytest.raises(MappingError, match="precies één van beide"):
        load_mapping()
    with pytest.raises(MappingError, match="niet te lezen"):
        load_mapping(path=tmp_path / "ontbreekt.json")
    with pytest.raises(MappingError, match="geen geldige JSON"):
        load_mapping("{'sr': 1}")
    (tmp_path / "kapot.toml").write_text("sr = {", encoding="utf-8")
    with pytest.raises(MappingError, match="geen geldige TOML"):
        load_mapping(path=tmp_path / "kapot.toml")


# --- signing in ------------------------------------------------------------------------------------

@pytest.fixture
def places(orchestrator):
    """Nijmegen and Wijchen in Gelderland-Zuid, Arnhem outside it."""
    with orchestrator.db.write() as conn:
        zuid = ensure_regio(conn, "Gelderland-Zuid")
        ids = {naam: ensure_gemeente(conn, naam) for naam in ("Nijmegen", "Wijchen", "Arnhem")}
        assign_gemeente(conn, zuid, ids["Nijmegen"])
        assign_gemeente(conn, zuid, ids["Wijchen"])
    return ids


@pytest.fixture
def sso(orchestrator, clock, places):
    return functools.partial(orchestrator.signin.with_provider, mapping=RoleMapping.from_data(MAPPING))


def person(*groepen, subject="sub-1", issuer=ISSUER, gebruikersnaam="anna", naam="Anna Analist", amr=(), acr=None):
    return Identity(issuer=issuer, subject=subject, gebruikersnaam=gebruikersnaam, naam=naam, groepen=tuple(groepen),
                    amr=tuple(amr), acr=acr)


def grants(orchestrator, user_id):
    with orchestrator.db.read() as conn:
        return {(r.rol, r.gemeente_id, r.regio_id, r.bron) for r in conn.execute(
            select(user_role.c.rol, user_role.c.gemeente_id, user_role.c.regio_id, user_role.c.bron)
            .where(user_role.c.user_id == user_id))}


def events(orchestrator, actie):
    return [dict(r.detail, user_id=r.user_id) for r in audit_events(orchestrator, actie)]


def test_the_first_sign_in_creates_the_account_with_municipal_and_regional_grants(orchestrator, sso, places):
    result = sso(person("sr-analist-nijmegen", "sr-zvh-zuid", "Domain Users"))

    assert result.nieuw and result.geweigerd is None and result.tweede_factor is None
    with orchestrator.db.read() as conn:
        account = conn.execute(select(user.c.gebruikersnaam, user.c.naam, user.c.password_hash)
                               .where(user.c.id == result.user_id)).one()
        link = conn.execute(select(user_identity.c.issuer, user_identity.c.subject)
                            .where(user_identity.c.user_id == result.user_id)).one()
    assert tuple(account) == ("anna", "Anna Analist", None)  # no password: no local sign-in
    assert tuple(link) == (ISSUER, "sub-1")
    actor = orchestrator.actor(result.user_id)
    assert actor.has_role("analist", places["Nijmegen"]) and not actor.has_role("analist", places["Wijchen"])
    assert actor.has_role("zvh", places["Nijmegen"]) and actor.has_role("zvh", places["Wijchen"])
    assert not actor.has_role("zvh", places["Arnhem"])
    assert {g[3] for g in grants(orchestrator, result.user_id)} == {"oidc"}
    assert events(orchestrator, "gebruiker_aangemaakt") == [{
        "gebruiker_id": result.user_id, "via": "oidc", "rollen": ["analist@nijmegen", "zvh@regio:gelderland-zuid"],
        "user_id": result.user_id}]
    assert events(orchestrator, "aangemeld") == [{"methode": "oidc", "user_id": result.user_id}]


def test_an_identity_without_a_mapped_group_gets_no_account(orchestrator, sso):
    result = sso(person("Domain Users", "sr-onbekend"))

    assert result.user_id is None and result.geweigerd == GEEN_GROEP
    with orchestrator.db.read() as conn:
        assert conn.execute(select(user.c.id)).first() is None
        assert conn.execute(select(user_identity.c.id)).first() is None
    assert events(orchestrator, "aanmelden_geweigerd") == [{"methode": "oidc", "reden": GEEN_GROEP, "user_id": None}]


def test_a_group_mapped_to_a_municipality_that_does_not_exist_gives_nothing(orchestrator, sso):
    assert sso(person("sr-analist-nergens")).geweigerd == GEEN_GROEP

    result = sso(person("sr-analist-nergens", "sr-analist-nijmegen"))

    assert {g[0] for g in grants(orchestrator, result.user_id)} == {"analist"}


def test_the_next_sign_in_follows_the_groups_and_keeps_local_grants(orchestrator, sso, clock, places):
    first = sso(person("sr-analist-nijmegen", "sr-riec"))
    with orchestrator.db.write() as conn:  # a beheerder grants a role locally, and one the groups also give
        add_user(conn, "anna", now=clock.now(), roles=["manager"], gemeente_naam="Nijmegen")
        add_user(conn, "anna", now=clock.now(), roles=["melder"], gemeente_naam="Nijmegen")

    second = sso(person("sr-af-nijmegen"))  # analist and riec dropped, af and melder added

    assert second.user_id == first.user_id and not second.nieuw
    nijmegen = places["Nijmegen"]
    assert grants(orchestrator, first.user_id) == {
        ("manager", nijmegen, None, "lokaal"), ("melder", nijmegen, None, "lokaal"),
        ("aandachtsfunctionaris", nijmegen, None, "oidc")}
    assert set(second.verwijderd) == {"analist@nijmegen", "riec@installatie"}
    assert second.toegevoegd == ("aandachtsfunctionaris@nijmegen",)  # melder is held locally already
    assert events(orchestrator, "rollen_gewijzigd") == [{
        "gebruiker_id": first.user_id, "via": "oidc", "toegevoegd": ["aandachtsfunctionaris@nijmegen"],
        "verwijderd": ["analist@nijmegen", "riec@installatie"], "user_id": first.user_id}]

    third = sso(person())  # every group gone: the provider's roles go, the local ones stay

    assert third.geweigerd is None
    assert grants(orchestrator, first.user_id) == {("manager", nijmegen, None, "lokaal"),
                                                   ("melder", nijmegen, None, "lokaal")}


def test_an_account_left_without_any_role_is_refused(orchestrator, sso):
    first = sso(person("sr-analist-nijmegen"))

    again = sso(person("Domain Users"))

    assert (again.user_id, again.geweigerd, again.verwijderd) == (first.user_id, GEEN_GROEP, ("analist@nijmegen",))
    assert grants(orchestrator, first.user_id) == set()
    assert [e["reden"] for e in events(orchestrator, "aanmelden_geweigerd")] == [GEEN_GROEP]
    assert len(events(orchestrator, "aangemeld")) == 1  # only the first time


def test_a_switched_off_account_cannot_sign_in_and_keeps_its_roles(orchestrator, sso):
    first = sso(person("sr-analist-nijmegen"))
    with orchestrator.db.write() as conn:
        conn.execute(update(user).where(user.c.id == first.user_id).values(actief=False))

    again = sso(person("sr-riec"))

    assert (again.user_id, again.geweigerd) == (first.user_id, UITGESCHAKELD)
    assert {g[0] for g in grants(orchestrator, first.user_id)} == {"analist"}
    assert events(orchestrator, "aanmelden_geweigerd")[-1] == {"methode": "oidc", "reden": UITGESCHAKELD,
                                                               "user_id": first.user_id}


def test_the_link_is_issuer_and_subject_never_the_name_or_mail(orchestrator, sso, clock):
    with orchestrator.db.write() as conn:
        local = add_user(conn, "anna", now=clock.now(), roles=["beheerder"], gemeente_naam=None)

    mine = sso(person("sr-analist-nijmegen", subject="sub-1"))
    other_provider = sso(person("sr-analist-nijmegen", subject="sub-1", issuer="https://elders.example.nl"))
    same_again = sso(person("sr-analist-nijmegen", subject="sub-1", gebruikersnaam="iemand-anders",
                                    naam="Anna de Vries"))

    assert len({local, mine.user_id, other_provider.user_id}) == 3
    assert same_again.user_id == mine.user_id
    with orchestrator.db.read() as conn:
        names = dict(conn.execute(select(user.c.id, user.c.gebruikersnaam)).all())
        shown = conn.execute(select(user.c.naam).where(user.c.id == mine.user_id)).scalar_one()
    assert (names[local], names[mine.user_id], names[other_provider.user_id]) == ("anna", "anna-2", "anna-3")
    assert shown == "Anna de Vries"  # the name follows the provider; the user name stays
    assert orchestrator.actor(local).role_keys() == {"beheerder"}  # the local account was not touched


@pytest.mark.parametrize(("amr", "acr", "second"), [
    ((), None, False),  # a provider that says nothing
    (("pwd",), None, False),  # a password is one factor
    (("pwd", "pin", "kba"), None, False),  # three things one knows are still one factor
    (("otp",), None, False),  # a one-time code instead of a password: one factor
    (("pwd", "otp"), None, True),
    (("pwd", "hwk"), None, True),
    (("mfa",), None, True),  # says by itself that several factors were used (RFC 8176)
    (("pwd",), "http://schemas.openid.net/pape/policies/2007/06/multi-factor", False),  # acr: none accepted by default
])
def test_by_default_only_amr_values_that_show_a_second_factor_count(amr, acr, second):
    assert MfaPolicy().shows_second_factor(person(amr=amr, acr=acr)) is second


def test_accepted_amr_and_acr_values_are_configurable():
    policy = MfaPolicy(amr=frozenset({"otp"}), acr=frozenset({"2", "gold"}))

    assert policy.shows_second_factor(person(amr=("pwd", "otp"))) is True
    assert policy.shows_second_factor(person(amr=("pwd", "hwk"))) is False  # not in this list
    assert policy.shows_second_factor(person(amr=("pwd",), acr="gold")) is True
    assert policy.shows_second_factor(person(acr="1")) is False
    assert MfaPolicy(amr=frozenset()).shows_second_factor(person(amr=("pwd", "mfa"))) is False  # never trust amr


def test_without_a_second_factor_from_the_provider_our_code_is_asked(orchestrator, sso, clock):
    password_only = person("sr-beheer", subject="b", amr=("pwd",))

    first = sso(password_only)
    assert (first.tweede_factor, first.provider_mfa) == (INSTELLEN, False)  # required, not set up: enrol
    assert sso(person("sr-analist-nijmegen", subject="a", amr=("pwd",))).tweede_factor is None  # optional

    with orchestrator.db.write() as conn:
        secret = twofactor.start_enrolment(conn, first.user_id, now=clock.now()).secret
        import pyotp
        twofactor.confirm_enrolment(conn, first.user_id, pyotp.TOTP(secret).at(clock.now()), now=clock.now())
    signed_in_before = len(events(orchestrator, "aangemeld"))

    assert sso(password_only).tweede_factor == CODE
    assert len(events(orchestrator, "aangemeld")) == signed_in_before  # the code step records the sign-in


def test_a_second_factor_at_the_provider_counts_as_ours(orchestrator, sso):
    result = sso(person("sr-beheer", subject="b", amr=("pwd", "otp")))

    assert (result.tweede_factor, result.provider_mfa) == (None, True)
    assert events(orchestrator, "aangemeld") == [{"methode": "oidc+mfa", "user_id": result.user_id}]
