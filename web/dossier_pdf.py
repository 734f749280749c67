"""The case file as PDF (for the MDO, a chain partner outside the system, an AVG request).

Rendered with WeasyPrint from the view the engine gives the user (``Orchestrator.dossier.export``:
the same access policy as the signal page, and logged there), through one template. WeasyPrint
fetches nothing: every resource is inline, and its URL fetcher refuses all URLs.
"""
from __future__ import annotations

from flask import Response, render_template

from engine import ROLES


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the case-file PDF loads no outside resources ({url[:60]})")


def render_pdf(view: dict) -> bytes:
    """The PDF of ``view`` (a signal with ``dossier``, ``aantekeningen``, ``gemaakt_door``, ``gemaakt_op``)."""
    from weasyprint import HTML  # imported when used: it loads pango, which the rest of the app does not need

    html = render_template("pages/dossier_pdf.html", signaal=view, rollen=ROLES)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def pdf_response(view: dict) -> Response:
    """The PDF as a download named after the signal's reference; never cached."""
    return Response(render_pdf(view), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="dossier-{view["referentie"]}.pdf"',
        "Cache-Control": "no-store",
    })
