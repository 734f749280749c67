"""The database schema: SQLAlchemy Core tables.

Alembic migrations in ``engine/migrations`` create these tables; the test-suite
checks that the migrations and this module agree.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = DateTime(timezone=True)

# A region (e.g. the Achterhoek, Gelderland-Zuid): regional roles are granted per region.
regio = Table(
    "regio",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("naam", String(200), nullable=False),
)

gemeente = Table(
    "gemeente",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("naam", String(200), nullable=False),
    Column("regio_id", ForeignKey("regio.id"), nullable=True),
)

user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("gebruikersnaam", String(100), nullable=False, unique=True),
    Column("naam", String(200), nullable=False),
    Column("password_hash", String(200)),
    Column("actief", Boolean, nullable=False, default=True),
    Column("created_at", TS, nullable=False),
)

user_role = Table(
    "user_role",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("rol", String(50), nullable=False),
    # NULL: the role holds across the region (regional roles: zorgcoordinator, zvh, riec) —
    # the region of ``regio_id``, or the whole installation when that is NULL too.
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=True),
    Column("regio_id", ForeignKey("regio.id"), nullable=True),
    # Where the grant comes from: 'lokaal' (user administration, the CLI) or 'oidc' (the
    # identity provider's groups, set again at every single sign-on; engine/people/sso.py).
    Column("bron", String(10), nullable=False, default="lokaal", server_default="lokaal"),
    UniqueConstraint("user_id", "rol", "gemeente_id"),
    Index("ix_user_role_rol_gemeente", "rol", "gemeente_id"),
)

# API bearer tokens, stored as SHA-256 hashes (engine.people.tokens). Each expires; ``tweede_factor``
# records that it was made in a session with a verified second factor, the only kind that may
# do what the owner's role needs a second factor for (engine.people.access.second_factor_missing).
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("revoked_at", TS),
    Column("expires_at", TS, nullable=False),
    Column("tweede_factor", Boolean, nullable=False, server_default=false()),
    Column("naam", String(100)),
    Column("last_used_at", TS),
)

# Browser sessions, server-side (engine.people.sessions): the cookie carries only a random id, stored
# here as its SHA-256 hash. A session ends at sign-out, at its idle or absolute limit, or when
# the user's password, roles or active state change (``revoked_at``).
user_session = Table(
    "user_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("last_seen_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("revoked_at", TS),
    Column("tweede_factor", Boolean, nullable=False, server_default=false()),
    Index("ix_user_session_user", "user_id"),
    Index("ix_user_session_expires", "expires_at"),
)

process_definition = Table(
    "process_definition",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sleutel", String(100), nullable=False),
    Column("versie", Integer, nullable=False),
    Column("naam", String(200), nullable=False),
    Column("bpmn_proces_id", String(200), nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("deployed_by", ForeignKey("app_user.id"), nullable=True),
    Column("deployed_at", TS, nullable=False),
    Column("opmerking", Text),
    UniqueConstraint("sleutel", "versie"),
)

process_file = Table(
    "process_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("definition_id", ForeignKey("process_definition.id", ondelete="CASCADE"), nullable=False),
    Column("naam", String(300), nullable=False),
    # Bytes, exactly as deployed: an export returns what was deployed, byte for byte.
    Column("inhoud", LargeBinary, nullable=False),
    UniqueConstraint("definition_id", "naam"),
)

# A process owner's draft of a process (one per process): files being edited in the
# browser, not yet a version. Nothing runs on a draft; deploying it makes a version.
process_draft = Table(
    "process_draft",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sleutel", String(100), nullable=False, unique=True),
    # The version the draft started from (none for an imported process).
    Column("basis_definition_id", ForeignKey("process_definition.id"), nullable=True),
    Column("naam", String(200), nullable=False),
    Column("updated_by", ForeignKey("app_user.id"), nullable=True),
    Column("updated_at", TS, nullable=False),
)
process_draft_file = Table(
    "process_draft_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("draft_id", ForeignKey("process_draft.id", ondelete="CASCADE"), nullable=False),
    Column("naam", String(300), nullable=False),
    Column("inhoud", LargeBinary, nullable=False),
    UniqueConstraint("draft_id", "naam"),
)

process_instance = Table(
    "process_instance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("definition_id", ForeignKey("process_definition.id"), nullable=False, index=True),
    # Optimistic concurrency: every write is UPDATE ... WHERE version = :seen.
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("state", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("completed_at", TS),
)

signal = Table(
    "signal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("referentie", String(40), nullable=False, unique=True),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=False, unique=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    Column("gemeld_door", ForeignKey("app_user.id"), nullable=True, index=True),
    Column("ontvangen_op", TS, nullable=False),
    Column("bron", String(20), nullable=False),
    Column("melder", JSON, nullable=False),
    Column("omschrijving", Text, nullable=False),
    Column("locatie", Text),
    # A short subject the reporter chose (optional): Mijn meldingen tells their reports apart by it.
    Column("onderwerp", String(120)),
    Column("uitbuitingsvormen", JSON, nullable=False),
    Column("identificeerbaar_slachtoffer", Boolean, nullable=False),
    Column("minderjarige", String(10), nullable=False),
    Column("acute_nood", Boolean, nullable=False),
    # Under acute danger: had 112 been called when it was reported (None: no acute danger). Acute and
    # not called is ``acuut``: marked in every list and count, its mails go out at once.
    Column("al_112_gebeld", Boolean),
    Column("acuut", Boolean, nullable=False, server_default=false()),
    Column("sector", String(50)),
    Column("indicatoren", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("fase", String(300)),
    Column("uitkomst", String(200)),
    Column("route", String(50)),
    # The covenant the case is shared under once routed (engine.people.access.ROUTE_COVENANT).
    Column("convenant", String(20)),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("closed_at", TS),
    # Set when the retention job stripped the personal data: the row is a tombstone.
    Column("geanonimiseerd_op", TS),
    # What the reporter is told, in general terms (engine.domain.feedback): afgesloten | gemeente |
    # ketenpartner, and since when. Written when it changes, with a mail to the reporter.
    Column("terugkoppeling", String(20)),
    Column("teruggekoppeld_op", TS),
    Index("ix_signal_gemeente_status", "gemeente_id", "status"),
)

human_task = Table(
    "human_task",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=False),
    Column("signal_id", ForeignKey("signal.id"), nullable=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    Column("spiff_task_id", String(36), nullable=False),
    Column("bpmn_id", String(200), nullable=False),
    Column("naam", String(300), nullable=False),
    Column("rol", String(50), nullable=False),
    Column("formulier", String(200)),
    Column("toegewezen_aan", ForeignKey("app_user.id"), nullable=True),
    Column("status", String(20), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("due_at", TS),
    Column("completed_by", ForeignKey("app_user.id"), nullable=True),
    Column("completed_at", TS),
    Column("escalated_at", TS),
    # The case table whose meeting decides this task (engine.runtime.casustafel): it is completed
    # from the meeting's minutes, not from the task page.
    Column("casustafel", String(30)),
    UniqueConstraint("instance_id", "spiff_task_id"),
    # The inbox: open tasks of a role in a municipality, by deadline.
    Index("ix_human_task_inbox", "status", "rol", "gemeente_id", "due_at"),
    Index("ix_human_task_assignee", "toegewezen_aan", "status", "due_at"),
    # Look-ups by instance use the unique (instance_id, spiff_task_id) index: an instance has few tasks.
    Index("ix_human_task_due", "status", "due_at"),
    # A signal's open tasks and its steps (the signal page); a manager's municipality.
    Index("ix_human_task_signal", "signal_id", "status"),
    Index("ix_human_task_gemeente", "status", "gemeente_id", "due_at"),
    # The step filter's counts per role: read from the index alone.
    Index("ix_human_task_steps", "status", "rol", "gemeente_id", "bpmn_id", "naam"),
)

# The processing log (after VNG "Verwerkingenlogging"): append-only, each event carrying
# the hash of the one before it (engine/audit/audit.py writes it, engine/audit/audit_chain.py checks it).
audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", TS, nullable=False),
    Column("user_id", ForeignKey("app_user.id"), nullable=True),
    Column("actie", String(50), nullable=False),
    Column("signal_id", ForeignKey("signal.id"), nullable=True),
    Column("instance_id", Integer, nullable=True),
    Column("detail", JSON, nullable=False),
    # The role the user acted in; the kind of processing (invoeren, raadplegen, wijzigen,
    # vernietigen); which data categories; the legal ground (a covenant or the
    # municipality's own task); which system.
    Column("rol", String(50)),
    Column("soort", String(20), nullable=False),
    Column("categorieen", JSON, nullable=False),
    Column("grondslag", String(30)),
    Column("systeem", String(50), nullable=False),
    # The chain: 1, 2, 3, ... without gaps; hash = sha256(vorige_hash + the event).
    Column("volgnummer", Integer, nullable=False, unique=True),
    Column("vorige_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_event_signal", "signal_id", "id"),
    Index("ix_audit_event_user", "user_id", "volgnummer"),
    Index("ix_audit_event_at", "at"),
)

# The head of the audit chain: the last event's number and hash (one row, id 1). Every
# writer locks it (SELECT ... FOR UPDATE) at the very end of its transaction, which
# serialises appends; deleting the last events is detected against it.
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("volgnummer", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

timer = Table(
    "timer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=False),
    Column("spiff_task_id", String(36), nullable=False),
    Column("bpmn_id", String(200), nullable=False),
    Column("naam", String(300), nullable=False),
    # What the engine does besides moving the workflow on: escalatie, terugkoppeling or none.
    Column("actie", String(30)),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=True),
    Column("due_at", TS, nullable=False),
    # When the next attempt may be made: due_at, later after a failed attempt (back-off).
    Column("attempt_at", TS, nullable=False),
    Column("status", String(20), nullable=False),
    Column("afgevuurd", Integer, nullable=False, default=0),
    Column("pogingen", Integer, nullable=False, default=0),
    Column("fout", Text),
    Column("created_at", TS, nullable=False),
    Column("fired_at", TS),
    UniqueConstraint("instance_id", "spiff_task_id"),
    # The clock's pass: waiting rows by next attempt; never touches rows not yet due.
    Index("ix_timer_due", "status", "attempt_at"),
    # An instance's waiting timers: its deadlines on the case page, a command's cancellations.
    Index("ix_timer_instance", "instance_id", "status"),
)

incident = Table(
    "incident",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=False, index=True),
    Column("timer_id", ForeignKey("timer.id"), nullable=True),
    Column("element_id", String(200)),
    Column("fout", Text, nullable=False),
    Column("pogingen", Integer, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("resolved_at", TS),
    # What failed, safe to show (an error kind, never the message: it can quote process
    # data), the keys of the data at the failing step (keys only), who resolved it.
    Column("soort", String(100)),
    Column("gegevens", JSON),
    Column("resolved_by", ForeignKey("app_user.id"), nullable=True),
    # The incidents page and the open-incidents gauge: the unresolved ones, per timer.
    Index("ix_incident_open", "resolved_at", "timer_id"),
)

notificatie = Table(
    "notificatie",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("soort", String(30), nullable=False),
    Column("rol", String(50), nullable=False),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    Column("signal_id", ForeignKey("signal.id"), nullable=True),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=True),
    Column("bericht", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("gelezen_op", TS),
    Index("ix_notificatie_rol_gemeente", "rol", "gemeente_id", "created_at"),
)

# --- managers' overview and mail ----------------------------------------------------------------

# The overdue board and the workload: open tasks per municipality by deadline, carrying what
# they read (partial: open tasks are a few percent of all; the queries write 'open' literally).
_OPEN = human_task.c.status == "open"
#
# The covering indexes for the board and the figures are made on PostgreSQL only (ddl_if): they
# pay off at a region's millions of rows, while every command that opens or completes a task
# maintains them. A SQLite installation (one machine, one municipality's history) answers these
# screens from the general indexes above, and its commands stay cheaper.
Index("ix_human_task_open", human_task.c.gemeente_id, human_task.c.due_at,
      postgresql_include=["bpmn_id", "rol", "toegewezen_aan", "created_at", "naam"],
      postgresql_where=_OPEN).ddl_if(dialect="postgresql")
# The board's escalations (with their state), the flow figures' steps finished in a period,
# and the signals received or closed in a period, per municipality.
_ESCALATED = human_task.c.escalated_at.is_not(None)
Index("ix_human_task_escalated", human_task.c.gemeente_id, human_task.c.escalated_at,
      postgresql_include=["status"], postgresql_where=_ESCALATED, sqlite_where=_ESCALATED)
# The newest escalations over several municipalities (the region's board): read backwards.
Index("ix_human_task_escalated_at", human_task.c.escalated_at, postgresql_include=["gemeente_id"],
      postgresql_where=_ESCALATED, sqlite_where=_ESCALATED)
# On PostgreSQL the figures' indexes carry the columns the figures read (INCLUDE): index-only scans.
Index("ix_human_task_completed", human_task.c.gemeente_id, human_task.c.completed_at,
      postgresql_include=["status", "bpmn_id", "naam", "created_at", "due_at"]).ddl_if(dialect="postgresql")
Index("ix_signal_gemeente_ontvangen", signal.c.gemeente_id, signal.c.ontvangen_op,
      postgresql_include=["status", "uitkomst", "route", "sector", "minderjarige", "acute_nood", "uitbuitingsvormen"],
      ).ddl_if(dialect="postgresql")
Index("ix_signal_gemeente_closed", signal.c.gemeente_id, signal.c.closed_at,
      postgresql_include=["status", "ontvangen_op"]).ddl_if(dialect="postgresql")
# The tombstones among the signals received in a period (the figures count them apart).
_ANONYMISED = signal.c.geanonimiseerd_op.is_not(None)
Index("ix_signal_geanonimiseerd", signal.c.gemeente_id, signal.c.ontvangen_op,
      postgresql_where=_ANONYMISED, sqlite_where=_ANONYMISED)

mail_instelling = Table(
    "mail_instelling",
    metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("email", String(254)),
    # direct: a mail per event; dagelijks: the day's events in one morning mail.
    Column("wijze", String(20), nullable=False),
    Column("updated_at", TS, nullable=False),
)

# The outbox: a row per mail to one user, written in the transaction of what caused it and
# sent by the clock's mail pass. It names a step and a link, never personal data.
mail_bericht = Table(
    "mail_bericht",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("soort", String(30), nullable=False),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=True),
    Column("stap", String(300)),
    Column("link", String(500), nullable=False),
    # Only the daily digest stores its composed text (links as "{site}/path").
    Column("tekst", Text),
    Column("status", String(20), nullable=False),
    Column("pogingen", Integer, nullable=False, default=0),
    Column("fout", Text),
    Column("created_at", TS, nullable=False),
    Column("attempt_at", TS, nullable=False),
    Column("sent_at", TS),
    # What caused the row, and for whom (engine.mail.notify): the same cause queued twice — a command
    # replayed, a timer fired again — adds no second row. Rows from before the key: 'legacy:<id>'.
    Column("sleutel", String(500), nullable=False),
    # Sent at once whatever the recipient's preference (a task of an acute signal): never in a digest.
    Column("spoed", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("sleutel"),
    Index("ix_mail_bericht_due", "status", "attempt_at"),
    Index("ix_mail_bericht_user", "user_id", "status"),
)

# A file sent with an outbox row (the monitoring report's PDF and workbook: anonymised figures only),
# made when the row is queued. Kept only while the row may still be sent: the outbox deletes a row's
# files when it is marked sent, failed or not delivered (engine.mail.outbox.mark). A row with files
# is always sent on its own, never bundled in the daily digest.
mail_bijlage = Table(
    "mail_bijlage",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mail_bericht_id", ForeignKey("mail_bericht.id", ondelete="CASCADE"), nullable=False),
    Column("bestandsnaam", String(200), nullable=False),
    Column("mimetype", String(100), nullable=False),
    Column("inhoud", LargeBinary, nullable=False),
    Index("ix_mail_bijlage_bericht", "mail_bericht_id"),
)

# Where a repeating mail job got to: the overdue scan's due time, the last daily digest.
mail_stand = Table(
    "mail_stand",
    metadata,
    Column("naam", String(50), primary_key=True),
    Column("tot", TS, nullable=False),
)

# --- two-factor sign-in -------------------------------------------------------------------------

# A user's TOTP secret (RFC 6238). ``confirmed_at`` NULL: enrolment started, not yet proven
# with a code. ``last_step`` is the time step of the last accepted code: a code is never
# accepted twice.
user_totp = Table(
    "user_totp",
    metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("confirmed_at", TS),
    Column("last_step", Integer),
)

# Single-use recovery codes, stored as SHA-256 hashes (each code has 60 random bits).
user_recovery_code = Table(
    "user_recovery_code",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("used_at", TS),
    Index("ix_user_recovery_code_user", "user_id", "code_hash"),
)

# --- single sign-on -----------------------------------------------------------------------------

# A user's identity at an OpenID Connect provider. The issuer and the subject (``iss``, ``sub``
# of the ID token) are the only link to an account: never an e-mail address or a user name.
user_identity = Table(
    "user_identity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("issuer", String(500), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("last_sign_in_at", TS),
    UniqueConstraint("issuer", "subject"),
)

# --- observability -----------------------------------------------------------------------------

# When each clock (one per worker process: host and pid) last completed a timer pass; /health
# reads the newest. Written by the pass at most every few seconds (engine.ops.health).
klok_stand = Table(
    "klok_stand",
    metadata,
    Column("naam", String(200), primary_key=True),
    Column("laatste_pass", TS, nullable=False),
)

# The chain partner directory (engine/people/partners.py): whom a referral goes to, per region and kind
# (NLA, AVIM, zorgcoördinator, ZVH, Veilig Thuis, RIEC, handhaving). A referral task shows the
# contacts of its kind in the signal's region. Example data in the demo only.
ketenpartner = Table(
    "ketenpartner",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("regio_id", ForeignKey("regio.id"), nullable=False),
    Column("soort", String(30), nullable=False),
    Column("naam", String(200), nullable=False),
    Column("telefoon", String(50)),
    Column("email", String(254)),
    Column("adres", String(300)),
    Column("toelichting", Text),
    Column("bijgewerkt_door", ForeignKey("app_user.id"), nullable=True),
    Column("bijgewerkt_op", TS, nullable=False),
    Index("ix_ketenpartner_regio_soort", "regio_id", "soort"),
)

# A signal moved to another process by the analist or aandachtsfunctionaris (engine/runtime/route_change.py):
# the old instance is cancelled, not deleted; the signal points at the new one.
proceswissel = Table(
    "proceswissel",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signal_id", ForeignKey("signal.id"), nullable=False, index=True),
    Column("van_instance_id", ForeignKey("process_instance.id"), nullable=False),
    Column("naar_instance_id", ForeignKey("process_instance.id"), nullable=False),
    Column("van_proces", String(100), nullable=False),
    Column("naar_proces", String(100), nullable=False),
    Column("reden", Text),
    Column("door", ForeignKey("app_user.id"), nullable=True),
    Column("op", TS, nullable=False),
)

# --- case tables: meetings and their agendas ---------------------------------------------------

# A meeting of a case table (engine.runtime.casustafel.TAFELS): the local signal meeting of one
# municipality (gemeente_id), or a regional table (regio_id; both NULL: installation-wide).
overleg = Table(
    "overleg",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tafel", String(30), nullable=False),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=True),
    Column("regio_id", ForeignKey("regio.id"), nullable=True),
    Column("datum", TS, nullable=False),
    Column("locatie", String(300)),
    # gepland → gehouden (once the minutes are recorded, on or after the date).
    Column("status", String(20), nullable=False),
    Column("notulen", Text),
    Column("created_by", ForeignKey("app_user.id"), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Index("ix_overleg_tafel_datum", "tafel", "datum"),
)

# A case on a meeting's agenda: the waiting decision task, and the decision once recorded.
agendapunt = Table(
    "agendapunt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("overleg_id", ForeignKey("overleg.id"), nullable=False),
    Column("signal_id", ForeignKey("signal.id"), nullable=False),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=False, unique=True),
    Column("volgorde", Integer, nullable=False),
    Column("besluit", String(50)),
    Column("toelichting", Text),
    Column("geagendeerd_door", ForeignKey("app_user.id"), nullable=True),
    Column("geagendeerd_op", TS, nullable=False),
    Column("vastgelegd_door", ForeignKey("app_user.id"), nullable=True),
    Column("vastgelegd_op", TS),
    Index("ix_agendapunt_overleg", "overleg_id", "volgorde"),
)

# A care trajectory (processes/zorgtraject) linked to the signal whose route reached care: its own
# process instance, started by the route's ``start_proces`` element (engine.runtime.care). The row is
# the trajectory's projection for screens and figures: categories only, never free text or
# anything that identifies the person. Care data is special-category: engine.people.access decides.
zorgtraject = Table(
    "zorgtraject",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signal_id", ForeignKey("signal.id"), nullable=False, index=True),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=False, unique=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    # The route instance and its element that started the trajectory: started once per element.
    Column("bron_instance_id", ForeignKey("process_instance.id"), nullable=False),
    Column("bron_taak", String(36), nullable=False),
    Column("gestart_op", TS, nullable=False),
    Column("beeindigd_op", TS),
    Column("einde_uitkomst", String(30)),
    Column("opvang_soort", String(30)),
    Column("opvang_aanbieder", Integer),  # ketenpartner.id (the directory may drop the entry later)
    Column("opvang_start", String(10)),
    # The reflection period (COSM): when it started and ended, and what was decided after it.
    Column("bedenktijd_start", String(10)),
    Column("bedenktijd_beeindigd_op", TS),
    Column("bedenktijd_besluit", String(30)),
    Column("comensha_gemeld_op", TS),
    Column("comensha_gegevens", JSON),
    UniqueConstraint("bron_instance_id", "bron_taak"),
    Index("ix_zorgtraject_gemeente_gestart", "gemeente_id", "gestart_op"),
    Index("ix_zorgtraject_comensha", "comensha_gemeld_op"),
)

# --- the Signalen list and handovers between municipalities ------------------------------------

# The Signalen list (engine/queries/signal_list.py), newest received first: a municipality's
# signals (PostgreSQL has ix_signal_gemeente_ontvangen above; SQLite gets its own plain index),
# and a regional role's routes (``route IN (...)``, in a region or installation-wide).
Index("ix_signal_gemeente_ontvangen_lijst", signal.c.gemeente_id, signal.c.ontvangen_op).ddl_if(dialect="sqlite")
Index("ix_signal_route_ontvangen", signal.c.route, signal.c.ontvangen_op)

# A signal handed over to another municipality (engine/runtime/handover.py): where the victim lives
# or was found. The signal's ``gemeente_id`` becomes the receiving one; the handing-over municipality
# keeps this row — the reference and the fact — and nothing of the content.
overdracht = Table(
    "overdracht",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signal_id", ForeignKey("signal.id"), nullable=False),
    Column("van_gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    Column("naar_gemeente_id", ForeignKey("gemeente.id"), nullable=False),
    Column("reden", Text, nullable=False),
    Column("door", ForeignKey("app_user.id"), nullable=True),
    Column("op", TS, nullable=False),
    # A signal's handovers (the signal page, the access check of a handed-over signal).
    Index("ix_overdracht_signal", "signal_id", "id"),
    # The handing-over municipality's list of what it handed over, newest first.
    Index("ix_overdracht_van", "van_gemeente_id", "op"),
)

# --- the case file (dossier): what each step found, notes, drafts ------------------------------

# One entry per completed step (and the intake, and each progress report): who, in which role,
# when, and the answers of that step's form, with the labels the form asked them by. Append-only:
# a field two steps share (``toelichting``) is kept per step. The database refuses UPDATE on it
# (a trigger, migration 0016); retention deletes a closed case's entries.
dossier_stap = Table(
    "dossier_stap",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signal_id", ForeignKey("signal.id"), nullable=False),
    Column("instance_id", ForeignKey("process_instance.id"), nullable=True),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=True),
    # intake | stap | voortgang (engine.runtime.dossier)
    Column("soort", String(20), nullable=False),
    Column("stap", String(300), nullable=False),
    Column("bpmn_id", String(200)),
    Column("rol", String(50)),
    Column("door", ForeignKey("app_user.id"), nullable=True),
    Column("voltooid_op", TS, nullable=False),
    Column("gegevens", JSON, nullable=False),
    # [{"sleutel", "label", "waarden": {value: label}}]: the asking form's labels, as it was then.
    Column("velden", JSON, nullable=False),
    Index("ix_dossier_stap_signal", "signal_id", "id"),
)

# A dated note by someone working the case. Append-only (UPDATE refused by a trigger): a correction
# is a new note naming the one it corrects.
aantekening = Table(
    "aantekening",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signal_id", ForeignKey("signal.id"), nullable=False),
    Column("door", ForeignKey("app_user.id"), nullable=True),
    Column("rol", String(50)),
    Column("op", TS, nullable=False),
    Column("tekst", Text, nullable=False),
    Column("corrigeert", ForeignKey("aantekening.id"), nullable=True),
    Index("ix_aantekening_signal", "signal_id", "id"),
)

# A task form saved half-way, per user per task; only its author sees it; deleted when the task
# completes or vanishes (engine.runtime.instances.persist).
taak_concept = Table(
    "taak_concept",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("human_task_id", ForeignKey("human_task.id"), nullable=False),
    Column("user_id", ForeignKey("app_user.id"), nullable=False),
    Column("gegevens", JSON, nullable=False),
    Column("opgeslagen_op", TS, nullable=False),
    UniqueConstraint("human_task_id", "user_id"),
)

# --- the region as configuration (engine.domain.catalog, engine.store.catalog_rows) -------------------
# Roles, case tables, chain-partner kinds and covenants a beheerder manages; seeded with the built-in
# values (migration 0021). ``catalogus_stempel`` changes with every change, so each process reloads
# its in-memory catalog only when something changed.
rol_definitie = Table(
    "rol_definitie",
    metadata,
    Column("sleutel", String(50), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("regionaal", Boolean, nullable=False),
    Column("taakrol", Boolean, nullable=False),
    Column("ingebouwd", Boolean, nullable=False),
    # Who hears of an overdue task of this role: NULL the municipality's manager; else this role, in
    # the task's region (a regional role's manager).
    Column("escalatie_rol", String(50)),
)

casustafel_definitie = Table(
    "casustafel_definitie",
    metadata,
    Column("sleutel", String(50), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("niveau", String(20), nullable=False),
    Column("deelnemers", JSON, nullable=False),
    Column("voorzitters", JSON, nullable=False),
    Column("ingebouwd", Boolean, nullable=False),
)

partnersoort = Table(
    "partnersoort",
    metadata,
    Column("sleutel", String(30), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("ingebouwd", Boolean, nullable=False),
)

convenant = Table(
    "convenant",
    metadata,
    Column("sleutel", String(20), primary_key=True),
    Column("naam", String(200), nullable=False),
    Column("routes", JSON, nullable=False),
    Column("ingebouwd", Boolean, nullable=False),
)

catalogus_stempel = Table(
    "catalogus_stempel",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("stempel", String(40), nullable=False),
)

# How a municipality's intake chooses a route (engine.runtime.route_choice): per municipality, else
# per region, else the default. ``modus`` 'proces': every signal starts ``proces``; 'beslistabel':
# the 'proceskeuze' table of ``proces``'s newest version chooses.
route_inrichting = Table(
    "route_inrichting",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("regio_id", ForeignKey("regio.id"), nullable=True, unique=True),
    Column("gemeente_id", ForeignKey("gemeente.id"), nullable=True, unique=True),
    Column("modus", String(20), nullable=False),
    Column("proces", String(100), nullable=False),
    Column("bijgewerkt_door", ForeignKey("app_user.id"), nullable=True),
    Column("bijgewerkt_op", TS, nullable=False),
)
