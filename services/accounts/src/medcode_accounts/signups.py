"""Sign-up by email confirmation: nothing exists until the mailbox's owner opens the link.

`register` answers the same whether or not the address has an account, and takes as long:
the password is checked and hashed either way, and either way one message is staged in the
mail outbox, in the same transaction: a confirmation link for a new address, a note to the
owner for a known one. `confirm` turns the sign-up of a link into the account and publishes
UserRegistered, which is when the free plan's views (and the guest's past usage) start.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medcode.events.v1 import events_pb2
from medcode_accounts import mail_messages
from medcode_accounts.database import Database
from medcode_accounts.emails import NormalisedEmail, normalise_email
from medcode_accounts.errors import AlreadyExists, InvalidInput, NotFound
from medcode_accounts.mail_outbox import add_mail
from medcode_accounts.models import SignUp, User
from medcode_accounts.outbox import add_event
from medcode_accounts.passwords import PasswordHashing, check_password
from medcode_accounts.plans import DEFAULT_PLAN, plan_proto
from medcode_accounts.signup_throttle import SignUpThrottle
from medcode_accounts.validation import check_client_ip, check_guest_id

TOKEN_PREFIX = "mcc_"
_TOKEN = re.compile(r"mcc_[A-Za-z0-9_-]{43}")
CONFIRM_PATH = "/v1/auth/confirm"
UNKNOWN_LINK = "this confirmation link is not valid; register again to get a new one"
USED_LINK = "this confirmation link was already used; sign in with your password"
EXPIRED_LINK = "this confirmation link has expired; register again to get a new one"
ALREADY_CONFIRMED = "this email already has an account; sign in"
KEEP_USED_DAYS = 30  # a used or expired link still says so for a month, then is forgotten


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class MailPolicy:
    """What the sign-up mails say and where their links point."""

    sender: str
    public_url: str
    confirmation_ttl_seconds: int


class SignUps:
    """Register (stage a sign-up and its mail) and confirm (make the account)."""

    def __init__(
        self,
        *,
        db: Database,
        hashing: PasswordHashing,
        throttle: SignUpThrottle,
        mail: MailPolicy,
        email_hash: Callable[[str], str],
        clock: Callable[[], datetime],
    ) -> None:
        self._db = db
        self._hashing = hashing
        self._throttle = throttle
        self._mail = mail
        self._email_hash = email_hash
        self._clock = clock

    @property
    def confirmation_ttl_seconds(self) -> int:
        return self._mail.confirmation_ttl_seconds

    def email_hash(self, email_key: str) -> str:
        """The salted hash UserRegistered carries instead of the address."""
        return self._email_hash(email_key)

    def register(self, *, email: str, password: str, guest_id: str, client_ip: str) -> None:
        """Stage a sign-up (or a note to the address's owner) and its mail, throttled."""
        address = normalise_email(email)
        normal = check_password(password, email_local_part=address.local_part)
        guest = check_guest_id(guest_id)
        ip = check_client_ip(client_ip)
        with self._db.read() as session:  # refuse before spending a hash on a throttled call
            self._throttle.check(session, client_ip=ip, now=self._clock())
        password_hash = self._hashing.hash(normal)  # for known addresses too: the same time
        now = self._clock()
        with self._db.write() as session:
            self._throttle.check(session, client_ip=ip, now=now)
            self._throttle.record(session, client_ip=ip, now=now)
            known = session.scalar(select(User.email).where(User.email_key == address.key))
            may_mail = self._throttle.may_mail(session, email_key=address.key, now=now)
            if known is not None:  # to the account's own address, however it was typed now
                if may_mail:
                    message = mail_messages.already_registered(
                        sender=self._mail.sender, to=known, public_url=self._mail.public_url
                    )
                    add_mail(
                        session, kind=mail_messages.ALREADY_REGISTERED, message=message, now=now
                    )
                return
            # Staged even when the inbox had its share of mail: a newer sign-up always voids the
            # older links, so nobody can flood an address and leave their own link the last one
            # its owner received (and would click) when the owner's own sign-up is not mailed.
            token = self._stage(session, address, password_hash, guest, now)
            if not may_mail:
                return  # the answer stays the same
            link = f"{self._mail.public_url}{CONFIRM_PATH}?{urlencode({'token': token})}"
            message = mail_messages.confirmation(
                sender=self._mail.sender,
                to=address.address,
                link=link,
                valid_seconds=self._mail.confirmation_ttl_seconds,
                asked_at=now,
            )
            add_mail(session, kind=mail_messages.CONFIRMATION, message=message, now=now)

    def _stage(
        self,
        session: Session,
        address: NormalisedEmail,
        password_hash: str,
        guest_id: str,
        now: datetime,
    ) -> str:
        """A new sign-up replacing the address's older ones (only the newest link works)."""
        session.execute(
            delete(SignUp).where(
                or_(
                    and_(SignUp.email_key == address.key, SignUp.used_at.is_(None)),
                    SignUp.expires_at <= now - timedelta(days=KEEP_USED_DAYS),
                )
            )
        )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        session.add(
            SignUp(
                email=address.address,
                email_key=address.key,
                password_hash=password_hash,
                guest_id=guest_id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + timedelta(seconds=self._mail.confirmation_ttl_seconds),
            )
        )
        return token

    def confirm(self, *, token: str) -> User:
        """Create the account of the link's sign-up and stage UserRegistered; single use."""
        if not token:
            raise InvalidInput("token is required")
        if not _TOKEN.fullmatch(token):
            raise InvalidInput("token is malformed; open the link from the email as it is")
        digest = token_hash(token)

        def by_token(session: Session, now: datetime) -> SignUp:
            sign_up = session.scalar(select(SignUp).where(SignUp.token_hash == digest))
            if sign_up is None:
                raise NotFound(UNKNOWN_LINK)
            if sign_up.used_at is not None:
                raise NotFound(USED_LINK)
            if sign_up.expires_at <= now:
                raise NotFound(EXPIRED_LINK)
            return sign_up

        return self._make_account(by_token)

    def confirm_address(self, *, email: str) -> User:
        """Operator: confirm the address's newest live sign-up (for mail that never came)."""
        key = normalise_email(email).key

        def newest(session: Session, now: datetime) -> SignUp:
            sign_up = session.scalar(
                select(SignUp)
                .where(SignUp.email_key == key, SignUp.used_at.is_(None), SignUp.expires_at > now)
                .order_by(SignUp.id.desc())
                .limit(1)
            )
            if sign_up is None:
                raise NotFound(f"no sign-up of {key} is waiting for confirmation")
            return sign_up

        return self._make_account(newest)

    def _make_account(self, find: Callable[[Session, datetime], SignUp]) -> User:
        """Spend the sign-up `find` picks and create its user, in one transaction."""
        now = self._clock()
        try:
            with self._db.write() as session:
                sign_up = find(session, now)
                sign_up.used_at = now
                return self._create_user(session, sign_up, now)
        except IntegrityError:  # the address got an account in a concurrent transaction
            raise AlreadyExists(ALREADY_CONFIRMED) from None

    def _create_user(self, session: Session, sign_up: SignUp, now: datetime) -> User:
        if session.scalar(select(User.id).where(User.email_key == sign_up.email_key)) is not None:
            raise AlreadyExists(ALREADY_CONFIRMED)
        user = User(
            id=uuid.uuid4(),
            email=sign_up.email,
            email_key=sign_up.email_key,
            password_hash=sign_up.password_hash,
            plan=DEFAULT_PLAN,
            created_at=now,
        )
        session.add(user)
        session.flush()  # the unique email check fires here, before the event is staged
        event = events_pb2.UserRegistered(
            user_id=str(user.id), email_hash=self._email_hash(user.email_key),
            guest_id=sign_up.guest_id, plan=plan_proto(user.plan), legacy_plan=user.plan,
        )  # fmt: skip
        add_event(session, message=event, key=str(user.id), now=now)
        return user

    def pending_password_hash(self, email_key: str) -> str | None:
        """The password hash of the address's live sign-up, if it has one (for sign-in)."""
        with self._db.read() as session:
            return session.scalar(
                select(SignUp.password_hash)
                .where(
                    SignUp.email_key == email_key,
                    SignUp.used_at.is_(None),
                    SignUp.expires_at > self._clock(),
                )
                .order_by(SignUp.id.desc())
                .limit(1)
            )
