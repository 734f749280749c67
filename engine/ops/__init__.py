"""Operations: Prometheus metrics and the health check (database, the clocks' last pass).

Rule: independent of audit; imports only the layers below.
"""
