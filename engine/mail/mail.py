"""Sending mail: over SMTP when ``MAIL_URL`` is set; without it delivery is off.

Without ``MAIL_URL`` nothing is sent and nothing of a mail is logged (not its recipient, not its
text): the outbox marks each row ``niet_bezorgd`` and logs its id and kind (:mod:`engine.mail.outbox`).

``MAIL_URL`` forms: ``smtp://host:25`` (plain), ``smtp://user:password@host:587?starttls=1``
(STARTTLS), ``smtps://user:password@host:465`` (TLS from the start). What is sent is
composed in :mod:`engine.mail.notify`; this module only delivers.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail."""

    bestandsnaam: str
    mimetype: str
    inhoud: bytes


@dataclass(frozen=True)
class Mail:
    """One message to one address, plain text, with files attached when ``bijlagen`` holds any."""

    aan: str
    onderwerp: str
    tekst: str
    bijlagen: tuple[Attachment, ...] = ()


class Mailer(Protocol):
    #: False for a mailer that delivers nothing (:class:`NoDelivery`): the outbox then records
    #: its rows as not delivered instead of sent.
    delivers: bool

    def send(self, mail: Mail) -> None: ...


class NoDelivery:
    """Without ``MAIL_URL``: mail delivery is off. The outbox does not call :meth:`send`."""

    delivers = False

    def __init__(self, sender: str = "signaalroute@localhost"):
        self.sender = sender

    def send(self, mail: Mail) -> None:
        raise RuntimeError("Maildienst staat uit: MAIL_URL is niet ingesteld.")


class SmtpMailer:
    """Delivers each mail over its own SMTP connection (mail volume is low: events and a daily digest).

    :param timeout: seconds for connecting and each SMTP command.
    """

    delivers = True

    def __init__(self, host: str, port: int, *, sender: str, username: str | None = None,
                 password: str | None = None, tls: bool = False, starttls: bool = False, timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.tls, self.starttls, self.timeout = tls, starttls, timeout

    def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.aan
        message["Subject"] = mail.onderwerp
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rsplit("@", 1)[-1] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.tekst)
        for attachment in mail.bijlagen:
            maintype, _, subtype = attachment.mimetype.partition("/")
            message.add_attachment(attachment.inhoud, maintype=maintype, subtype=subtype,
                                   filename=attachment.bestandsnaam)
        if self.tls:
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with connection as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def mailer_from_url(url: str | None, sender: str = "signaalroute@localhost") -> Mailer:
    """The mailer ``MAIL_URL`` asks for; :class:`NoDelivery` when it is empty.

    :raises ValueError: an unknown scheme or a URL without a host.
    """
    if not url:
        return NoDelivery(sender)
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MAIL_URL: onbekend schema '{parsed.scheme}' (gebruik smtp:// of smtps://)")
    if not parsed.hostname:
        raise ValueError("MAIL_URL: geen host")
    tls = parsed.scheme == "smtps"
    options = parse_qs(parsed.query)
    starttls = options.get("starttls", ["0"])[0].lower() in ("1", "true", "ja", "yes")
    return SmtpMailer(parsed.hostname, parsed.port or (465 if tls else 25), sender=sender,
                      username=unquote(parsed.username) if parsed.username else None,
                      password=unquote(parsed.password) if parsed.password else None, tls=tls, starttls=starttls)
