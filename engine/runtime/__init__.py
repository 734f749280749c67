"""Commands on running processes: report, complete, claim, fire timers, incidents, route
choice and change, instance migration, reassign, case tables, retention, invariants, and
the projections they keep in step.

Rule: one command, one transaction — a function takes a ``Connection`` and ``now`` and
never commits or opens a transaction itself. May import mail and everything below it.
"""
