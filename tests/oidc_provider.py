"""A local OpenID Connect provider for the single sign-on tests: ``oidc-provider-mock`` on 127.0.0.1.

It runs in a thread of the test process on a free port, signs ID tokens with its own RSA key,
publishes discovery and JWKS, and accepts any client id and secret. Its sign-in page asks for
a subject (``sub``); the claims of each subject (groups, name, …) are set by the test. Nothing
leaves the machine (the browser test blocks the page's outside style sheet).

The provider (built on authlib) still calls an authlib API that authlib deprecates; test modules
that use it set :data:`IGNORE_PROVIDER_DEPRECATIONS` as a ``filterwarnings`` mark, because the
warnings are raised in its server thread while a test runs.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

IGNORE_PROVIDER_DEPRECATIONS = [
    "ignore:get_jwt_config:DeprecationWarning",
    "ignore::authlib.deprecate.AuthlibDeprecationWarning",
]


@dataclass
class Provider:
    """The running provider: its issuer (also its address) and helpers to drive it."""

    issuer: str

    def set_user(self, sub: str, **claims) -> None:
        """Create or replace the subject ``sub`` with ``claims`` (e.g. ``groups=[…]``, ``name=…``)."""
        response = requests.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Sign in as ``sub`` on the provider's page at ``authorize_url`` (where our start sent the
        browser); returns the path and query of the callback the provider redirects to."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        target = urlsplit(response.headers["Location"])
        return f"{target.path}?{target.query}"


@contextmanager
def local_provider() -> Iterator[Provider]:
    """Start the provider on a free port; stopped when the block ends."""
    with warnings.catch_warnings():  # its imports use deprecated authlib modules
        warnings.simplefilter("ignore", DeprecationWarning)
        from oidc_provider_mock import run_server_in_thread
    with run_server_in_thread(require_nonce=True) as server:
        yield Provider(f"http://localhost:{server.server_port}")
