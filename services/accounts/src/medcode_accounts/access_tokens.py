"""Access tokens: short-lived JWTs (EdDSA) the gateway verifies with the JWKS alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from medcode_accounts.signing_keys import ALGORITHM, SigningKeys


@dataclass(frozen=True)
class AccessTokenIssuer:
    """Signs `sub`, `plan`, `iat`, `exp`, `iss`, `aud`, `jti` with header `kid`."""

    keys: SigningKeys
    issuer: str
    audience: str
    ttl_seconds: int

    def issue(self, *, user_id: uuid.UUID, plan: str, now: datetime) -> str:
        """A signed token for the user, valid `ttl_seconds` from `now`."""
        claims = {
            "sub": str(user_id),
            "plan": plan,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self.ttl_seconds)).timestamp()),
            "iss": self.issuer,
            "aud": self.audience,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims,
            self.keys.private_key,
            algorithm=ALGORITHM,
            headers={"kid": self.keys.kid, "typ": "JWT"},
        )
