"""The beheerder's mail page: whether mail is delivered, and what reached no one (no recipient, no text)."""
from __future__ import annotations

from flask import g, render_template

from ..auth import login_required
from ..extensions import orchestrator
from ..responses import page_count, page_number
from . import bp

PAGE_SIZE = 50


@bp.get("/beheer/mail")
@login_required
def mail_onbezorgd():
    """Mail not delivered (delivery off), failed for good or being retried, newest first."""
    pagina = page_number()
    result = orchestrator().admin.undelivered_mail(g.actor, limit=PAGE_SIZE, offset=(pagina - 1) * PAGE_SIZE)
    return render_template("pages/mail_onbezorgd.html", result=result, pagina=pagina,
                           paginas=page_count(result["totaal"], PAGE_SIZE),
                           bezorging_aan=orchestrator().mail_delivery_on())
