"""The half-yearly monitoring report as PDF: the engine's report data (already suppressed, and the
download already logged by ``Orchestrator.monitor.report``) through one template, with WeasyPrint as
the case file is (:func:`web.dossier_pdf.html_to_pdf`: nothing fetched)."""
from __future__ import annotations

from flask import render_template

from .dossier_pdf import PDF_CSS, html_to_pdf

# Landscape: the municipalities stand side by side.
REPORT_CSS = PDF_CSS + """
  @page { size: A4 landscape; margin: 1.5cm 1.5cm 2cm; }
  h4 { font-size: 10pt; margin: 0.7em 0 0.2em; }
  table { border-collapse: collapse; width: 100%; font-size: 8.5pt; page-break-inside: avoid; }
  th, td { border-bottom: 1px solid #ccc; padding: 2pt 4pt; text-align: left; }
  .sr-getal { text-align: right; }
  .sr-visueel-verborgen { display: none; }
  .periode { page-break-before: always; }
  .periode:first-of-type { page-break-before: auto; }
"""


def render_report_pdf(data: dict) -> bytes:
    """The PDF of the report ``data`` (``Orchestrator.monitor.report(..., "pdf")``)."""
    html = render_template("dashboard/monitor_pdf.html", c=data, secties=data["secties"],
                           verantwoording=data["verantwoording"])
    return html_to_pdf(html, REPORT_CSS)
