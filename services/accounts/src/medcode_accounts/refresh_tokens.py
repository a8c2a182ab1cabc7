"""Refresh tokens: opaque, stored as SHA-256, single use, rotated within a family.

Presenting a token that was already spent means it was copied: the whole family (every token
descended from that sign-in) is revoked, so the thief and the victim both have to sign in again.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medcode_accounts.database import Database
from medcode_accounts.errors import InvalidInput, Unauthenticated
from medcode_accounts.models import RefreshToken, User

TOKEN_PREFIX = "mcr_"
MAX_TOKEN_LENGTH = 200
INVALID = "refresh token is not valid; sign in again"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _checked(token: str) -> str:
    if not token:
        raise InvalidInput("refresh_token is required")
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidInput(f"refresh_token is longer than {MAX_TOKEN_LENGTH} characters")
    return token


def issue(
    session: Session, *, user_id: uuid.UUID, family_id: uuid.UUID, now: datetime, ttl: int
) -> str:
    """Add a new token of `family_id` to the session's transaction; return the token."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=token_hash(token),
            family_id=family_id,
            user_id=user_id,
            issued_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    return token


def _revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def rotate(db: Database, *, token: str, now: datetime, ttl: int) -> tuple[User, str]:
    """Spend `token` and return its user and the family's next token."""
    digest = token_hash(_checked(token))
    reused_family: uuid.UUID | None = None
    user: User | None = None
    new_token = ""
    with db.write() as session:
        row = session.get(RefreshToken, digest)
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise Unauthenticated(INVALID)
        # Conditional update: of two concurrent refreshes with one token, exactly one wins.
        spent = session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.token_hash == digest,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            reused_family = row.family_id
            _revoke_family(session, row.family_id, now)
        else:
            user = session.get(User, row.user_id)
            if user is None:
                raise Unauthenticated(INVALID)
            new_token = issue(session, user_id=user.id, family_id=row.family_id, now=now, ttl=ttl)
    if reused_family is not None or user is None:
        raise Unauthenticated("refresh token was already used; every session of it is revoked")
    return user, new_token


def revoke(db: Database, *, token: str, now: datetime) -> None:
    """Revoke the token's family; unknown or already revoked tokens are fine (idempotent)."""
    digest = token_hash(_checked(token))
    with db.write() as session:
        family = session.scalar(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == digest)
        )
        if family is not None:
            _revoke_family(session, family, now)
