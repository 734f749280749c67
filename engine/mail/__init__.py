"""Mail: notifications queued in the transaction of their cause (notify), the outbox that
sends them and makes the daily digests, and delivery over SMTP or to the log.

Rule: imports queries (the managers' digest reads the board) and the layers below; never
runtime.
"""
