"""The only code that reaches inside SpiffWorkflow: compatibility shims, the expression
sandbox, serialization and the state codec.

Rule: imports store, domain and the leaves only.
"""
