"""The case file as PDF (for the MDO, a chain partner outside the system, an AVG request).

Rendered with WeasyPrint from the view the engine gives the user (``Orchestrator.dossier.export``:
the same access policy as the signal page, and logged there), through one template. WeasyPrint
fetches nothing: every resource is inline, and its URL fetcher refuses all URLs.
"""
from __future__ import annotations

from flask import Response, render_template

from engine import ROLES

# The page layout (footer with who made it and when, page numbers); here, not inline in the template.
PDF_CSS = """
  @page {
    size: A4; margin: 2cm 1.8cm 2.4cm;
    @bottom-left { content: element(voet); }
    @bottom-right { content: "pagina " counter(page) " van " counter(pages); font-size: 8pt; color: #555; }
  }
  body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
  h1 { font-size: 16pt; margin: 0 0 0.3em; }
  h2 { font-size: 12.5pt; margin: 1.2em 0 0.4em; border-bottom: 1px solid #999; }
  h3 { font-size: 11pt; margin: 0.9em 0 0.1em; }
  .sub { color: #555; font-size: 8.5pt; margin: 0 0 0.3em; }
  dl { display: grid; grid-template-columns: 38% 62%; margin: 0; }
  dt { font-weight: bold; padding: 1pt 6pt 1pt 0; }
  dd { margin: 0; padding: 1pt 0; white-space: pre-line; }
  .stap { page-break-inside: avoid; border-left: 3px solid #bbb; padding-left: 8pt; margin-bottom: 8pt; }
  .tekst { white-space: pre-line; }
  .voet { position: running(voet); font-size: 8pt; color: #555; }
"""


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the case-file PDF loads no outside resources ({url[:60]})")


def html_to_pdf(html: str, css: str = PDF_CSS) -> bytes:
    """``html`` as a PDF with WeasyPrint, fetching nothing (also used by the monitoring report, web.monitor_pdf)."""
    from weasyprint import CSS, HTML  # imported when used: it loads pango, which the rest of the app does not need

    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[CSS(string=css)])


def render_pdf(view: dict) -> bytes:
    """The PDF of ``view`` (a signal with ``dossier``, ``aantekeningen``, ``gemaakt_door``, ``gemaakt_op``)."""
    return html_to_pdf(render_template("pages/dossier_pdf.html", signaal=view, rollen=ROLES))


def pdf_response(view: dict) -> Response:
    """The PDF as a download named after the signal's reference; never cached."""
    return Response(render_pdf(view), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="dossier-{view["referentie"]}.pdf"',
        "Cache-Control": "no-store",
    })
