"""Users and sessions: register, sign in, refresh, sign out, look up, change plan."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medcode.events.v1 import events_pb2
from medcode_accounts import refresh_tokens
from medcode_accounts.access_tokens import AccessTokenIssuer
from medcode_accounts.database import Database
from medcode_accounts.emails import normalise_email
from medcode_accounts.errors import AlreadyExists, InvalidInput, NotFound, Unauthenticated
from medcode_accounts.models import ApiKey, User
from medcode_accounts.outbox import add_event
from medcode_accounts.passwords import (
    MAX_LENGTH,
    PasswordHashing,
    check_password,
    normalise_password,
)
from medcode_accounts.plans import DEFAULT_PLAN, KEY_PLANS, parse_user_plan, plan_proto
from medcode_accounts.throttle import LoginThrottle
from medcode_accounts.validation import check_client_ip, check_guest_id, parse_user_id

BAD_CREDENTIALS = "email or password is incorrect"


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
        email_salt: bytes,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.hashing = hashing
        self.throttle = throttle
        self.access = access
        self.refresh_ttl = refresh_ttl_seconds
        self._email_salt = email_salt
        self._clock = clock

    def email_hash(self, email_key: str) -> str:
        """Salted (HMAC-SHA256) so the bus never carries an address or a guessable hash."""
        return hmac.new(self._email_salt, email_key.encode(), hashlib.sha256).hexdigest()

    def _sign_in(self, session: Session, user: User, now: datetime) -> SignedIn:
        refresh = refresh_tokens.issue(
            session, user_id=user.id, family_id=uuid.uuid4(), now=now, ttl=self.refresh_ttl
        )
        access = self.access.issue(user_id=user.id, plan=user.plan, now=now)
        return SignedIn(user=user, access_token=access, refresh_token=refresh)

    def register(self, *, email: str, password: str, guest_id: str, client_ip: str) -> SignedIn:
        """Create a user, sign them in and stage UserRegistered, all in one transaction."""
        address = normalise_email(email)
        normal = check_password(password, email_local_part=address.local_part)
        guest = check_guest_id(guest_id)
        check_client_ip(client_ip)
        if self._find(address.key) is not None:
            raise AlreadyExists("an account with this email already exists")
        password_hash = self.hashing.hash(normal)
        now = self._clock()
        user = User(
            id=uuid.uuid4(),
            email=address.address,
            email_key=address.key,
            password_hash=password_hash,
            plan=DEFAULT_PLAN,
            created_at=now,
        )
        event = events_pb2.UserRegistered(
            user_id=str(user.id), email_hash=self.email_hash(address.key), guest_id=guest,
            plan=plan_proto(user.plan), legacy_plan=user.plan,
        )  # fmt: skip
        try:
            with self.db.write() as session:
                session.add(user)
                session.flush()  # the unique email check fires here, before anything else
                signed_in = self._sign_in(session, user, now)
                add_event(session, message=event, key=str(user.id), now=now)
        except IntegrityError:
            raise AlreadyExists("an account with this email already exists") from None
        return signed_in

    def _find(self, email_key: str) -> User | None:
        with self.db.read() as session:
            return session.scalar(select(User).where(User.email_key == email_key))

    def login(self, *, email: str, password: str, client_ip: str) -> SignedIn:
        """Sign in; one message for unknown email and wrong password, throttled per account/IP."""
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
        if not self.hashing.verify(user.password_hash if user else None, password):
            with self.db.write() as session:
                self.throttle.record_failure(session, email_key=email_key, client_ip=ip, now=now)
            raise Unauthenticated(BAD_CREDENTIALS)
        assert user is not None
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
                result = session.execute(
                    update(ApiKey)
                    .where(ApiKey.owner_user_id == user.id, ApiKey.revoked_at.is_(None))
                    .values(revoked_at=now)
                )
                revoked = int(result.rowcount)  # type: ignore[attr-defined]
        return user, revoked
