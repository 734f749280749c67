"""The vocabulary: roles, case tables, feedback kinds, status enums, partner kinds, data
categories and legal grounds.

Rule: pure — no SQL, no I/O; imports only ``engine.clock`` and ``engine.errors``.
"""
