"""The start page until the task screens arrive: what runs here and where the API is."""
from __future__ import annotations

from flask import Blueprint, render_template_string

bp = Blueprint("home", __name__)

_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Signaalroute</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; line-height: 1.5">
<h1>Signaalroute</h1>
<p>Signalen van mensenhandel, van melding tot casus.</p>
<ul>
<li>API: <a href="{{ url_for('api.openapi') }}">OpenAPI-beschrijving</a>
  &middot; <a href="{{ url_for('api.health') }}">gezondheid</a></li>
<li>Processen: {{ processen }} versie(s) gedeployed.</li>
</ul>
</body></html>"""


@bp.get("/")
def index():
    from . import orchestrator

    return render_template_string(_PAGE, processen=len(orchestrator().definitions_json()))
