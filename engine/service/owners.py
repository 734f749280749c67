"""The process owners' desk (``Orchestrator.owners``).

The library, drafts (save, validate, deploy, discard), downloads of versions, the
migration of running instances to a newer version, and the import of BPMN files made
elsewhere. Only who :func:`~engine.people.access.may_change_processes` may use any of it; none
of it shows a victim's personal data.
"""
from __future__ import annotations

from ..clock import isoformat
from ..definitions import bpmn_import, drafts, library
from ..definitions.definitions import DefinitionCache, Deployment
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..ops import metrics
from ..people.access import may_change_processes, refusal
from ..people.users import Actor, user_names
from ..runtime import instance_migration
from ..store.db import Database
from . import scenario_checks


def _versions(conn, sleutel: str, van: int, naar: int) -> tuple[int, int]:
    if van == naar:
        raise FieldErrors({"naar": "kies een andere versie dan de huidige"})
    return library.definition_id_of(conn, sleutel, van), library.definition_id_of(conn, sleutel, naar)


MAX_FILE_BYTES = drafts.MAX_FILE_BYTES  # the largest file a draft or an import takes
ANY = drafts.ANY  # "save whatever the draft's last change was" (see :func:`engine.definitions.drafts.save`)
problem_json = drafts.problem_json  # a validation problem as the editor reads it

REFUSED = "Alleen een procesbeheerder of beheerder kan processen bekijken en wijzigen."


def _allow(actor: Actor) -> None:
    if not may_change_processes(actor):
        raise Forbidden(refusal(actor, REFUSED))


allow = _allow  # who may use the process owners' desks (this one and engine.service.tryouts)


