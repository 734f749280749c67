"""The front door: :class:`~engine.service.orchestrator.Orchestrator` and its desks
(``managers``, ``owners``, ``tryouts``, ``admin``, ``partners``, ``signin``, ``operator``; one module
each),
the clock's passes (:mod:`~engine.service.passes`) and scheduler, the demo loader, and
retrying an incident.

Rule: the only engine code that opens transactions (``db.read()`` / ``db.write()``); it hands
each command a ``Connection`` and ``now`` and may import every layer below. ``web/`` imports
this package, :mod:`engine.errors` and the names :mod:`engine` re-exports, nothing else of the
engine (``lint-imports``, contract ``web-front-door``).
"""
