"""Errors the engine raises. The engine names no HTTP status: ``web/responses.py`` maps each error
to its status, in one table (the API and the pages differ only for :class:`NotFound`)."""
from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base class for errors a user can act on."""


class NotFound(EngineError):
    """The object does not exist, or the user may not know that it exists.

    The API answers 404; pages answer 403 "Geen toegang, of ze bestaat niet" for both cases alike
    (``docs/privacy.md``), so neither reveals whether the object exists.
    """


class Forbidden(EngineError):
    """The user may see the object but not do this with it."""


class Conflict(EngineError):
    """The state changed under the user: already completed, claimed by someone else."""


class ScenariosChanged(Conflict):
    """A deploy whose saved scenarios now end differently: it needs the owner's confirmation.

    ``scenarios`` lists every scenario replayed (``engine.runtime.scenarios.Outcome.as_dict``).
    """

    def __init__(self, scenarios: list[dict]):
        changed = sum(1 for s in scenarios if not s["gelijk"])
        super().__init__(f"{changed} {'scenario eindigt' if changed == 1 else 'scenario’s eindigen'} nu anders. "
                         "Bekijk de verschillen en bevestig met een opmerking dat dit de bedoeling is.")
        self.scenarios = scenarios


class FieldErrors(EngineError):
    """Submitted data is invalid; ``fields`` maps a field key to a Dutch message."""

    def __init__(self, fields: dict[str, str], message: str = "De invoer is niet geldig."):
        super().__init__(message)
        self.fields = fields


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a process package, located as precisely as we can."""

    message: str
    file: str | None = None
    line: int | None = None
    element_id: str | None = None

    def as_dict(self) -> dict:
        return {
            "bestand": self.file,
            "regel": self.line,
            "element": self.element_id,
            "melding": self.message,
        }

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p)
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element}: {self.message}" if where or element else self.message


@dataclass
class DeployRejected(EngineError):
    """A process package failed validation; nothing was written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "Het proces is afgewezen:\n" + "\n".join(f"  - {p}" for p in self.problems)


class WorkflowFailed(EngineError):
    """The engine could not run a step (a broken expression, a decision without a match).

    The command that hit it changed nothing.
    """

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id
