"""A process package: the files of one process folder (BPMN, DMN, forms, proces.json)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

META_FILE = "proces.json"
FORMS_DIR = "formulieren"
FORM_SUFFIX = ".form.json"
SCENARIOS_DIR = "scenarios"  # saved try-outs, replayed on validate and deploy (engine.runtime.scenarios)
EXAMPLES_DIR = "voorbeelden"  # prepared example signals to start a try-out with
_PACKAGE_SUFFIXES = (".bpmn", ".dmn", ".json")


@dataclass(frozen=True)
class ProcessPackage:
    """The files of a process, by relative path, exactly as they will be stored."""

    files: dict[str, bytes]

    @classmethod
    def from_folder(cls, folder: str | Path) -> ProcessPackage:
        """Read every BPMN, DMN and JSON file below ``folder``."""
        root = Path(folder)
        if not root.is_dir():
            raise FileNotFoundError(f"{root} is geen map")
        files = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix in _PACKAGE_SUFFIXES
        }
        return cls(files)

    @property
    def checksum(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name] + b"\0")
        return digest.hexdigest()

    def meta(self) -> dict:
        """``proces.json``, or ``{}`` if it is absent or not an object (validation reports it)."""
        raw = self.files.get(META_FILE)
        if raw is None:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def form_files(self) -> dict[str, str]:
        """Form id → file name, for ``formulieren/<id>.form.json``."""
        return {
            name[len(FORMS_DIR) + 1 : -len(FORM_SUFFIX)]: name
            for name in self.files
            if name.startswith(FORMS_DIR + "/") and name.endswith(FORM_SUFFIX)
        }

    def bpmn_file(self) -> str | None:
        named = self.meta().get("bpmn")
        if isinstance(named, str):
            return named
        candidates = [n for n in self.files if n.endswith(".bpmn")]
        return candidates[0] if len(candidates) == 1 else None

    def dmn_files(self) -> list[str]:
        named = self.meta().get("dmn")
        if isinstance(named, list):
            return [n for n in named if isinstance(n, str)]
        return sorted(n for n in self.files if n.endswith(".dmn"))
