"""The zorgcoördinator's CoMensha page: a period's registrations (categories only) and their export
as CSV or JSON. Each export is processing-logged by the engine (engine.queries.comensha)."""
from __future__ import annotations

import datetime as dt

from flask import Response, g, render_template, request

from engine import AMSTERDAM, parse_date
from engine.errors import FieldErrors

from ..auth import login_required
from ..extensions import orchestrator
from . import bp

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _period() -> tuple[dt.date, dt.date, dict]:
    """The period asked for (``van``, ``tot``); by default the current calendar year so far."""
    today = orchestrator().clock.now().astimezone(AMSTERDAM).date()
    errors, values = {}, {}
    for name, default in (("van", today.replace(month=1, day=1)), ("tot", today)):
        try:
            values[name] = parse_date(name, request.args.get(name)) or default
        except FieldErrors as exc:
            errors.update(exc.fields)
            values[name] = default
    return values["van"], values["tot"], errors


@bp.get("/zorg/comensha")
@login_required
def comensha():
    van, tot, errors = _period()
    rijen = None
    if not errors:
        try:
            rijen = orchestrator().care.registrations(g.actor, van=van, tot=tot)
        except FieldErrors as error:
            errors = error.fields
    return render_template("pages/comensha.html", rijen=rijen, labels=orchestrator().care.labels(), fouten=errors,
                           van=request.args.get("van") or van.isoformat(), tot=request.args.get("tot") or tot.isoformat(),
                           query={"van": van.isoformat(), "tot": tot.isoformat()}), 422 if errors else 200


@bp.get("/zorg/comensha.<soort>")
@login_required
def comensha_export(soort: str):
    if soort not in MIMETYPES:
        return render_template("fout.html", titel="Onbekend bestand", bericht="Kies CSV of JSON."), 404
    van, tot, errors = _period()
    if errors:
        raise FieldErrors(errors)
    body = orchestrator().care.export(g.actor, soort, van=van, tot=tot)
    name = f"comensha-registraties-{van.isoformat()}-{tot.isoformat()}.{soort}"
    return Response(body, mimetype=MIMETYPES[soort], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                             "Cache-Control": "private, no-store"})
