"""Storage: the database and its unit of work (:class:`~engine.store.db.Database`), the
schema, driver-level statements, and applying the migrations (``engine/migrations``).

Rule: imports domain and the leaves only.
"""
