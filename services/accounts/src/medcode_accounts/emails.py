"""Email normalisation: syntax checked by email-validator (no DNS), domain lower-cased."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from medcode_accounts.errors import InvalidInput

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit


@dataclass(frozen=True, slots=True)
class NormalisedEmail:
    """`address` to show and store; `key` (all lower case) for case-insensitive uniqueness."""

    address: str
    local_part: str

    @property
    def key(self) -> str:
        return self.address.lower()


def normalise_email(raw: str) -> NormalisedEmail:
    """Validate `raw` and return its normal form; InvalidInput with the reason otherwise."""
    text = raw.strip()
    if not text:
        raise InvalidInput("email is required")
    if len(text) > MAX_EMAIL_LENGTH:
        raise InvalidInput(f"email is longer than {MAX_EMAIL_LENGTH} characters")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(f"email is not valid: {error}") from None
    address = f"{result.local_part}@{result.domain.lower()}"
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidInput(f"email is longer than {MAX_EMAIL_LENGTH} characters")
    return NormalisedEmail(address=address, local_part=result.local_part)


def email_hash(salt: bytes, email_key: str) -> str:
    """Salted (HMAC-SHA256) so the bus never carries an address or a guessable hash."""
    return hmac.new(salt, email_key.encode(), hashlib.sha256).hexdigest()
