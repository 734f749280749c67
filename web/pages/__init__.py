"""The pages people work in: report, task list, task form, signal page.

Each module of this package adds its routes to :data:`bp` (``pages``) when imported;
``create_app`` imports them and registers the blueprint with all the others. How the pages
answer engine errors is in :mod:`web.responses`, their filters and globals in :mod:`web.templating`.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)
