"""API tokens: created and revoked by the CLI, checked (with a short cache) on every request."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from sqlalchemy import insert, select, update

from kiosk.hall import schema as S
from kiosk.hall.errors import HallError
from kiosk.hall.service.base import ROLES, TOKEN_CACHE_S, Principal, ServiceBase, hash_token
from kiosk.hall.writer import ACTOR, Tx

log = logging.getLogger(__name__)


class Tokens(ServiceBase):
    # --- tokens -----------------------------------------------------------------------------------

    def create_token(self, role: str, name: str) -> tuple[int, str]:
        if role not in ROLES:
            raise HallError("invalid_request", f"role must be one of {', '.join(ROLES)}")
        if not name.strip():
            raise HallError("invalid_request", "give the token a name (the device or person it is for)")
        token = "hq_" + secrets.token_urlsafe(32)

        def cmd(tx: Tx) -> int:
            res = tx.conn.execute(
                insert(S.tokens).values(
                    name=name.strip(), role=role, token_hash=hash_token(token), created_at=tx.now
                )
            )
            return int(res.inserted_primary_key[0])

        return self.writer.run(cmd), token

    def revoke_token(self, token_id: int) -> bool:
        def cmd(tx: Tx) -> bool:
            res = tx.conn.execute(
                update(S.tokens)
                .where(S.tokens.c.id == token_id, S.tokens.c.revoked_at.is_(None))
                .values(revoked_at=tx.now)
            )
            return res.rowcount == 1

        done = self.writer.run(cmd)
        self.forget_cached_tokens()
        return done

    def act_as(self, principal: Principal) -> None:
        """Record `principal` as who acts for the rest of this request (context-local): the audit's `by`."""
        ACTOR.set({"name": principal.name, "role": principal.role})

    def forget_cached_tokens(self) -> None:
        with self._tokens_lock:
            self._tokens.clear()

    def list_tokens(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            return [
                {
                    "id": r.id,
                    "name": r.name,
                    "role": r.role,
                    "created_at": self.iso(r.created_at),
                    "revoked_at": self.iso(r.revoked_at),
                    "expires_at": self.iso(r.expires_at),
                }
                for r in conn.execute(select(S.tokens).order_by(S.tokens.c.id))
            ]

    def cached_principal(self, token: str) -> tuple[bool, Principal | None]:
        """(known, principal) from the cache alone, so an event loop can check a token without blocking."""
        with self._tokens_lock:
            hit = self._tokens.get(hash_token(token))
        if hit is not None and time.monotonic() - hit[0] < TOKEN_CACHE_S:
            return True, hit[1]
        return False, None

    def authenticate(self, token: str) -> Principal | None:
        known, principal = self.cached_principal(token)
        if known:
            return principal
        return self.recheck_token(token)

    def recheck_token(self, token: str) -> Principal | None:
        """The token's principal read from the store now, past the cache: a revocation made by another
        process (the CLI) or a session's expiry shows at once. Refreshes the cache entry."""
        h = hash_token(token)
        now = time.monotonic()
        with self.store.read.connect() as conn:
            row = conn.execute(
                select(S.tokens).where(S.tokens.c.token_hash == h, S.tokens.c.revoked_at.is_(None))
            ).first()
        live = row is not None and (row.expires_at is None or row.expires_at > self.clock())
        principal = Principal(row.id, row.name, row.role) if live else None
        with self._tokens_lock:
            if len(self._tokens) > 10000:
                self._tokens.clear()
            self._tokens[h] = (now, principal)
        return principal
