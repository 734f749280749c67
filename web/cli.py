"""The ``signaalroute`` command: serving (``run``, ``serve``), the clock (``worker``), setting up
(``init``, ``deploy``, ``impact``, ``regio``), people (``user add``, ``user reset-2fa``, ``token create|list|revoke``)
and the processing log and retention (``audit verify``, ``retentie``).

Commands that serve pages build the Flask app; all others build only the engine's front door from
the settings (:func:`web.extensions.build_orchestrator`), the worker included. A user's mistake ends
a command through :class:`CommandError` (exit code 2, the message on stderr, no traceback).
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import click

from engine.errors import DeployRejected, EngineError, FieldErrors, ScenariosChanged

from . import secret_key as secret_keys
from .settings import SettingError


class CommandError(click.ClickException):
    """A command that cannot do what was asked: the message as it is on stderr, and ``exit_code``
    (2: a mistake in what was asked, a wrong name or a missing option; 1: refused, such as a deploy)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


def _fields(exc: FieldErrors) -> CommandError:
    return CommandError("\n".join(f"{field}: {message}" for field, message in exc.fields.items()))


def _fail(code: int = 1) -> None:
    """End with ``code`` after the command said what went wrong (a check that found problems)."""
    click.get_current_context().exit(code)


@contextlib.contextmanager
def _app(secret_key: str = secret_keys.REQUIRED):
    """The Flask app, for the commands that serve it; its database connections are closed afterwards.

    :param secret_key: where the session key comes from (:mod:`web.secret_key`).
    """
    from . import create_app
    from .extensions import orchestrator

    try:
        app = create_app(secret_key=secret_key)
    except (secret_keys.SecretKeyError, SettingError) as exc:
        raise CommandError(f"Signaalroute start niet: {exc}") from None
    try:
        yield app
    finally:
        orchestrator(app).db.dispose()


@contextlib.contextmanager
def _front_door():
    """The engine's front door and the settings, without a Flask app; its connections are closed afterwards."""
    from . import instance_path, settings
    from .extensions import build_orchestrator
    from .observability import configure_logging

    try:
        config = settings.load(instance_path())
        orch = build_orchestrator(config)
    except SettingError as exc:
        raise CommandError(f"Signaalroute start niet: {exc}") from None
    configure_logging(config["LOG_FORMAT"], config["LOG_LEVEL"])
    try:
        yield orch, config
    finally:
        orch.db.dispose()


@click.group()
def main() -> None:
    """Signaalroute: signalen van mensenhandel van melding tot casus."""


@main.command()
@click.option("--demo", is_flag=True, help="Maak demogebruikers en voorbeeldsignalen aan.")
def init(demo: bool) -> None:
    """Database bijwerken (migraties) en alle processen in processes/ deployen."""

    with _front_door() as (orch, config):
        _init(orch, config, demo)


def _init(orch, config, demo: bool) -> None:
    where = orch.operator.upgrade_schema()
    click.echo(f"Database bijgewerkt ({where}).", err=True)
    for folder in sorted(Path(config["PROCESSES_DIR"]).iterdir()):
        if (folder / "proces.json").is_file():
            _deploy_or_exit(orch, folder, "init")
    if demo:
        from engine.service.demo import DEMO_PASSWORD, load_demo

        if orch.signal_count() > 0:
            click.echo("Demodata staat er al; niets toegevoegd.", err=True)
            return
        tokens = load_demo(orch)
        click.echo(f"Demogebruikers aangemaakt, wachtwoord '{DEMO_PASSWORD}'. API-tokens:", err=True)
        for username, token in tokens.items():
            click.echo(f"  {username:24} {token}", err=True)


def _deploy_or_exit(orch, folder: Path, opmerking: str | None, scenarios_bevestigd: bool = False):
    try:
        deployment = orch.deploy_folder(folder, opmerking, scenarios_bevestigd)
    except DeployRejected as exc:
        raise CommandError(f"{folder}: {exc}", exit_code=1) from None
    except ScenariosChanged as exc:
        for scenario in exc.scenarios:
            if not scenario["gelijk"]:
                click.echo(f"Scenario '{scenario['naam']}' ({scenario['bestand']}):", err=True)
                for line in scenario["verschillen"]:
                    click.echo(f"  {line}", err=True)
        raise CommandError(f"{folder}: {exc} Deployen toch: --scenarios-bevestigen --opmerking '...'; werk dan "
                           "ook de scenario's in de map bij.", exit_code=1) from None
    except FieldErrors as exc:
        raise _fields(exc) from None
    state = "nieuwe versie" if deployment.nieuw else "ongewijzigd"
    click.echo(f"{deployment.sleutel} v{deployment.versie} ({state})", err=True)
    return deployment


