"""The sign-up mails, in our own words: a confirmation link, or a note to an address's owner."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

CONFIRMATION = "confirmation"
ALREADY_REGISTERED = "already-registered"
SIGN_OFF = "-- \nMedCode, the open medical-coding reference\n"


def _message(*, sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message with the headers relays and spam filters expect."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(body)
    return message


def envelope_sender(sender: str) -> str:
    """The bare address of a From: header such as "MedCode <no-reply@example.org>"."""
    return parseaddr(sender)[1] or sender


def confirmation(
    *, sender: str, to: str, link: str, valid_seconds: int, asked_at: datetime
) -> EmailMessage:
    """The link that turns a sign-up into an account; says when it was asked for, since only
    the newest sign-up of an address can be confirmed."""
    hours = max(1, valid_seconds // 3600)
    when = asked_at.astimezone(UTC).strftime("%Y-%m-%d at %H:%M UTC")
    body = (
        "Hello,\n\n"
        f"On {when} someone, we hope you, asked for a MedCode account with this\n"
        "email address. To finish signing up, open this link:\n\n"
        f"  {link}\n\n"
        f"The link works once, within {hours} hour{'s' if hours != 1 else ''}, and only if it is "
        "the newest one we sent. Then sign in with the password you chose.\n\n"
        "If it was not you, ignore this message: without the link no account is made.\n\n"
        f"{SIGN_OFF}"
    )
    return _message(sender=sender, to=to, subject="Confirm your email for MedCode", body=body)


def already_registered(*, sender: str, to: str, public_url: str) -> EmailMessage:
    """A note to the owner of an address that already has an account."""
    body = (
        "Hello,\n\n"
        "Someone just tried to sign up to MedCode with this email address. It already\n"
        "has an account, so nothing was created and nothing about your account changed.\n\n"
        f"If it was you, sign in with your existing password at {public_url}.\n"
        "If it was not you, there is nothing to do.\n\n"
        f"{SIGN_OFF}"
    )
    subject = "Someone tried to sign up to MedCode with your email"
    return _message(sender=sender, to=to, subject=subject, body=body)
