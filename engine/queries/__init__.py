"""Read models for screens and the API: inbox and task lists, signals, the managers' board,
workload, figures, heat map, the processing log.

Rule: they read projection tables only (invariant 4): never runtime, never SpiffWorkflow.
"""