@main.command()
@click.option("--port", default=5000, show_default=True, help="Poort op 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--threads", default=8, show_default=True)
@click.option("--no-clock", is_flag=True, help="Geen timers afvuren in dit proces (draai dan 'signaalroute worker').")
def run(port: int, host: str, threads: int, no_clock: bool) -> None:
    """De webapplicatie serveren (waitress), met de klok voor timers; om te ontwikkelen.

    Zonder SECRET_KEY maakt dit commando eenmalig een willekeurige sleutel in instance/secret_key.
    """
    from waitress import serve

    from engine.service.scheduler import Clock

    from .extensions import orchestrator

    with _app(secret_keys.DEVELOPMENT) as app:
        clock = None if no_clock else Clock(orchestrator(app), app.config["CLOCK_INTERVAL"])
        if clock is not None:
            clock.start()
        click.echo(f"Signaalroute draait op http://{host}:{port}/", err=True)
        try:
            serve(app, host=host, port=port, threads=threads, ident="signaalroute")
        finally:
            if clock is not None:
                clock.stop()


@main.command()
@click.option("--port", default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adres om op te luisteren; 0.0.0.0 of het interne adres als de proxy op een andere machine staat.")
@click.option("--workers", default=2, show_default=True, help="Webprocessen (gunicorn); één per kern is een goed begin.")
@click.option("--threads", default=4, show_default=True, help="Threads per webproces.")
@click.option("--graceful-timeout", default=30, show_default=True,
              help="Seconden die een webproces bij stoppen (SIGTERM) krijgt om lopende verzoeken af te maken.")
@click.option("--timeout", default=60, show_default=True, help="Seconden stilte waarna gunicorn een webproces vervangt.")
@click.option("--keepalive", default=75, show_default=True,
              help="Seconden dat een stille keep-alive-verbinding open blijft; langer dan die van de proxy (nginx: 60).")
@click.option("--with-clock", is_flag=True, envvar="SERVE_WITH_CLOCK",
              help="Ook de klok (timers, mail, bewaartermijnen) in elk webproces draaien; standaard niet: "
                   "draai 'signaalroute worker' ernaast.")
def serve(port: int, host: str, workers: int, threads: int, graceful_timeout: int, timeout: int, keepalive: int,
          with_clock: bool) -> None:
    """Productie: gunicorn met meerdere webprocessen, zonder klok (draai 'signaalroute worker' ernaast).

    Start niet zonder een lange SECRET_KEY (omgeving of instance/config.py).
    """
    from .gunicorn_app import ServeOptions, Signaalroute

    with _app(secret_keys.REQUIRED):  # here, before any web process: a missing key or setting stops the start
        pass
    clock_note = ", met klok in elk proces" if with_clock else ", zonder klok"
    click.echo(f"Signaalroute (gunicorn, {workers} processen{clock_note}) op http://{host}:{port}/", err=True)
    Signaalroute(ServeOptions(host=host, port=port, workers=workers, threads=threads, graceful_timeout=graceful_timeout,
                              timeout=timeout, keepalive=keepalive, with_clock=with_clock)).run()


@main.command()
@click.option("--interval", type=float, help="Seconden tussen twee rondes (standaard CLOCK_INTERVAL, 1).")
@click.option("--metrics-port", type=int, envvar="WORKER_METRICS_PORT",
              help="Poort voor /metrics van deze worker (standaard uit; WORKER_METRICS_PORT).")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, envvar="WORKER_METRICS_HOST",
              help="Adres voor /metrics (WORKER_METRICS_HOST).")
def worker(interval: float | None, metrics_port: int | None, metrics_host: str) -> None:
    """Alleen de klok: timers, mail en bewaartermijnen, voor extra machines naast de webservers.

    SIGTERM of Ctrl-C stopt netjes: de lopende ronde maakt haar timers af (elk een eigen
    transactie), daarna start er niets meer en stopt het proces.
    """
    import signal
    import threading

    from engine.service.scheduler import Clock

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with _front_door() as (orch, config):
        clock = Clock(orch, interval or config["CLOCK_INTERVAL"])
        clock.start()
        click.echo(f"Signaalroute-worker: elke {clock.interval:g} s een timerronde. Stoppen met Ctrl-C.", err=True)
        metrics_server = None
        if metrics_port:
            from .worker_metrics import serve_metrics

            metrics_server = serve_metrics(orch.metrics_text, metrics_host, metrics_port, config["METRICS_TOKEN"])
            click.echo(f"Metrics op http://{metrics_host}:{metrics_port}/metrics", err=True)
        stop.wait()
        if metrics_server is not None:
            metrics_server.shutdown()
        click.echo("Signaalroute-worker stopt: de lopende ronde wordt afgemaakt.", err=True)
        clock.stop()
        click.echo(f"Signaalroute-worker gestopt; {clock.total_fired} timers afgevuurd.", err=True)


