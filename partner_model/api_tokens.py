"""API tokens for the product feed's HTTP API: admins create them (the secret is shown once, only its sha256 is
kept), name them, see when each was last used, and revoke them; the API finds the token a request carries.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from partner_model import texts
from partner_model.access import NOT_FOUND, Actor, audit, require_role, row_id, write_service
from partner_model.errors import N_, NotFound
from partner_model.models import ApiToken, Role, User, utcnow
from partner_model.sign_in_sessions import token_hash  # the one hash of a secret the app keeps

PREFIX = "ppf_"  # "partner program feed": a secret-scanning rule can find leaked tokens by it
LAST_USE_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often (not on every request)


@dataclass(frozen=True)
class CreatedToken:
    """A new token: its id and name, and the secret, which exists only here (shown once, never stored)."""

    id: int
    name: str
    secret: str


@write_service
def create_token(session: Session, actor: Actor, name: object) -> CreatedToken:
    """A new API token named `name` (1-100 characters, e.g. "Product EU"). Admin only; audited.
    Raises PermissionDenied, ValidationError (name)."""
    require_role(actor, {Role.admin}, "manage API tokens")
    clean = texts.clean_text(name, "name", N_("Token name"), max_length=100)
    assert clean is not None  # required: blank raised
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=clean, token_hash=token_hash(secret), created_by=actor.id)
    session.add(token)
    session.flush()
    audit(session, "api_token_created", actor_id=actor.id, subject=clean, detail=f"token {token.id}")
    session.commit()
    return CreatedToken(id=int(token.id), name=clean, secret=secret)  # type: ignore[arg-type]


@write_service
def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    """Revoke a token: requests carrying it get 401 from now on. Admin only; audited; revoking twice is harmless.
    Raises PermissionDenied, NotFound."""
    require_role(actor, {Role.admin}, "manage API tokens")
    token = session.get(ApiToken, row_id(token_id, "API token"))
    if token is None:
        raise NotFound(NOT_FOUND["API token"])
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(session, "api_token_revoked", actor_id=actor.id, subject=token.name, detail=f"token {token.id}")
    session.commit()


def list_tokens(session: Session, actor: Actor) -> pd.DataFrame:
    """Every token, newest first, without its secret. Admin only.
    Columns: id, name, created_by_name, created_at, last_used_at, revoked_at."""
    require_role(actor, {Role.admin}, "manage API tokens")
    rows = session.execute(sa.select(ApiToken.id, ApiToken.name, User.name.label("created_by_name"),
                                     ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at)
                           .outerjoin(User, User.id == ApiToken.created_by)
                           .order_by(ApiToken.id.desc())).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=["id", "name", "created_by_name", "created_at",
                                                           "last_used_at", "revoked_at"])


def authenticate(session: Session, secret: object, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token whose secret this is (an `Authorization: Bearer` value), else None: unknown, revoked or
    not a token at all. Notes its last use (at most once a minute) and commits that alone."""
    if not isinstance(secret, str) or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    now = now or utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)  # SQLite gives back naive UTC
    if last is None or now - last >= LAST_USE_EVERY:
        token.last_used_at = now
        session.commit()
    return token
