"""Process uploads through POST /api/v1/process-definitions: type, size, names, XML entities.

An entity bomb or an external entity (XXE) is refused by the DOCTYPE check before any
entity is expanded or fetched; a zip bomb is refused on its declared sizes.
"""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from engine.definitions import uploads
from engine.definitions.package import ProcessPackage

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"
BPMN = "signaal-naar-casus.bpmn"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&lol9;" isExecutable="true"/>
</bpmn:definitions>
"""


def _xxe(secret_file: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE bpmn [ <!ENTITY xxe SYSTEM "file://{secret_file}"> ]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&xxe;" isExecutable="true"/>
</bpmn:definitions>
""".encode()


def _files(**replace: bytes) -> dict[str, bytes]:
    files = dict(ProcessPackage.from_folder(PROCESS).files)
    files.update(replace)
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _deploy_zip(client, raw: bytes, multipart: bool = False):
    if multipart:
        return client.client.post("/api/v1/process-definitions", headers=client._headers(),
                                  data={"pakket": (io.BytesIO(raw), "proces.zip")}, content_type="multipart/form-data")
    return client.client.post("/api/v1/process-definitions", data=raw,
                              headers={**client._headers(), "Content-Type": "application/zip"})


def _versions(api) -> int:
    """The versions of the route (the care trajectory deployed beside it is another process)."""
    return len([d for d in api["pb"].get("/process-definitions").get_json()["procesdefinities"]
                if d["sleutel"] != "zorgtraject"])


@pytest.mark.parametrize("how", ["json", "zip", "multipart"])
def test_entity_bomb_is_refused_without_expanding(api, how):
    started = time.perf_counter()
    if how == "json":
        response = api["pb"].post("/process-definitions", json={"bestanden": {
            k: v.decode() for k, v in _files(**{BPMN: BILLION_LAUGHS}).items()}})
    else:
        response = _deploy_zip(api["pb"], _zip(_files(**{BPMN: BILLION_LAUGHS})), multipart=how == "multipart")
    elapsed = time.perf_counter() - started
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["problemen"]
    assert any("DOCTYPE" in p["melding"] and p["bestand"] == BPMN for p in problems), problems
    assert "lollol" not in response.get_data(as_text=True)
    assert len(response.data) < 10_000 and elapsed < 5  # a billion "lol"s would be gigabytes
    assert _versions(api) == 1


@pytest.mark.parametrize("how", ["json", "zip", "zip-utf16"])
def test_external_entity_is_refused_and_the_file_never_read(api, tmp_path, how):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-uit-het-bestandssysteem")
    bpmn = _xxe(secret)
    if how == "zip-utf16":  # the scan reads UTF-16 too
        bpmn = bpmn.decode().replace('encoding="utf-8"', "").encode("utf-16")
    if how == "json":
        response = api["pb"].post("/process-definitions", json={"bestanden": {
            k: v.decode() for k, v in _files(**{BPMN: bpmn}).items()}})
    else:
        response = _deploy_zip(api["pb"], _zip(_files(**{BPMN: bpmn})))
    assert response.status_code == 422
    assert any("DOCTYPE" in p["melding"] for p in response.get_json()["problemen"])
    assert "GEHEIM" not in response.get_data(as_text=True)
    assert _versions(api) == 1


def test_only_zip_files_are_opened(api):
    for raw in [b"dit is tekst, geen zip", b"%PDF-1.7 ...", b"<?xml version='1.0'?><a/>"]:
        for multipart in (False, True):
            response = _deploy_zip(api["pb"], raw, multipart=multipart)
            assert response.status_code == 422
            assert response.get_json()["velden"] == {"pakket": "is geen zip-bestand"}
    wrong_field = api["pb"].client.post("/api/v1/process-definitions", headers=api["pb"]._headers(),
                                        data={"bestand": (io.BytesIO(_zip(_files())), "p.zip")},
                                        content_type="multipart/form-data")
    assert wrong_field.status_code == 422 and "pakket" in wrong_field.get_json()["velden"]


def test_a_zip_bomb_is_refused_on_its_declared_size(api):
    bomb = _zip({**_files(), "groot.bpmn": b"\0" * (uploads.MAX_FILE_BYTES + 1)})
    assert len(bomb) < 100_000  # small on the wire, large when unpacked
    response = _deploy_zip(api["pb"], bomb)
    assert response.status_code == 422
    assert "groot.bpmn" in response.get_json()["velden"]["pakket"]
    many = {f"formulieren/f{i}.form.json": b"{}" for i in range(uploads.MAX_FILES + 1)}
    assert "meer dan" in _deploy_zip(api["pb"], _zip({**_files(), **many})).get_json()["velden"]["pakket"]
    total = {f"extra{i}.json": b" " * (uploads.MAX_FILE_BYTES - 10) for i in range(5)}
    assert "samen groter" in _deploy_zip(api["pb"], _zip({**_files(), **total})).get_json()["velden"]["pakket"]
    assert _versions(api) == 1


def test_a_lying_size_header_stops_the_read(api):
    raw = bytearray(_zip({**_files(), "klein.json": b"[" + b"1," * 50_000 + b"1]"}))
    # Patch the central directory's uncompressed size of klein.json down to 10 bytes.
    entry = raw.rfind(b"PK\x01\x02", 0, raw.rfind(b"klein.json"))
    raw[entry + 24:entry + 28] = (10).to_bytes(4, "little")
    response = _deploy_zip(api["pb"], bytes(raw))
    assert response.status_code == 422
    assert "pakket" in response.get_json()["velden"]


@pytest.mark.parametrize("name", ["../buiten.bpmn", "/etc/cron.d/x.json", "a/../../b.dmn", "map\\x.bpmn"])
def test_file_names_that_leave_the_folder_are_refused(api, name):
    response = _deploy_zip(api["pb"], _zip({**_files(), name: b"{}"}))
    assert response.status_code == 422
    assert "ongeldige bestandsnaam" in response.get_json()["velden"]["pakket"]
    as_json = api["pb"].post("/process-definitions", json={"bestanden": {name: "{}", "proces.json": "{}"}})
    assert as_json.status_code == 422 and "bestanden" in as_json.get_json()["velden"]


def test_other_files_in_a_zip_are_left_out_and_a_good_zip_deploys(api):
    bpmn = (PROCESS / BPMN).read_bytes().replace(b'name="Signaal verrijken"', b'name="Signaal verrijken (v2)"')
    raw = _zip({f"signaal-naar-casus/{k}": v for k, v in _files(**{BPMN: bpmn}).items()}
               | {"signaal-naar-casus/LEESMIJ.md": b"# uitleg", "__MACOSX/._x.bpmn": b"\0\0"})
    response = _deploy_zip(api["pb"], raw, multipart=True)
    assert response.status_code == 201, response.get_json()
    assert _versions(api) == 2
