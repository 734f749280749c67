"""The region as configuration on the command line (issue #17): the catalog (``catalogus``) and each
municipality's route set-up (``route-inrichting``). The operator is trusted with the installation;
every change is audited, as in the browser (Beheer > Rollen en tafels, Route-inrichting)."""
from __future__ import annotations

import click

from engine.errors import FieldErrors, NotFound

SOORTEN = ("rol", "casustafel", "partnersoort", "convenant")


@click.group()
def catalogus() -> None:
    """Rollen, casustafels, soorten ketenpartner en convenanten: tonen, toevoegen, wijzigen, verwijderen."""


@catalogus.command("list")
@click.argument("soort", type=click.Choice(SOORTEN))
def catalogus_list(soort: str) -> None:
    """De onderdelen van SOORT: sleutel, naam, en wat ervoor geldt."""
    from .cli import _front_door

    with _front_door() as (orch, _config):
        for e in orch.region.entries(soort):
            extra = {k: v for k, v in e.items() if k not in ("sleutel", "naam")}
            click.echo(f"{e['sleutel']}\t{e['naam']}\t" + " ".join(f"{k}={_show(v)}" for k, v in extra.items()))


def _show(value) -> str:
    if isinstance(value, list | tuple):
        return ",".join(value) or "-"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value) if value is not None else "-"


@catalogus.command("set")
@click.argument("soort", type=click.Choice(SOORTEN))
@click.argument("sleutel")
@click.option("--naam", required=True, help="De naam op het scherm.")
@click.option("--regionaal", is_flag=True, help="rol: werkt in alle gemeenten van een regio.")
@click.option("--taakrol", is_flag=True, help="rol: doet taken in een proces.")
@click.option("--escalatie-rol", help="rol: wie een verlopen taak van deze rol hoort (leeg: de manager van de gemeente).")
@click.option("--niveau", type=click.Choice(("gemeente", "regio")), help="casustafel: lokaal of regionaal.")
@click.option("--deelnemer", "deelnemers", multiple=True, help="casustafel: een rol aan tafel (meerdere keren).")
@click.option("--voorzitter", "voorzitters", multiple=True, help="casustafel: een rol die voorzit (meerdere keren).")
@click.option("--route", "routes", multiple=True, help="convenant: een route die het dekt (meerdere keren).")
def catalogus_set(soort, sleutel, naam, regionaal, taakrol, escalatie_rol, niveau, deelnemers, voorzitters, routes):
    """SLEUTEL van SOORT toevoegen, of wijzigen als hij al bestaat (wordt gelogd)."""
    from .cli import _fields, _front_door

    values = {"sleutel": sleutel, "naam": naam, "regionaal": regionaal, "taakrol": taakrol,
              "escalatie_rol": escalatie_rol, "niveau": niveau, "deelnemers": list(deelnemers),
              "voorzitters": list(voorzitters), "routes": list(routes)}
    with _front_door() as (orch, _config):
        exists = any(e["sleutel"] == sleutel for e in orch.region.entries(soort))
        try:
            orch.region.save(None, soort, values, sleutel=sleutel if exists else None)
        except FieldErrors as exc:
            raise _fields(exc) from None
    click.echo(f"{soort} '{sleutel}' {'gewijzigd' if exists else 'toegevoegd'}.", err=True)


@catalogus.command("remove")
@click.argument("soort", type=click.Choice(SOORTEN))
@click.argument("sleutel")
def catalogus_remove(soort: str, sleutel: str) -> None:
    """Een toegevoegd onderdeel verwijderen (ingebouwde en gebruikte onderdelen blijven; wordt gelogd)."""
    from .cli import CommandError, _fields, _front_door

    with _front_door() as (orch, _config):
        try:
            orch.region.remove(None, soort, sleutel)
        except FieldErrors as exc:
            raise _fields(exc) from None
        except NotFound as exc:
            raise CommandError(str(exc)) from None
    click.echo(f"{soort} '{sleutel}' verwijderd.", err=True)


@click.command("route-inrichting")
@click.option("--gemeente", help="De gemeente waarvoor de inrichting geldt.")
@click.option("--regio", help="De regio waarvoor de inrichting geldt (haar gemeenten erven haar).")
@click.option("--modus", type=click.Choice(("proces", "beslistabel", "")), required=True,
              help="proces: elk signaal volgt PROCES; beslistabel: de proceskeuze van PROCES kiest; leeg: erven.")
@click.option("--proces", default="", help="De sleutel van een gedeployd proces.")
def route_inrichting(gemeente: str | None, regio: str | None, modus: str, proces: str) -> None:
    """Hoe de intake van een gemeente of regio het proces kiest; geldt voor nieuwe signalen (wordt gelogd)."""
    from .cli import CommandError, _fields, _front_door

    if bool(gemeente) == bool(regio):
        raise CommandError("Geef --gemeente of --regio (één van beide).")
    scope, naam = ("gemeente", gemeente) if gemeente else ("regio", regio)
    with _front_door() as (orch, _config):
        try:
            orch.region.set_route(None, scope, orch.region.place_id(scope, naam), {"modus": modus, "proces": proces})
        except FieldErrors as exc:
            raise _fields(exc) from None
        except NotFound as exc:
            raise CommandError(str(exc)) from None
    click.echo(f"Route-inrichting van {naam}: {modus + ' ' + proces if modus else 'erft weer'}.", err=True)
