"""The audit log: one writer of ``audit_event`` (:class:`~engine.audit.audit.AuditBatch`,
:func:`~engine.audit.audit.record_read`) and its hash chain.

Rule: independent of ops; imports only spiff, store, domain and the leaves.
"""
