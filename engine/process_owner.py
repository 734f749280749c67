"""The process owners' part of the engine's front door, mixed into :class:`~engine.orchestrator.Orchestrator`.

The library, drafts (save, validate, deploy, discard), downloads of versions, the
migration of running instances to a newer version, and the import of BPMN files made
elsewhere. Only who :func:`~engine.access.may_change_processes` may use any of it; none
of it shows a victim's personal data.
"""
from __future__ import annotations

from . import drafts, library, metrics
from .access import may_change_processes
from .clock import isoformat
from .definitions import Deployment
from .errors import Forbidden, NotFound
from .users import Actor, user_names

REFUSED = "Alleen een procesbeheerder of beheerder kan processen bekijken en wijzigen."


def _allow(actor: Actor) -> None:
    if not may_change_processes(actor):
        raise Forbidden(REFUSED)


class ProcessOwnerDesk:
    """Needs ``self.db``, ``self.clock`` and ``self.cache`` (the orchestrator has them)."""

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
            found = drafts.load(conn, sleutel)
        if not found.concept:
            raise NotFound(f"proces '{sleutel}' heeft geen concept")
        return drafts.problems_of(sleutel, found.files)

    # --- commands ------------------------------------------------------------------------
    @metrics.command("save_draft")
    def save_draft(self, actor: Actor, sleutel: str, files: dict) -> tuple[str, list]:
        """Store the complete file set as the draft (even when invalid); ``(saved at, problems)``."""
        _allow(actor)
        clean = drafts.check_file_names(files)
        now = self.clock.now()
        with self.db.write() as conn:
            drafts.save(conn, sleutel, clean, user_id=actor.id, now=now)
        return isoformat(now), drafts.problems_of(sleutel, clean)

    @metrics.command("discard_draft")
    def discard_draft(self, actor: Actor, sleutel: str) -> bool:
        """Throw the draft away (the versions stay); whether there was one."""
        _allow(actor)
        with self.db.write() as conn:
            return drafts.discard(conn, sleutel, user_id=actor.id, now=self.clock.now())

    @metrics.command("deploy_draft")
    def deploy_draft(self, actor: Actor, sleutel: str, opmerking: str) -> Deployment:
        """Make the draft the process's next version, with a comment; running instances stay on theirs."""
        _allow(actor)
        with self.db.write() as conn:
            return drafts.deploy_draft(conn, self.cache, sleutel, opmerking=opmerking, user_id=actor.id,
                                       now=self.clock.now())
