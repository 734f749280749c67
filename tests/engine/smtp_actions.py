"""A local SMTP server (aiosmtpd) for mail tests: what it received, parsed."""
from __future__ import annotations

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Messages the local SMTP server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]

    def take(self) -> list:
        taken, self.messages = self.messages, []
        return taken


@contextlib.contextmanager
def local_smtp() -> Iterator[tuple[Controller, Inbox]]:
    """A running SMTP server on a free local port and its inbox."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()
