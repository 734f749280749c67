"""The front door: :class:`~engine.service.orchestrator.Orchestrator` (with the managers' and
process owners' desks), the clock's scheduler, the demo loader, and retrying an incident.

Rule: it opens the transactions (``db.read()`` / ``db.write()``) and hands each command a
``Connection`` and ``now``; it may import every layer below. Not yet everywhere: the
per-request desks of people (user admin, two-factor, single sign-on, partners) and the
clock's passes (timers, mail, retention) still open their own; ``web/`` still imports
some lower modules directly (docs/architecture.md, "Not yet").
"""
