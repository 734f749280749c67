"""Signaalroute's engine: pure Python (no Flask), in layer packages that import only downward.

The web layer reaches the engine through three doors (checked by ``lint-imports``):
:mod:`engine.service` (the :class:`~engine.service.orchestrator.Orchestrator` and its desks),
:mod:`engine.errors`, and the public names re-exported here — the vocabulary and the value
types a caller needs to ask the front door something and read its answer.
"""
from __future__ import annotations

from .clock import AMSTERDAM, FixedClock, SystemClock
from .definitions.package import ProcessPackage
from .definitions.uploads import package_from_texts, package_from_zip
from .domain.feedback import feedback_text
from .domain.labels import label as code_label
from .domain.roles import ROLES, TASK_ROLES
from .domain.status import IncidentStatus, MailStatus, MeetingStatus, SignalStatus, TaskStatus, TimerStatus
from .domain.user_input import parse_date, parse_duration
from .mail.mail import mailer_from_url
from .mail.notify import PREFERENCES as MAIL_PREFERENCES
from .mail.outbox import MailConfig
from .ops.metrics import REQUEST_LATENCY, REQUESTS
from .people.access import (
    grant_scopes,
    may_administer,
    may_change_processes,
    may_export_care_registrations,
    may_read_audit,
    may_see_monitor,
    tables_of,
)
from .people.users import MAX_TOKEN_DAYS, TOKEN_DAYS, Actor
from .queries.processing_log import SOORTEN as AUDIT_KINDS
from .queries.processing_log import known_actions as known_audit_actions
from .runtime.incidents import KINDS as INCIDENT_KINDS
from .runtime.retention import RetentionPolicy
from .store.db import POOL_DEFAULTS, Database, default_url, make_engine, normalise_url

__all__ = [
    # who, and what they may (engine.people)
    "Actor", "ROLES", "TASK_ROLES", "grant_scopes", "may_administer", "may_change_processes", "may_read_audit", "tables_of",
    "may_export_care_registrations", "may_see_monitor",
    "TOKEN_DAYS", "MAX_TOKEN_DAYS",
    # stored status values (engine.domain.status)
    "TaskStatus", "SignalStatus", "TimerStatus", "MailStatus", "IncidentStatus", "MeetingStatus",
    # labels and input parsing
    "AUDIT_KINDS", "INCIDENT_KINDS", "code_label", "MAIL_PREFERENCES", "feedback_text", "known_audit_actions", "parse_date",
    "parse_duration",
    # time
    "AMSTERDAM", "FixedClock", "SystemClock",
    # building the front door: the database, retention, mail delivery, metrics
    "Database", "default_url", "make_engine", "normalise_url", "POOL_DEFAULTS", "RetentionPolicy", "MailConfig",
    "mailer_from_url", "REQUESTS",
    "REQUEST_LATENCY",
    # what is deployed
    "ProcessPackage", "package_from_texts", "package_from_zip",
]