class OwnersDesk:
    """Each method one transaction (a deploy, a migration) or one read.

    :param db: the database.
    :param clock: where ``now`` comes from.
    :param cache: the compiled definitions.
    """

    def __init__(self, db: Database, clock, cache: DefinitionCache):
        self.db = db
        self.clock = clock
        self.cache = cache

    # --- queries -------------------------------------------------------------------------
    def process_library(self, actor: Actor) -> list[dict]:
        """Every process with its versions (who, when, comment, running instances) and its draft."""
        _allow(actor)
        with self.db.read() as conn:
            return library.library(conn)

    def process_versions(self, actor: Actor, sleutel: str) -> list[dict]:
        """The versions of one process, newest first; NotFound for an unknown process."""
        _allow(actor)
        with self.db.read() as conn:
            found = library.versions(conn, sleutel)
            if not found and not library.process_exists(conn, sleutel):
                raise NotFound(f"proces '{sleutel}' bestaat niet")
        return found

    def version_file(self, actor: Actor, sleutel: str, versie: int, naam: str) -> bytes:
        """One file of a deployed version, byte for byte as deployed."""
        _allow(actor)
        with self.db.read() as conn:
            return library.version_file(conn, sleutel, versie, naam)

    def draft(self, actor: Actor, sleutel: str) -> dict:
        """The draft of ``sleutel`` as the editor loads it, or the latest version's files (``concept`` false)."""
        _allow(actor)
        with self.db.read() as conn:
            found = drafts.load(conn, sleutel)
            names = user_names(conn, {found.bijgewerkt_door})
        return {"sleutel": found.sleutel, "naam": found.naam, "concept": found.concept,
                "basis_versie": found.basis_versie, "bijgewerkt_door": names.get(found.bijgewerkt_door),
                "bijgewerkt_op": isoformat(found.bijgewerkt_op),
                "bestanden": {name: drafts.as_text(content) for name, content in found.files.items()}}

    def validate_draft(self, actor: Actor, sleutel: str) -> list:
        """The deploy validation's problems with the draft (empty: it can be deployed)."""
        _allow(actor)
        with self.db.read() as conn:
            found = drafts.load_draft(conn, sleutel)
        return drafts.problems_of(sleutel, found.files) + scenario_checks.scenarios.problems(found.files)

    def migration_preview(self, actor: Actor, sleutel: str, van: int, naar: int) -> dict:
        """What migrating each running instance of version ``van`` to ``naar`` would do (nothing is written)."""
        _allow(actor)
        now = self.clock.now()
        with self.db.read() as conn:
            van_id, naar_id = _versions(conn, sleutel, van, naar)
            rows = instance_migration.running_on(conn, van_id, instance_migration.MAX_PREVIEW + 1)
            plans = [instance_migration.plan(conn, self.cache, row, row.referentie, naar_id=naar_id, naar_versie=naar,
                                             now=now).as_dict() for row in rows[:instance_migration.MAX_PREVIEW]]
            changes = instance_migration.spec_changes(conn, self.cache, van_id, naar_id)
        return {"sleutel": sleutel, "van": van, "naar": naar, "stappen": changes, "instanties": plans,
                "meer": len(rows) > instance_migration.MAX_PREVIEW}

    # --- commands ------------------------------------------------------------------------
    @metrics.command("save_draft")
    def save_draft(self, actor: Actor, sleutel: str, files: dict, seen: object = drafts.ANY) -> tuple[str, list]:
        """Store the complete file set as the draft (even when invalid); ``(saved at, problems)``.

        :param seen: the ``bijgewerkt_op`` the editor loaded (see :func:`engine.definitions.drafts.save`).
        """
        _allow(actor)
        clean = drafts.check_file_names(files)
        now = self.clock.now()
        with self.db.write() as conn:
            drafts.save(conn, sleutel, clean, user_id=actor.id, now=now, seen=seen)
        return isoformat(now), drafts.problems_of(sleutel, clean)

    @metrics.command("discard_draft")
    def discard_draft(self, actor: Actor, sleutel: str) -> bool:
        """Throw the draft away (the versions stay); whether there was one."""
        _allow(actor)
        with self.db.write() as conn:
            return drafts.discard(conn, sleutel, user_id=actor.id, now=self.clock.now())

    @metrics.command("deploy_draft")
    def deploy_draft(self, actor: Actor, sleutel: str, opmerking: str, scenarios_bevestigd: bool = False) -> Deployment:
        """Make the draft the process's next version, with a comment; running instances stay on theirs.

        :param scenarios_bevestigd: the owner saw that saved scenarios now end differently and wants
            it so (:class:`~engine.errors.ScenariosChanged` otherwise; see
            :func:`engine.service.scenario_checks.deploy_checked`).
        """
        _allow(actor)
        with self.db.write() as conn:
            return scenario_checks.deploy_checked(conn, self.cache, sleutel, opmerking=opmerking,
                                                  bevestigd=scenarios_bevestigd, user_id=actor.id,
                                                  now=self.clock.now())

    @metrics.command("import_bpmn")
    def import_bpmn(self, actor: Actor, filename: str | None, raw: bytes) -> bpmn_import.Imported:
        """Make a draft of a new process from a ``.bpmn`` file made elsewhere; its problems per element.

        Raises :class:`~engine.errors.DeployRejected` (nothing stored) when the file has nothing usable.
        """
        _allow(actor)
        with self.db.write() as conn:
            return bpmn_import.import_bpmn(conn, filename, raw, user_id=actor.id, now=self.clock.now())

    @metrics.command("migrate")
    def migrate_instances(self, actor: Actor, sleutel: str, van: int, naar: int, instance_ids: list[int],
                          seen: dict[int, int] | None = None) -> list[dict]:
        """Move the selected instances from version ``van`` to ``naar``: one transaction per instance.

        :param seen: instance id → the version the preview showed; an instance changed since
            is not migrated (its result says so).
        :return: per instance ``instantie``, ``referentie``, ``gemigreerd`` and ``reden``.
        """
        _allow(actor)
        with self.db.read() as conn:
            van_id, naar_id = _versions(conn, sleutel, van, naar)
        results = []
        for instance_id in dict.fromkeys(instance_ids):
            now = self.clock.now()
            try:
                with self.db.write() as conn:
                    plan = instance_migration.migrate(
                        conn, self.cache, instance_id, van_id=van_id, naar_id=naar_id, van_versie=van,
                        naar_versie=naar, user_id=actor.id, now=now, seen_version=(seen or {}).get(instance_id))
                results.append({"instantie": instance_id, "referentie": plan.referentie, "gemigreerd": True,
                                "reden": None})
            except (instance_migration.CannotMigrate, Conflict) as exc:
                reden = str(exc)
                with self.db.write() as conn:
                    referentie = instance_migration.record_refusal(conn, instance_id, van_versie=van, naar_versie=naar,
                                                                   reden=reden, user_id=actor.id, now=now)
                results.append({"instantie": instance_id, "referentie": referentie, "gemigreerd": False,
                                "reden": reden})
        return results
