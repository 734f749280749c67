"""The processing log on screen: the audit page (beheerder) and a case's "who has seen this"."""
from __future__ import annotations

import datetime as dt

from flask import g, render_template, request

from engine import AUDIT_KINDS, known_audit_actions, parse_date
from engine.errors import FieldErrors

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number
from . import bp

PAGE_SIZE = 50
FILTERS = ("gebruiker", "actie", "soort", "signaal", "van", "tot")

SOORT_NAMEN = {"invoeren": "Invoeren", "raadplegen": "Raadplegen", "wijzigen": "Wijzigen", "vernietigen": "Vernietigen"}


def _date(name: str, errors: dict) -> dt.date | None:
    try:
        return parse_date(name, request.args.get(name))
    except FieldErrors as exc:
        errors.update(exc.fields)
        return None


@bp.get("/beheer/verwerkingen")
@login_required
def verwerkingen():
    """Every logged read and change, newest first; filter by user, action, kind, signal and period."""
    errors: dict[str, str] = {}
    filters = {name: (request.args.get(name) or "").strip() or None for name in FILTERS}
    van, tot = _date("van", errors), _date("tot", errors)
    pagina = page_number()
    result = {"gebeurtenissen": [], "totaal": 0}
    if not errors:
        try:
            result = orchestrator().audit_log(
                g.actor, gebruiker=filters["gebruiker"], actie=filters["actie"], soort=filters["soort"],
                signaal=filters["signaal"], van=van, tot=tot, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
        except FieldErrors as exc:
            errors = exc.fields
    actief = {k: v for k, v in filters.items() if v}
    return render_template("pages/verwerkingen.html", log=result, filters=filters, actief=actief, fouten=errors,
                           pagina=pagina, paginas=page_count(result["totaal"], PAGE_SIZE),
                           acties=known_audit_actions(), soorten=AUDIT_KINDS, soort_namen=SOORT_NAMEN), (422 if errors else 200)


@bp.get("/signalen/<int:signal_id>/inzage")
@login_required
def inzage(signal_id: int):
    """Who viewed or changed this signal: for the aandachtsfunctionaris of its municipality."""
    pagina = page_number()
    result = orchestrator().signal_access_log(g.actor, signal_id, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    return render_template("pages/inzage.html", log=result, pagina=pagina, soort_namen=SOORT_NAMEN,
                           paginas=page_count(result["totaal"], PAGE_SIZE))
