"""The data categories of a processing and its legal grounds (``audit_event``, docs/privacy.md).

Pure vocabulary: the access policy (:mod:`engine.people.access`) decides who may see which
category; the audit log (:mod:`engine.audit.audit`) records which were processed, under
which ground.
"""
from __future__ import annotations

# The legal ground of a processing (``audit_event.grondslag``): a covenant, or before
# routing the municipality's own public task (AVG art. 6(1)(e), the meldroute).
GEMEENTELIJKE_TAAK = "gemeente"
GRONDSLAGEN = {
    "riec": "RIEC-convenant",
    "zvh": "Convenant Zorg- en Veiligheidshuis",
    GEMEENTELIJKE_TAAK: "Publieke taak van de gemeente (meldroute, AVG art. 6 lid 1 sub e)",
}

# Data categories (``audit_event.categorieen``, docs/privacy.md).
SIGNAALGEGEVENS = "signaalgegevens"  # description, location, forms, victim, indicators
MELDERGEGEVENS = "melder"  # who reported: name, department, contact
TAAKGEGEVENS = "taakgegevens"  # what the route's steps recorded (forms)
PROCESGEGEVENS = "procesgegevens"  # steps, deadlines, who did what step: no personal data of a case
# The care trajectory (processes/zorgtraject): shelter, care plan, health — special-category data
# (AVG art. 9), for the zorgcoördinator (and the ZVH under its covenant for a ZVH case) only.
ZORGGEGEVENS = "zorggegevens"


def legal_ground(convenant: str | None) -> str:
    """The legal ground of processing a signal with ``convenant`` (a key of :data:`GRONDSLAGEN`)."""
    return convenant if convenant in GRONDSLAGEN else GEMEENTELIJKE_TAAK