@main.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--opmerking", help="Waarom deze versie.")
@click.option("--scenarios-bevestigen", is_flag=True,
              help="Toch deployen als scenario's (scenarios/*.json) nu anders eindigen; vraagt --opmerking.")
def deploy(path: Path, opmerking: str | None, scenarios_bevestigen: bool) -> None:
    """Een procesmap deployen als nieuwe versie (eerst worden de scenario's van de map afgespeeld)."""
    with _front_door() as (orch, _config):
        _deploy_or_exit(orch, path, opmerking, scenarios_bevestigen)


@main.group()
def user() -> None:
    """Gebruikers beheren."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="Rol (meerdere keren mag).")
@click.option("--gemeente", help="Gemeente (nieuw = wordt aangemaakt). Leeg bij regionale rollen.")
@click.option("--regio", help="Regionale rol per regio: geldt in elke gemeente van die regio (zie 'signaalroute regio').")
@click.option("--naam", help="Volledige naam.")
@click.option("--password", help="Wachtwoord voor aanmelden in de browser.")
@click.option("--token", is_flag=True, help="Maak een API-token; het token is de enige regel op stdout. "
              "Het werkt niet voor wat tweestapsverificatie vraagt (deployen, beheer): zie 'signaalroute token'.")
@click.option("--token-dagen", type=int, default=None, help="Hoe lang het token werkt (standaard 90 dagen).")
def user_add(name: str, roles: tuple[str, ...], gemeente: str | None, regio: str | None, naam: str | None,
             password: str | None, token: bool, token_dagen: int | None) -> None:
    """Een gebruiker aanmaken of rollen toevoegen (bestaande sessies van de gebruiker eindigen)."""

    with _front_door() as (orch, _config):
        _user_add(orch, name, list(roles), gemeente, naam, password, token, regio, token_dagen)


def _user_add(orch, name, roles, gemeente, naam, password, token, regio=None, token_dagen=None) -> None:
    try:
        new_token = orch.operator.save_user(name, roles=roles, gemeente=gemeente, regio=regio, naam=naam,
                                            password=password, token=token, token_days=token_dagen)
    except FieldErrors as exc:
        raise _fields(exc) from None
    except EngineError as exc:
        raise CommandError(str(exc)) from None
    where = f" in {gemeente}" if gemeente else f" in regio {regio}" if regio else ""
    click.echo(f"Gebruiker {name} ({', '.join(roles)}{where}) opgeslagen.", err=True)
    if new_token:
        click.echo(new_token)


@user.command("reset-2fa")
@click.argument("name")
def user_reset_2fa(name: str) -> None:
    """Tweestapsverificatie van een gebruiker wissen (telefoon en herstelcodes kwijt); wordt gelogd."""
    from engine.errors import NotFound

    with _front_door() as (orch, _config):
        try:
            removed = orch.operator.reset_two_factor(name)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
    click.echo(f"Tweestapsverificatie van {name} gewist; bij de volgende aanmelding opnieuw instellen." if removed
               else f"{name} had geen tweestapsverificatie ingesteld.", err=True)


@main.group()
def token() -> None:
    """API-tokens: aanmaken, tonen, intrekken.

    Een token van de commandoregel is gemaakt zonder tweestapsverificatie: het kan niet deployen
    of beheren. Zo'n token maakt de gebruiker zelf onder Account > API-tokens, aangemeld met
    tweestapsverificatie.
    """


@token.command("create")
@click.argument("name")
@click.option("--dagen", type=int, default=None, help="Hoe lang het token werkt (standaard 90 dagen).")
@click.option("--naam", "label", help="Waarvoor het token is (zichtbaar in gebruikersbeheer).")
def token_create(name: str, dagen: int | None, label: str | None) -> None:
    """Een API-token voor gebruiker NAME; het token is de enige regel op stdout."""
    with _front_door() as (orch, _config):
        try:
            new_token = orch.operator.issue_token(name, days=dagen, naam=label)
        except FieldErrors as exc:
            raise _fields(exc) from None
    click.echo(new_token)


@token.command("list")
@click.option("--gebruiker", help="Alleen de tokens van deze gebruiker.")
def token_list(gebruiker: str | None) -> None:
    """De tokens: id, gebruiker, naam, aangemaakt, verloopt, laatst gebruikt, tweestaps, status."""
    with _front_door() as (orch, _config):
        rows = orch.operator.tokens()
    for row in rows:
        if gebruiker and row["gebruikersnaam"] != gebruiker:
            continue
        used = f"{row['laatst_gebruikt_op']:%Y-%m-%d %H:%M}" if row["laatst_gebruikt_op"] else "-"
        click.echo(f"{row['id']}\t{row['gebruikersnaam']}\t{row['naam'] or '-'}\t{row['aangemaakt_op']:%Y-%m-%d}"
                   f"\t{row['verloopt_op']:%Y-%m-%d}\t{used}\t{'tweestaps' if row['tweede_factor'] else '-'}"
                   f"\t{row['status']}")


@token.command("revoke")
@click.argument("ids", nargs=-1, type=int)
@click.option("--gebruiker", help="Alle tokens van deze gebruiker intrekken.")
def token_revoke(ids: tuple[int, ...], gebruiker: str | None) -> None:
    """Tokens intrekken: op id (zie 'signaalroute token list'), of alle tokens van een gebruiker; wordt gelogd."""
    from engine.errors import NotFound

    if not ids and not gebruiker:
        raise CommandError("Geef een of meer token-ids, of --gebruiker NAAM.")
    with _front_door() as (orch, _config):
        try:
            revoked = orch.operator.revoke_tokens(list(ids), gebruiker)
        except NotFound as exc:
            raise CommandError(f"{exc} (er is niets ingetrokken)") from None
    click.echo(f"{revoked} token(s) ingetrokken.", err=True)


@main.command()
@click.argument("naam")
@click.option("--gemeente", "gemeenten", multiple=True, required=True,
              help="Gemeente die bij deze regio hoort (meerdere keren mag; nieuw = wordt aangemaakt).")
def regio(naam: str, gemeenten: tuple[str, ...]) -> None:
    """Gemeenten bij een regio indelen (regionale rollen gelden per regio)."""
    with _front_door() as (orch, _config):
        try:
            orch.operator.group_region(naam, list(gemeenten))
        except FieldErrors as exc:
            raise _fields(exc) from None
    click.echo(f"Regio {naam}: {', '.join(gemeenten)}.", err=True)


@main.group()
def audit() -> None:
    """Het verwerkingenlogboek."""


@audit.command("verify")
def audit_verify() -> None:
    """De hashketen van het logboek controleren: meldt gewijzigde en verwijderde gebeurtenissen."""
    with _front_door() as (orch, _config):
        report = orch.verify_audit()
    if report.ok:
        click.echo(f"Keten in orde: {report.events} gebeurtenissen, laatste {report.head_volgnummer or 0} "
                   f"met hash {report.head_hash or '-'}.")
        click.echo("Bewaar deze hash buiten de database; een latere controle moet er op voortbouwen.", err=True)
        return
    click.echo(f"De keten klopt NIET ({report.events} gebeurtenissen gelezen):")
    for problem in report.problems:
        click.echo(f"  - {problem}")
    _fail(1)


@main.command()
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat zou vervallen; niets wijzigen.")
def retentie(dry_run: bool) -> None:
    """Signalen waarvan de bewaartermijn is verstreken anonimiseren (grafsteen blijft voor de cijfers)."""
    with _front_door() as (orch, _config):
        run = orch.run_retention(dry_run=dry_run)
        policy = orch.retention
    click.echo(f"Bewaartermijnen: geen vermoeden {policy.geen_vermoeden}, gemeentelijk {policy.gemeentelijk}, "
               f"gerouteerd {policy.gerouteerd}.", err=True)
    verb = "zou vervallen" if dry_run else "geanonimiseerd"
    for item in run.signalen:
        click.echo(f"{item.referentie}\t{item.gemeente}\t{item.categorie}\tafgesloten {item.afgesloten_op:%Y-%m-%d}"
                   f"\ttermijn verstreken {item.verloopt_op:%Y-%m-%d}")
    for referentie, fout in run.mislukt:
        click.echo(f"{referentie}\tMISLUKT: {fout}", err=True)
    per = ", ".join(f"{k} {v}" for k, v in sorted(run.per_categorie().items())) or "geen"
    click.echo(f"{len(run.signalen)} signalen {verb} ({per}).", err=True)
    if run.mislukt:
        _fail(1)


def _plug_ins() -> None:
    """Commands kept in their own modules: the impact replay (:mod:`web.cli_impact`, which uses this
    module's helpers), the catalog and the route set-up (issue #17, :mod:`web.cli_region`)."""
    from .cli_impact import impact
    from .cli_region import catalogus, route_inrichting

    for command in (impact, catalogus, route_inrichting):
        main.add_command(command)


if __name__ == "__main__":
    # ``python -m web.cli``: run the package's own module (with its plug-ins), not this copy of it: a
    # plug-in importing ``web.cli`` would otherwise import this file a second time, half-way.
    from web.cli import main as _main

    _main()
else:
    _plug_ins()
