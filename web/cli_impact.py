"""``signaalroute impact PATH``: what a process folder would have done to the signals the municipality had.

For scripts and CI of a municipality's own process repository. Replays the last year's signals (or
those since ``--since``) of the folder's process against the folder (``Orchestrator.impact``, engine.
service.impact) and prints the groups old → new, the deadlines that move and what it cannot decide —
counts, steps and routes only. Progress goes to stderr; the last line of stdout is always
``RESULT replayed=N changed=N undecided=N``.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from engine.errors import DeployRejected, FieldErrors

from .cli import CommandError, _fields, _front_door


def _since(raw: str | None) -> dt.date | None:
    """``--since`` as a date: ``jjjj-mm-dd`` or ``dd-mm-jjjj``."""
    if raw is None:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(f"--since: geen geldige datum '{raw[:40]}' (jjjj-mm-dd of dd-mm-jjjj)")


def _print_text(result: dict) -> None:
    sinds = dt.datetime.fromisoformat(result["sinds"]).date()
    click.echo(f"{result['naam']} ({result['sleutel']}): {result['nagespeeld']} signalen sinds {sinds:%d-%m-%Y} "
               f"nagespeeld (hoogstens {result['hoogstens']}).")
    click.echo(f"  anders: {result['gewijzigd']}, onbeslist: {result['onbeslist']}, "
               f"ongewijzigd: {result['ongewijzigd']}")
    for group in result["groepen"]:
        click.echo(f"  {group['aantal']} {group['van']} → {group['naar']}: {group['verschil']}")
    for term in result["termijnen"]:
        click.echo(f"  termijn '{term['stap']}': {term['verschoven']} verschoven, {term['nu_gemist']} nu te laat, "
                   f"{term['nu_gehaald']} nu op tijd")
    for reason in result["onbeslist_redenen"]:
        click.echo(f"  onbeslist ({reason['aantal']}): {reason['reden']}")


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--since", "since", help="Signalen vanaf deze datum (jjjj-mm-dd); standaard het afgelopen jaar.")
@click.option("--json", "as_json", is_flag=True, help="Het resultaat als JSON.")
def impact(path: Path, since: str | None, as_json: bool) -> None:
    """Wat verandert er? De signalen van het afgelopen jaar naspelen tegen een procesmap (niets wordt opgeslagen)."""
    from engine import ProcessPackage

    day = _since(since)
    with _front_door() as (orch, _config):
        try:
            reports = orch.impact.of_package(ProcessPackage.from_folder(path), day)
            result = None
            for report in reports:
                if "resultaat" in report:
                    result = report["resultaat"]
                elif report["totaal"]:
                    click.echo(f"nagespeeld: {report['klaar']}/{report['totaal']}", err=True)
        except DeployRejected as exc:
            raise CommandError(f"{path}: {exc}", exit_code=1) from None
        except FieldErrors as exc:
            raise _fields(exc) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    click.echo(f"RESULT replayed={result['nagespeeld']} changed={result['gewijzigd']} undecided={result['onbeslist']}")
