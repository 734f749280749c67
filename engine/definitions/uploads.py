"""Process packages that arrive over HTTP, checked for type, size and file names before use.

A zip is opened only if it is one (magic bytes), and read only within limits that a
zip bomb cannot pass: the number of files, each file's size and the total, all checked
on the declared sizes first and again while reading (a lying header stops the read).
Only the files a process folder holds are read (``.bpmn``, ``.dmn``, ``.json``, like
:meth:`~engine.definitions.package.ProcessPackage.from_folder`); names that climb out of the folder are refused.
XML entities (XXE, entity bombs) are refused later, unexpanded, by :mod:`engine.definitions.validation`.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import FieldErrors
from .package import ProcessPackage

MAX_FILES = 200
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024
PACKAGE_SUFFIXES = (".bpmn", ".dmn", ".json")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with files, an empty zip
_IGNORED = ("__MACOSX/",)


def _check_name(name: str, field: str) -> None:
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts) or "\x00" in name:
        raise FieldErrors({field: f"ongeldige bestandsnaam '{name[:100]}' (geen absolute paden of '..')"})


def _strip_common_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    """A zip of the folder itself (``signaal-naar-casus/proces.json``) works too."""
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files):
        return {name.split("/", 1)[1]: content for name, content in files.items()}
    return files


def package_from_zip(raw: bytes) -> ProcessPackage:
    """The package in a zip archive; :class:`FieldErrors` on ``pakket`` if it is not one or too big.

    :param raw: the uploaded bytes.
    """
    if not raw.startswith(_ZIP_MAGIC):
        raise FieldErrors({"pakket": "is geen zip-bestand"})
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise FieldErrors({"pakket": "is geen geldig zip-bestand"})
    with archive:
        members = [i for i in archive.infolist()
                   if not i.is_dir() and not i.filename.startswith(_IGNORED) and i.filename.endswith(PACKAGE_SUFFIXES)]
        if len(members) > MAX_FILES:
            raise FieldErrors({"pakket": f"bevat meer dan {MAX_FILES} procesbestanden"})
        total = 0
        for info in members:
            _check_name(info.filename, "pakket")
            if info.flag_bits & 0x1:
                raise FieldErrors({"pakket": f"'{info.filename}' is versleuteld"})
            if info.file_size > MAX_FILE_BYTES:
                raise FieldErrors({"pakket": f"'{info.filename}' is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB"})
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise FieldErrors({"pakket": f"de bestanden zijn samen groter dan {MAX_TOTAL_BYTES // (1024 * 1024)} MB"})
        files = {}
        try:
            for info in members:
                with archive.open(info) as member:
                    content = member.read(MAX_FILE_BYTES + 1)  # never more, whatever the header says
                if len(content) > MAX_FILE_BYTES:
                    raise FieldErrors({"pakket": f"'{info.filename}' is groter dan toegestaan"})
                files[info.filename] = content
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
            raise FieldErrors({"pakket": f"kan niet worden uitgepakt ({type(exc).__name__})"})
    if not files:
        raise FieldErrors({"pakket": "bevat geen .bpmn-, .dmn- of .json-bestanden"})
    return ProcessPackage(_strip_common_folder(files))


def package_from_texts(bestanden: object) -> ProcessPackage:
    """The package from JSON ``{"naam": "inhoud"}``; :class:`FieldErrors` on ``bestanden``."""
    if not isinstance(bestanden, dict) or not bestanden:
        raise FieldErrors({"bestanden": "geef de bestanden van het proces als {\"naam\": \"inhoud\"}"})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in bestanden.items()):
        raise FieldErrors({"bestanden": "namen en inhoud moeten tekst zijn"})
    if len(bestanden) > MAX_FILES:
        raise FieldErrors({"bestanden": f"meer dan {MAX_FILES} bestanden"})
    for name in bestanden:
        _check_name(name, "bestanden")
        if not name.endswith(PACKAGE_SUFFIXES):
            raise FieldErrors({"bestanden": f"'{name[:100]}': alleen .bpmn-, .dmn- en .json-bestanden horen in een proces"})
    return ProcessPackage({k: v.encode("utf-8") for k, v in bestanden.items()})
