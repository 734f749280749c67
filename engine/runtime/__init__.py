"""Commands on running processes: report, complete, claim, fire timers, incidents, route
choice and change, instance migration, reassign, case tables, retention, invariants, and
the projections they keep in step; and trying a draft in memory (``sandbox_run``, ``scenarios``).

Rule: one command, one transaction — a function takes a ``Connection`` and ``now`` and
never commits or opens a transaction itself. May import mail and everything below it.
"""
