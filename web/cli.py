"""The ``signaalroute`` command and its ten subcommands.

* ``init [--demo]`` — apply the migrations, deploy the process library (and the demo);
* ``run`` — the development server (waitress) with the clock unless ``--no-clock``;
* ``serve`` — gunicorn with several web processes (the clock only with ``--with-clock``);
* ``worker`` — a clock without a web server: timers, mail, retention (and ``/metrics``);
* ``deploy PATH`` — deploy one process folder as a new version;
* ``user add NAME`` and ``user reset-2fa NAME`` — accounts from the shell;
* ``regio NAAM --gemeente ...`` — a region and its municipalities;
* ``audit verify`` — check the audit log's hash chain;
* ``retentie [--dry-run]`` — anonymise the closed signals whose period passed.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from engine.errors import DeployRejected, EngineError, FieldErrors

from . import secret_key as secret_keys


@contextlib.contextmanager
def _app(secret_key: str = secret_keys.UNUSED):
    """The app for one command; its database connections are closed afterwards.

    :param secret_key: where the session key comes from (:mod:`web.secret_key`); commands that
        sign nothing need none.
    """
    from . import create_app, orchestrator

    try:
        app = create_app(secret_key=secret_key)
    except secret_keys.SecretKeyError as exc:
        click.echo(f"Signaalroute start niet: {exc}", err=True)
        sys.exit(2)
    try:
        yield app
    finally:
        orchestrator(app).db.dispose()


def _orch(app):
    from . import orchestrator

    return orchestrator(app)


@click.group()
def main() -> None:
    """Signaalroute: signalen van mensenhandel van melding tot casus."""


@main.command()
@click.option("--demo", is_flag=True, help="Maak demogebruikers en voorbeeldsignalen aan.")
def init(demo: bool) -> None:
    """Database bijwerken (migraties) en alle processen in processes/ deployen."""

    with _app() as app:
        _init(app, demo)


def _init(app, demo: bool) -> None:
    orch = _orch(app)
    where = orch.operator.upgrade_schema()
    click.echo(f"Database bijgewerkt ({where}).", err=True)
    for folder in sorted(Path(app.config["PROCESSES_DIR"]).iterdir()):
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


def _deploy_or_exit(orch, folder: Path, opmerking: str | None):
    try:
        deployment = orch.deploy_folder(folder, opmerking)
    except DeployRejected as exc:
        click.echo(f"{folder}: {exc}", err=True)
        sys.exit(1)
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

    with _app(secret_keys.DEVELOPMENT) as app:
        clock = None if no_clock else Clock(_orch(app), app.config["CLOCK_INTERVAL"])
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
    from gunicorn.app.base import BaseApplication

    with _app(secret_keys.REQUIRED):  # here, before any web process: a missing key or setting stops the start
        pass

    def _worker_exit(_server, worker) -> None:
        clock = getattr(worker, "signaalroute_clock", None)
        if clock is not None:
            clock.stop()  # the pass in flight finishes its batch first

    class _Gunicorn(BaseApplication):
        def load_config(self):
            # SIGTERM (systemd stop) is a graceful stop: the arbiter stops accepting, each web
            # process finishes the requests in flight — each one command, one transaction —
            # within graceful_timeout, then exits. SIGQUIT/SIGINT stop at once. Keep-alive outlasts the
            # proxy's (and clients') idle time: a connection the server closes just as a client reuses
            # it fails that request (gunicorn's default is 2 s; bench/load.py saw it with think times).
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "graceful_timeout": graceful_timeout,
                               "timeout": timeout, "keepalive": keepalive, "accesslog": None, "preload_app": False,
                               "post_worker_init": _post_worker_init, "worker_exit": _worker_exit}.items():
                self.cfg.set(key, value)

        def load(self):
            from . import create_app

            # In each worker, after the fork: no connections shared between processes. The key is
            # required here too (the default), so no web process ever signs with a made-up one.
            return create_app()

    def _post_worker_init(worker) -> None:
        if not with_clock:
            return
        from engine.service.scheduler import Clock

        app = worker.wsgi
        worker.signaalroute_clock = Clock(_orch(app), app.config["CLOCK_INTERVAL"])
        worker.signaalroute_clock.start()  # after the fork, once per web process

    clock_note = ", met klok in elk proces" if with_clock else ", zonder klok"
    click.echo(f"Signaalroute (gunicorn, {workers} processen{clock_note}) op http://{host}:{port}/", err=True)
    _Gunicorn().run()


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
    with _app() as app:
        clock = Clock(_orch(app), interval or app.config["CLOCK_INTERVAL"])
        clock.start()
        click.echo(f"Signaalroute-worker: elke {clock.interval:g} s een timerronde. Stoppen met Ctrl-C.", err=True)
        metrics_server = None
        if metrics_port:
            from .worker_metrics import serve_metrics

            metrics_server = serve_metrics(_orch(app).metrics_text, metrics_host, metrics_port,
                                           app.config.get("METRICS_TOKEN"))
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
def deploy(path: Path, opmerking: str | None) -> None:
    """Een procesmap deployen als nieuwe versie."""
    with _app() as app:
        _deploy_or_exit(_orch(app), path, opmerking)


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

    with _app() as app:
        _user_add(_orch(app), name, list(roles), gemeente, naam, password, token, regio, token_dagen)


def _user_add(orch, name, roles, gemeente, naam, password, token, regio=None, token_dagen=None) -> None:
    try:
        new_token = orch.operator.save_user(name, roles=roles, gemeente=gemeente, regio=regio, naam=naam,
                                            password=password, token=token, token_days=token_dagen)
    except FieldErrors as exc:
        for field, message in exc.fields.items():
            click.echo(f"{field}: {message}", err=True)
        sys.exit(2)
    except EngineError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    where = f" in {gemeente}" if gemeente else f" in regio {regio}" if regio else ""
    click.echo(f"Gebruiker {name} ({', '.join(roles)}{where}) opgeslagen.", err=True)
    if new_token:
        click.echo(new_token)


@user.command("reset-2fa")
@click.argument("name")
def user_reset_2fa(name: str) -> None:
    """Tweestapsverificatie van een gebruiker wissen (telefoon en herstelcodes kwijt); wordt gelogd."""
    from engine.errors import NotFound

    with _app() as app:
        orch = _orch(app)
        try:
            removed = orch.operator.reset_two_factor(name)
        except NotFound as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
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
    with _app() as app:
        orch = _orch(app)
        try:
            new_token = orch.operator.issue_token(name, days=dagen, naam=label)
        except FieldErrors as exc:
            for field, message in exc.fields.items():
                click.echo(f"{field}: {message}", err=True)
            sys.exit(2)
    click.echo(new_token)


@token.command("list")
@click.option("--gebruiker", help="Alleen de tokens van deze gebruiker.")
def token_list(gebruiker: str | None) -> None:
    """De tokens: id, gebruiker, naam, aangemaakt, verloopt, laatst gebruikt, tweestaps, status."""
    with _app() as app:
        rows = _orch(app).operator.tokens()
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
        click.echo("Geef een of meer token-ids, of --gebruiker NAAM.", err=True)
        sys.exit(2)
    with _app() as app:
        orch = _orch(app)
        try:
            revoked = orch.operator.revoke_tokens(list(ids), gebruiker)
        except NotFound as exc:
            click.echo(f"{exc} (er is niets ingetrokken)", err=True)
            sys.exit(2)
    click.echo(f"{revoked} token(s) ingetrokken.", err=True)


@main.command()
@click.argument("naam")
@click.option("--gemeente", "gemeenten", multiple=True, required=True,
              help="Gemeente die bij deze regio hoort (meerdere keren mag; nieuw = wordt aangemaakt).")
def regio(naam: str, gemeenten: tuple[str, ...]) -> None:
    """Gemeenten bij een regio indelen (regionale rollen gelden per regio)."""
    with _app() as app:
        try:
            _orch(app).operator.group_region(naam, list(gemeenten))
        except FieldErrors as exc:
            for field, message in exc.fields.items():
                click.echo(f"{field}: {message}", err=True)
            sys.exit(2)
    click.echo(f"Regio {naam}: {', '.join(gemeenten)}.", err=True)


@main.group()
def audit() -> None:
    """Het verwerkingenlogboek."""


@audit.command("verify")
def audit_verify() -> None:
    """De hashketen van het logboek controleren: meldt gewijzigde en verwijderde gebeurtenissen."""
    with _app() as app:
        report = _orch(app).verify_audit()
    if report.ok:
        click.echo(f"Keten in orde: {report.events} gebeurtenissen, laatste {report.head_volgnummer or 0} "
                   f"met hash {report.head_hash or '-'}.")
        click.echo("Bewaar deze hash buiten de database; een latere controle moet er op voortbouwen.", err=True)
        return
    click.echo(f"De keten klopt NIET ({report.events} gebeurtenissen gelezen):")
    for problem in report.problems:
        click.echo(f"  - {problem}")
    sys.exit(1)


@main.command()
@click.option("--dry-run", is_flag=True, help="Alleen tonen wat zou vervallen; niets wijzigen.")
def retentie(dry_run: bool) -> None:
    """Signalen waarvan de bewaartermijn is verstreken anonimiseren (grafsteen blijft voor de cijfers)."""
    with _app() as app:
        orch = _orch(app)
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
        sys.exit(1)


if __name__ == "__main__":
    main()
