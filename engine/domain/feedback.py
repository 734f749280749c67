"""What a reporter hears about their signal: that it was handled and in which general way.

The VNG research found that staff who report never hear what happened. A
signal's outcome for its reporter is one of :data:`FEEDBACK_KINDS`, never more: no route,
no partner's name, no finding. It comes from

* the ``terugkoppeling`` property of the end event a signal closes at, or
* the process data key ``terugkoppeling``, set while the process runs (e.g. a script
  after a case was passed to a chain partner).

:func:`engine.runtime.projections.update_feedback` stores a change on the signal and
:func:`engine.mail.notify.queue_feedback` mails the reporter, in the command's transaction.
"""
from __future__ import annotations

AFGESLOTEN, GEMEENTE, KETENPARTNER = "afgesloten", "gemeente", "ketenpartner"
FEEDBACK_KINDS = (AFGESLOTEN, GEMEENTE, KETENPARTNER)

# The reporter's text per kind (Mijn meldingen and the mail): general on purpose.
TEKSTEN = {
    AFGESLOTEN: "Uw melding is afgehandeld: na onderzoek is het signaal afgesloten.",
    GEMEENTE: "Uw melding is afgehandeld: de gemeente pakt het signaal verder op.",
    KETENPARTNER: "Uw melding is afgehandeld: het signaal is doorgegeven aan een ketenpartner.",
}


def feedback_from(data_value, end_value: str | None) -> str | None:
    """The kind to tell: the end event's (when the signal closed there), else the process data's.

    :param data_value: the process data's ``terugkoppeling`` (anything; only a known kind counts).
    :param end_value: the closing end event's property, ``None`` while running.
    """
    if end_value in FEEDBACK_KINDS:
        return end_value
    return data_value if data_value in FEEDBACK_KINDS else None


def feedback_text(kind: str | None) -> str | None:
    """The reporter's sentence for ``kind`` (``None`` for no feedback yet)."""
    return TEKSTEN.get(kind or "")
