"""The managers' pages: overdue board (with reassigning), workload, flow figures with
downloads, and the heat map on the process diagram; and everyone's mail preference.

Its template filters (``duur``, ``procent``, ``uren``) are in :mod:`web.templating`; the mail
settings (``MAIL_*``, ``SITE_URL``) reach the engine through :func:`web.extensions.build_orchestrator`."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from engine import AMSTERDAM, MAIL_PREFERENCES, ROLES, parse_date
from engine.errors import FieldErrors
from engine.service.managers import UNSET

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, safe_next, wants_json

bp = Blueprint("overzicht", __name__)

PAGE_SIZE = 50
HAND_BACK = "rol"  # the reassign form's choice "back to the role" (nobody's name)
WINDOWS = {"1": "1 dag", "2": "2 dagen", "7": "een week"}
DEFAULT_PROCESS = "signaal-naar-casus"


def _int(name: str) -> int | None:
    try:
        return int(request.args[name]) if request.args.get(name) else None
    except ValueError:
        return None


def _gemeente(choices: dict[int, str]) -> int | None:
    chosen = _int("gemeente")
    return chosen if chosen in choices else None


def _local_today() -> dt.date:
    return orchestrator().clock.now().astimezone(AMSTERDAM).date()


@bp.get("/overzicht")
@login_required
def board():
    orch = orchestrator()
    gemeenten = orch.managers.supervised(g.actor)
    venster = request.args.get("binnen") if request.args.get("binnen") in WINDOWS else "2"
    toegewezen = request.args.get("toegewezen") or None
    if toegewezen not in (None, "niemand") and not toegewezen.isdigit():
        toegewezen = None
    pagina = max(1, _int("pagina") or 1)
    filters = {"gemeente_id": _gemeente(gemeenten), "bpmn_id": request.args.get("stap") or None,
               "rol": request.args.get("rol") if request.args.get("rol") in ROLES else None,
               "toegewezen_aan": toegewezen}
    result = orch.managers.board(g.actor, within=dt.timedelta(days=int(venster)), limit=PAGE_SIZE,
                        offset=(pagina - 1) * PAGE_SIZE, **filters)
    actief = {"gemeente": filters["gemeente_id"], "stap": filters["bpmn_id"], "rol": filters["rol"],
              "toegewezen": toegewezen, "binnen": venster if venster != "2" else None}
    actief = {k: v for k, v in actief.items() if v}
    return render_template("dashboard/board.html", overzicht=result, gemeenten=gemeenten, vensters=WINDOWS,
                           venster=venster, actief=actief, rollen=ROLES, pagina=pagina,
                           paginas=page_count(result["totaal"], PAGE_SIZE))


def _back() -> str:
    return safe_next(request.form.get("terug")) or url_for("overzicht.board")


@bp.post("/overzicht/taken/<int:task_id>/toewijzen")
@login_required
def reassign(task_id: int):
    naar = request.form.get("naar", "")
    if not naar.isdigit() and naar != HAND_BACK:
        error = FieldErrors({"naar": "kies een medewerker"})
        return _reassign_failed(error)
    gezien = request.form.get("gezien")
    seen = UNSET if gezien is None else (int(gezien) if gezien.isdigit() else None)
    managers = orchestrator().managers
    try:
        if naar == HAND_BACK:
            result = managers.hand_back(g.actor, task_id, seen=seen)
        else:
            result = managers.reassign(g.actor, task_id, int(naar), seen=seen)
    except FieldErrors as error:
        return _reassign_failed(error)
    if wants_json():
        return result
    if result["naar"] is None:
        flash(f"'{result['stap']}' staat weer bij de rol {result['rol_naam']}, op niemands naam.", "succes")
    else:
        flash(f"'{result['stap']}' staat nu op naam van {result['naar_naam']}.", "succes")
    return redirect(_back(), 303)


def _reassign_failed(error: FieldErrors):
    if wants_json():
        return {"fout": "De taak is niet toegewezen.", "velden": error.fields}, 422
    flash("De taak is niet toegewezen: " + "; ".join(error.fields.values()) + ".", "fout")
    return redirect(_back(), 303)


@bp.get("/overzicht/werkdruk")
@login_required
def workload():
    orch = orchestrator()
    gemeenten = orch.managers.supervised(g.actor)
    gemeente_id = _gemeente(gemeenten)
    werkdruk = orch.managers.workload(g.actor, gemeente_id)
    for person in werkdruk["per_gebruiker"]:
        person["rol_namen"] = [ROLES.get(rol, rol) for rol in person["rollen"]]
    return render_template("dashboard/werkdruk.html", werkdruk=werkdruk, gemeenten=gemeenten, gekozen=gemeente_id)


def _period() -> tuple[dt.date, dt.date, dict]:
    """The period asked for (``van``, ``tot`` as YYYY-MM-DD); by default the last 12 months."""
    today = _local_today()
    errors = {}
    values = {}
    for name, default in (("van", today.replace(year=today.year - 1) + dt.timedelta(days=1)), ("tot", today)):
        try:
            values[name] = parse_date(name, request.args.get(name)) or default
        except FieldErrors as exc:
            errors.update(exc.fields)
            values[name] = default
    return values["van"], values["tot"], errors


@bp.get("/overzicht/cijfers")
@login_required
def figures():
    orch = orchestrator()
    gemeenten = orch.managers.supervised(g.actor)
    gemeente_id = _gemeente(gemeenten)
    van, tot, errors = _period()
    cijfers = None
    if not errors:
        try:
            cijfers = orch.managers.figures(g.actor, van=van, tot=tot, gemeente_id=gemeente_id)
        except FieldErrors as error:
            errors = error.fields
    query = {"van": van.isoformat(), "tot": tot.isoformat(), **({"gemeente": gemeente_id} if gemeente_id else {})}
    return render_template("dashboard/cijfers.html", cijfers=cijfers, fouten=errors, gemeenten=gemeenten,
                           gekozen=gemeente_id, van=request.args.get("van") or van.isoformat(),
                           tot=request.args.get("tot") or tot.isoformat(), query=query), 422 if errors else 200


@bp.get("/overzicht/cijfers.<soort>")
@login_required
def figures_download(soort: str):
    if soort not in ("csv", "xlsx"):
        return render_template("fout.html", titel="Onbekend bestand", bericht="Kies CSV of Excel."), 404
    orch = orchestrator()
    gemeente_id = _gemeente(orch.managers.supervised(g.actor))
    van, tot, errors = _period()
    if errors:
        raise FieldErrors(errors)
    body = orch.managers.figures_file(g.actor, soort, van=van, tot=tot, gemeente_id=gemeente_id)
    mimetype = "text/csv; charset=utf-8" if soort == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"signaalroute-cijfers-{van.isoformat()}-{tot.isoformat()}.{soort}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "private, no-store"})


@bp.get("/overzicht/knelpunten")
@login_required
def heatmap():
    orch = orchestrator()
    gemeenten = orch.managers.supervised(g.actor)
    gemeente_id = _gemeente(gemeenten)
    processen = orch.managers.heatmap_processes(g.actor)
    sleutels = [p["sleutel"] for p in processen]
    sleutel = request.args.get("proces") if request.args.get("proces") in sleutels else (
        DEFAULT_PROCESS if DEFAULT_PROCESS in sleutels else (sleutels[0] if sleutels else None))
    kaart = orch.managers.heatmap(g.actor, sleutel, gemeente_id) if sleutel else None
    return render_template("dashboard/knelpunten.html", kaart=kaart, processen=processen, gemeenten=gemeenten,
                           gekozen=gemeente_id, sleutel=sleutel)


@bp.get("/overzicht/processen/<sleutel>/diagram.bpmn")
@login_required
def diagram(sleutel: str):
    xml = orchestrator().managers.process_diagram(g.actor, sleutel)
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/instellingen/meldingen", methods=["GET", "POST"])
@login_required
def mail_settings():
    orch = orchestrator()
    errors = {}
    values = orch.mail_settings(g.actor)
    status = 200
    if request.method == "POST":
        values = {"email": request.form.get("email", ""), "wijze": request.form.get("wijze", "")}
        try:
            orch.save_mail_settings(g.actor, email=values["email"], wijze=values["wijze"])
        except FieldErrors as error:
            errors, status = error.fields, 422
        else:
            flash("Uw meldingsinstellingen zijn opgeslagen.", "succes")
            return redirect(url_for("overzicht.mail_settings"), 303)
    return render_template("dashboard/instellingen_meldingen.html", waarden=values, fouten=errors,
                           keuzes=MAIL_PREFERENCES), status
