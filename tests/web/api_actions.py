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
    return body


def report(client, **overrides) -> dict:
    response = client.post("/signals", json=intake_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def open_task(client, signal_id: int) -> dict:
    """The signal's single open task, as its GET /signals/{id} lists it."""
    body = client.get(f"/signals/{signal_id}").get_json()
    assert len(body["taken"]) == 1, body["taken"]
    return body["taken"][0]
