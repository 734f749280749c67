"""Where the key that signs browser sessions comes from, and the refusal to serve with a weak one.

Whoever knows the key can sign a session cookie for any user, a beheerder included, so there is
no built-in value. ``create_app`` takes the key from the environment (``SECRET_KEY``) or the
instance config (``instance/config.py``), and then, by what the process is for:

* :data:`REQUIRED` (the default; ``signaalroute serve`` and its gunicorn web processes): the
  configured key must be at least :data:`MIN_LENGTH` characters and not a known development
  value, else the app does not start (:class:`SecretKeyError`, saying how to set one). A test
  config must name its own key, of any length.
* :data:`DEVELOPMENT` (``signaalroute run``, the development server of ``make start``): without a
  configured key, a random key made once and kept in ``instance/secret_key`` (mode 0600), so
  sessions outlive a restart and nobody else knows it.
* :data:`UNUSED` (commands that sign nothing: ``init``, ``deploy``, ``user``, ``worker``, …): the
  configured key if there is one, else a random key that dies with the process.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

REQUIRED, DEVELOPMENT, UNUSED = "required", "development", "unused"
MIN_LENGTH = 32
KEY_FILE = "secret_key"
# Values that were ever a built-in default: public, so they sign nothing, in any mode.
KNOWN_VALUES = frozenset({"dev-only-change-me"})

HOW_TO_SET = (f"Zet een lange willekeurige waarde (minstens {MIN_LENGTH} tekens) in de omgevingsvariabele SECRET_KEY "
              "of in instance/config.py (SECRET_KEY = \"…\"), op elke webmachine dezelfde; maak er een met: "
              "python -c \"import secrets; print(secrets.token_urlsafe(48))\". "
              "Voor ontwikkelen maakt 'signaalroute run' zelf een sleutel aan.")


class SecretKeyError(RuntimeError):
    """The key is missing or unfit for what the process is for; the message says how to set one."""


def _problem(key: str | None, *, production: bool) -> str | None:
    if not key or not key.strip():
        return "SECRET_KEY ontbreekt"
    if key.strip() in KNOWN_VALUES:
        return "SECRET_KEY is de bekende ontwikkelwaarde"
    if production and len(key) < MIN_LENGTH:
        return f"SECRET_KEY is te kort ({len(key)} tekens; minstens {MIN_LENGTH})"
    return None


def resolve(configured: str | None, mode: str, instance_path: str | os.PathLike, *, test_config: bool) -> str:
    """The key the app signs with.

    :param configured: the key from the environment, the instance config or the test config.
    :param mode: :data:`REQUIRED`, :data:`DEVELOPMENT` or :data:`UNUSED`.
    :param instance_path: the instance folder (where :data:`DEVELOPMENT` keeps its key).
    :param test_config: the app is built from a test config (any key length is accepted).
    :raises SecretKeyError: the key is missing or unfit, with how to set one.
    """
    configured = configured if isinstance(configured, str) else None
    if mode == UNUSED:
        return configured if _problem(configured, production=False) is None else secrets.token_urlsafe(48)
    if mode == DEVELOPMENT and not (configured or "").strip():
        return instance_key(instance_path)
    problem = _problem(configured, production=mode == REQUIRED and not test_config)
    if problem is not None:
        raise SecretKeyError(f"{problem}. {HOW_TO_SET}")
    return configured


def instance_key(instance_path: str | os.PathLike) -> str:
    """The development key in ``<instance>/secret_key``: made once (random, mode 0600), then reused.

    The file appears whole or not at all (written aside, then linked into place), so two processes
    starting at once agree on one key.
    """
    folder = Path(instance_path)
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        aside = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(aside, path)  # fails if another process was first: its key wins
            except FileExistsError:
                pass
        finally:
            aside.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < MIN_LENGTH or key in KNOWN_VALUES:
        raise SecretKeyError(f"{path} bevat geen bruikbare sleutel; verwijder het bestand, dan wordt er een nieuwe "
                             f"gemaakt. {HOW_TO_SET}")
    return key
