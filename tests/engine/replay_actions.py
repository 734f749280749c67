"""Action helpers for the replay tests (engine.runtime.replay): a walked history and the drafts they replay."""
from __future__ import annotations

import datetime as dt

from tests.engine.route_actions import NIET_VERRIJKT, REGIE, VERRIJKT, beoordeeld, replace_once

SECRETS = ("GEHEIM-OMSCHRIJVING-7731", "Geheimlaan 99, Nijmegen", "Melder Geheimnaam", "0612345678")
ZORG_RULE = '<outputEntry id="rule_zorgtraject_route">\n          <text>"zorgtraject"</text>'


def zorg_to_zvh(text: str) -> str:
    """The routing table's 'zorg nodig' row sends the case to the ZVH (zorg- en strafrechtelijk traject)."""
    return replace_once(text, ZORG_RULE, ZORG_RULE.replace('"zorgtraject"', '"zorg_en_strafrecht"'))



# What each signal of :func:`walk_history` does: 6 zorgtraject, 2 zorg en strafrecht, 1 RIEC, 1 gemeente,
# 1 closed without suspicion, 1 still waiting for enrichment.
KINDS = ["zorg"] * 6 + ["zvh"] * 2 + ["riec", "gemeente", "geen", "open"]


def walk_history(route, intake, clock) -> list[str]:
    """Report and walk one signal per :data:`KINDS` with the engine's own commands (every report carries
    :data:`SECRETS`); return the kinds."""
    secret = {"omschrijving": SECRETS[0], "locatie": SECRETS[1],
              "melder": {"naam": SECRETS[2], "contact": SECRETS[3]}}
    for kind in KINDS:
        clock.advance(dt.timedelta(hours=3))
        signal_id = route.report(intake(**secret)).signal_id
        if kind == "open":
            continue
        clock.advance(dt.timedelta(days=2))
        if kind == "geen":
            route.complete(signal_id, "task_verrijken", NIET_VERRIJKT)
            continue
        route.complete(signal_id, "task_verrijken", VERRIJKT)
        clock.advance(dt.timedelta(days=4))
        route.complete(signal_id, "task_beoordelen", beoordeeld(
            zorg=kind != "gemeente", strafrecht=kind == "zvh", ondermijnend=kind == "riec"))
        if kind in ("zvh", "riec"):
            clock.advance(dt.timedelta(days=1))
            bpmn_id = "task_regie_zvh" if kind == "zvh" else "task_regie_riec"
            route.complete(signal_id, bpmn_id, REGIE)
    return list(KINDS)
