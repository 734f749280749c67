"""Signing in: local accounts and sessions (:mod:`.signin`), two-factor sign-in (:mod:`.twofactor`),
single sign-on through the organisation's provider (:mod:`.oidc`).

What the app and the pages need is re-exported here: ``init_app`` (CSRF, the session's user, the
two-factor gate) and ``login_required``; the rest stays in :mod:`.signin`. Each module has its own
blueprint (``auth``, ``tweestaps``, ``sso``), registered in ``create_app``'s one list.
"""
from __future__ import annotations

from .signin import init_app, login_required

__all__ = ["init_app", "login_required"]
