"""Users and sessions: sign in, refresh, sign out, look up, change plan (sign-up: `signups`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medcode_accounts import refresh_tokens
from medcode_accounts.access_tokens import AccessTokenIssuer
from medcode_accounts.api_keys import revoked_event
from medcode_accounts.database import Database
from medcode_accounts.emails import normalise_email
from medcode_accounts.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from medcode_accounts.models import ApiKey, User
from medcode_accounts.outbox import add_event
from medcode_accounts.passwords import MAX_LENGTH, PasswordHashing, normalise_password
from medcode_accounts.plans import KEY_PLANS, parse_user_plan
from medcode_accounts.signups import SignUps
from medcode_accounts.throttle import LoginThrottle
from medcode_accounts.validation import check_client_ip, parse_user_id

BAD_CREDENTIALS = "email or password is incorrect"
UNCONFIRMED = (
    "this email is not confirmed yet: open the link we sent to it, or register again to get "
    "a new one"
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A signed-in user and the tokens of the session."""

    user: User
    access_token: str
    refresh_token: str


class Accounts:
    """The account operations behind the gRPC methods and the operator CLI (blocking calls)."""

    def __init__(
        self,
        *,
        db: Database,
        hashing: PasswordHashing,
        throttle: LoginThrottle,
        access: AccessTokenIssuer,
        refresh_ttl_seconds: int,
        signups: SignUps,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.hashing = hashing
        self.throttle = throttle
        self.access = access
        self.refresh_ttl = refresh_ttl_seconds
        self.signups = signups
        self._clock = clock

    def _sign_in(self, session: Session, user: User, now: datetime) -> SignedIn:
        refresh = refresh_tokens.issue(
            session, user_id=user.id, family_id=uuid.uuid4(), now=now, ttl=self.refresh_ttl
        )
        access = self.access.issue(user_id=user.id, plan=user.plan, now=now)
        return SignedIn(user=user, access_token=access, refresh_token=refresh)

    def _find(self, email_key: str) -> User | None:
        with self.db.read() as session:
            return session.scalar(select(User).where(User.email_key == email_key))

    def login(self, *, email: str, password: str, client_ip: str) -> SignedIn:
        """Sign in; one message for unknown email and wrong password, throttled per account/IP.

        An address with only an unconfirmed sign-up is checked against that sign-up's password
        (the same one hash as always): only its owner learns that the email awaits its link.
        """
        if not email.strip():
            raise InvalidInput("email is required")
        if not password:
            raise InvalidInput("password is required")
        if len(password) > MAX_LENGTH * 4:  # no valid password is this long, even before NFKC
            raise InvalidInput("password is too long")
        ip = check_client_ip(client_ip)
        email_key = normalise_email(email).key  # a malformed address cannot have an account
        now = self._clock()
        with self.db.read() as session:
            self.throttle.check(session, email_key=email_key, client_ip=ip, now=now)
        user = self._find(email_key)
        stored = user.password_hash if user else self.signups.pending_password_hash(email_key)
        if not self.hashing.verify(stored, password):
            with self.db.write() as session:
                self.throttle.record_failure(session, email_key=email_key, client_ip=ip, now=now)
            raise Unauthenticated(BAD_CREDENTIALS)
        if user is None:
            raise PermissionDenied(UNCONFIRMED)
        new_hash = self._rehashed(user.password_hash, password)
        with self.db.write() as session:
            self.throttle.clear_account(session, email_key=email_key)
            if new_hash is not None:
                session.execute(
                    update(User).where(User.id == user.id).values(password_hash=new_hash)
                )
                user.password_hash = new_hash
            return self._sign_in(session, user, now)

    def _rehashed(self, stored: str, password: str) -> str | None:
        """A hash with today's parameters when the stored one is outdated, else None."""
        if not self.hashing.needs_rehash(stored):
            return None
        return self.hashing.hash(normalise_password(password))

    def refresh(self, *, refresh_token: str) -> SignedIn:
        """Rotate the refresh token; a new access token carries the user's current plan."""
        now = self._clock()
        user, token = refresh_tokens.rotate(
            self.db, token=refresh_token, now=now, ttl=self.refresh_ttl
        )
        access = self.access.issue(user_id=user.id, plan=user.plan, now=now)
        return SignedIn(user=user, access_token=access, refresh_token=token)

    def logout(self, *, refresh_token: str) -> None:
        refresh_tokens.revoke(self.db, token=refresh_token, now=self._clock())

    def get_user(self, *, user_id: str) -> User:
        uid = parse_user_id(user_id)
        with self.db.read() as session:
            user = session.get(User, uid)
        if user is None:
            raise NotFound(f"no user with id {uid}")
        return user

    def set_plan(self, *, email: str, plan: str) -> tuple[User, int]:
        """Operator: move a user to `plan`; leaving the key plans revokes their keys (count)."""
        chosen = parse_user_plan(plan)
        email_key = normalise_email(email).key
        now = self._clock()
        with self.db.write() as session:
            user = session.scalar(select(User).where(User.email_key == email_key))
            if user is None:
                raise NotFound(f"no account with email {email_key}")
            user.plan = chosen
            revoked = 0
            if chosen not in KEY_PLANS:
                keys = session.scalars(
                    select(ApiKey).where(
                        ApiKey.owner_user_id == user.id, ApiKey.revoked_at.is_(None)
                    )
                ).all()
                for key in keys:
                    key.revoked_at = now
                    add_event(session, message=revoked_event(key), key=key.key_id, now=now)
                revoked = len(keys)
        return user, revoked
