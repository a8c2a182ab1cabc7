"""Build the accounts core from settings: database (migrated), keys, salt, policies."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from medcode_accounts.access_tokens import AccessTokenIssuer
from medcode_accounts.accounts import Accounts
from medcode_accounts.api_keys import ApiKeys, KeyPolicy
from medcode_accounts.database import Database, create_db_engine
from medcode_accounts.emails import email_hash
from medcode_accounts.migrate import upgrade_to_head
from medcode_accounts.password_pool import PasswordWorkPool
from medcode_accounts.passwords import PasswordHashing
from medcode_accounts.plans import KeyLimits
from medcode_accounts.settings import AccountsSettings
from medcode_accounts.signing_keys import SigningKeys, load_signing_keys
from medcode_accounts.signup_throttle import SignUpThrottle
from medcode_accounts.signups import MailPolicy, SignUps
from medcode_accounts.smtp_relay import SmtpRelay
from medcode_accounts.throttle import LoginThrottle

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _email_salt(settings: AccountsSettings) -> bytes:
    """The configured salt, else one generated once into the data dir (0600)."""
    configured = settings.email_hash_salt.get_secret_value()
    if configured:
        return configured.encode()
    path = Path(settings.data_dir) / "email_hash_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race; use its salt
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


@dataclass
class Backend:
    """Everything the servicer and the CLI work with."""

    db: Database
    accounts: Accounts
    keys: ApiKeys
    signing_keys: SigningKeys
    password_pool: PasswordWorkPool

    def close(self) -> None:
        self.password_pool.close()
        self.db.dispose()


def smtp_relay(settings: AccountsSettings) -> SmtpRelay:
    """The relay the mail publisher sends through."""
    return SmtpRelay(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value(),
        ca_file=settings.smtp_ca_file,
        timeout_seconds=settings.smtp_timeout_seconds,
    )


def _signups(
    settings: AccountsSettings, *, db: Database, hashing: PasswordHashing, clock: Clock
) -> SignUps:
    return SignUps(
        db=db,
        hashing=hashing,
        throttle=SignUpThrottle(
            window_seconds=settings.signup_window_seconds,
            max_per_network=settings.signup_max_per_network,
            max_global=settings.signup_max_global,
            max_mails_per_address=settings.signup_max_mails_per_address,
        ),
        mail=MailPolicy(
            sender=settings.mail_from,
            public_url=settings.public_url.rstrip("/"),
            confirmation_ttl_seconds=settings.confirmation_ttl_seconds,
        ),
        email_hash=partial(email_hash, _email_salt(settings)),
        clock=clock,
    )


def open_backend(
    settings: AccountsSettings, *, clock: Clock = utc_now, hashing: PasswordHashing | None = None
) -> Backend:
    """Migrate the database to head and wire the core; generates key and salt on first start."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(
        settings.resolved_database_url(), connect_args=settings.database_connect_args()
    )
    upgrade_to_head(engine)
    db = Database(engine)
    signing_keys = load_signing_keys(
        key_file=settings.resolved_signing_key_file(),
        extra_files=list(settings.extra_jwks_key_files),
        generate=settings.signing_key_file is None,
    )
    hashing = hashing or PasswordHashing()
    accounts = Accounts(
        db=db,
        hashing=hashing,
        throttle=LoginThrottle(
            window_seconds=settings.login_window_seconds,
            max_per_account=settings.login_max_failures_per_account,
            max_per_ip=settings.login_max_failures_per_ip,
        ),
        access=AccessTokenIssuer(
            keys=signing_keys,
            issuer=settings.issuer,
            audience=settings.audience,
            ttl_seconds=settings.access_ttl_seconds,
        ),
        refresh_ttl_seconds=settings.refresh_ttl_seconds,
        signups=_signups(settings, db=db, hashing=hashing, clock=clock),
        clock=clock,
    )
    policy = KeyPolicy(
        defaults={
            "partner": KeyLimits(settings.partner_monthly_quota, settings.partner_rate_per_second),
            "internal": KeyLimits(
                settings.internal_monthly_quota, settings.internal_rate_per_second
            ),
        },
        max_keys_per_user=settings.max_api_keys_per_user,
        touch_seconds=settings.api_key_touch_seconds,
    )
    keys = ApiKeys(db=db, policy=policy, clock=clock)
    pool = PasswordWorkPool(workers=settings.password_workers, queue=settings.password_queue)
    return Backend(
        db=db, accounts=accounts, keys=keys, signing_keys=signing_keys, password_pool=pool
    )
