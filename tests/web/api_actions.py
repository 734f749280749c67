"""Small action helpers for the API tests: report a signal, find its open task."""
from __future__ import annotations


def intake_body(**overrides) -> dict:
    body = {
        "gemeente": "Nijmegen",
        "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
        "uitbuitingsvormen": ["arbeid"],
        "minderjarige": "nee",
        "acute_nood": False,
    }
    body.update(overrides)
    if body.get("acute_nood") is True and "al_112_gebeld" not in overrides:
        body["al_112_gebeld"] = True  # acute danger asks whether 112 was called; these reports say it was
    return body


def report(client, **overrides) -> dict:
    response = client.post("/signals", json=intake_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_task(client, signal_id: int, rol: str | None = None) -> dict:
    """The signal's single open task (of ``rol``, beside others on a parallel route), as its GET /signals/{id} lists it."""
    body = client.get(f"/signals/{signal_id}").get_json()
    tasks = [t for t in body["taken"] if rol is None or t["rol"] == rol]
    assert len(tasks) == 1, body["taken"]
    return tasks[0]
