"""Hall staff: accounts with their own passwords, and the session tokens a counter login gives them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from typing import Any

from sqlalchemy import insert, select, update

from kiosk.hall import schema as S
from kiosk.hall.display_text import check_display_text
from kiosk.hall.errors import HallError
from kiosk.hall.login_limits import LoginGuard, Refusal
from kiosk.hall.service.base import Principal, ServiceBase, hash_token
from kiosk.hall.writer import Tx

SESSION_S = 12 * 3600  # one working day at a counter
_USERNAME = re.compile(r"^[a-z0-9_.-]{2,64}$")
_SCRYPT = (2**14, 8, 1)


def hash_password(password: str) -> str:
    n, r, p = _SCRYPT
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


# A dummy hash to spend the same time on unknown usernames, so timing does not reveal which exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


class Staff(ServiceBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In memory: a restart forgets recent failures, which is acceptable for a limit meant to slow
        # guessing, not to be an audit record (the rule is in kiosk.hall.login_limits).
        self._login_guard = LoginGuard()

    def create_staff(self, username: str, name: str, password: str) -> dict[str, Any]:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise HallError("invalid_request", "a username is 2–64 of a-z, 0-9, '.', '_' or '-'")
        if not name.strip():
            raise HallError("invalid_request", "give the staff member's name as shown at the counter")
        try:
            check_display_text(name)
        except ValueError as exc:  # the name is shown at the counter and in the audit trail
            raise HallError("invalid_request", f"name: {exc}") from exc
        if len(password) < 8:
            raise HallError("invalid_request", "a password needs at least 8 characters")
        hashed = hash_password(password)

        def cmd(tx: Tx) -> dict[str, Any]:
            exists = tx.conn.execute(select(S.staff.c.id).where(S.staff.c.username == username)).first()
            if exists is not None:
                raise HallError("staff_exists", f"there is already a staff account {username!r}")
            res = tx.conn.execute(
                insert(S.staff).values(
                    username=username, name=name.strip(), password_hash=hashed, created_at=tx.now
                )
            )
            return {"id": int(res.inserted_primary_key[0]), "username": username, "name": name.strip()}

        return self.writer.run(cmd)

    def list_staff(self) -> list[dict[str, Any]]:
        with self.store.read.connect() as conn:
            return [
                {
                    "id": r.id,
                    "username": r.username,
                    "name": r.name,
                    "created_at": self.iso(r.created_at),
                    "disabled_at": self.iso(r.disabled_at),
                }
                for r in conn.execute(select(S.staff).order_by(S.staff.c.username))
            ]

    def set_staff_disabled(self, username: str, disabled: bool) -> bool:
        """Disable (or re-enable) an account; disabling also ends its open sessions."""

        def cmd(tx: Tx) -> bool:
            row = tx.conn.execute(
                select(S.staff).where(S.staff.c.username == username.strip().lower())
            ).first()
            if row is None:
                return False
            tx.conn.execute(
                update(S.staff).where(S.staff.c.id == row.id).values(disabled_at=tx.now if disabled else None)
            )
            if disabled:
                tx.conn.execute(
                    update(S.tokens)
                    .where(S.tokens.c.staff_id == row.id, S.tokens.c.revoked_at.is_(None))
                    .values(revoked_at=tx.now)
                )
            return True

        done = self.writer.run(cmd)
        self.forget_cached_tokens()  # type: ignore[attr-defined]
        return done

    def login(
        self, username: str, password: str, counter: str | None = None, client: str = "local"
    ) -> dict[str, Any]:
        """A counter session: a `counter` token named after the staff member, valid one working day.

        `client` is where the attempt comes from (the network address), for the limits against guessing
        (kiosk.hall.login_limits)."""
        key = username.strip().lower()
        guard = self._login_guard
        attempt = guard.begin(key, client, time.monotonic())
        if isinstance(attempt, Refusal):
            why = {
                "pair": f"too many wrong passwords for {key!r} from this terminal",
                "client": "too many wrong passwords from this terminal",
                "name": f"{key!r} is being guessed at; from a terminal it has not signed in at before",
            }[attempt.reason]
            raise HallError(
                "too_many_attempts",
                f"{why}; try again in {attempt.retry_after_s} s",
                {"retry_after_s": attempt.retry_after_s},
            )
        try:
            with self.store.read.connect() as conn:
                row = conn.execute(select(S.staff).where(S.staff.c.username == key)).first()
                if counter is not None:
                    self._counter(conn, counter)
        except BaseException:
            guard.cancelled(attempt)  # no password was checked
            raise
        ok = check_password(password, row.password_hash if row is not None else _DUMMY_HASH)
        if row is None or not ok or row.disabled_at is not None:
            raise HallError("bad_credentials", "the username or password is not right")
        guard.succeeded(attempt, time.monotonic())
        token = "hs_" + secrets.token_urlsafe(32)

        def cmd(tx: Tx) -> float:
            expires = tx.now + SESSION_S
            tx.conn.execute(
                insert(S.tokens).values(
                    name=row.name,
                    role="counter",
                    token_hash=hash_token(token),
                    created_at=tx.now,
                    expires_at=expires,
                    staff_id=row.id,
                )
            )
            if counter is not None:
                tx.emit("counter.login", {"counter": {"id": counter}, "staff": row.name}, counter_id=counter)
            return expires

        expires = self.writer.run(cmd)
        return {
            "token": token,
            "role": "counter",
            "name": row.name,
            "username": row.username,
            "expires_at": self.iso(expires),
        }

    def logout(self, principal: Principal) -> None:
        """End a staff session. Device and admin tokens are revoked with the CLI only: a logout call made
        with them (a misconfigured kiosk, a stolen display token) must not take a device off the air."""

        def cmd(tx: Tx) -> None:
            t = S.tokens.c
            row = tx.conn.execute(select(t.staff_id).where(t.id == principal.token_id)).first()
            if row is None or row.staff_id is None:
                raise HallError(
                    "forbidden", "only a staff session can log out; revoke device tokens with the CLI"
                )
            tx.conn.execute(
                update(S.tokens)
                .where(t.id == principal.token_id, t.revoked_at.is_(None))
                .values(revoked_at=tx.now)
            )

        self.writer.run(cmd)
        self.forget_cached_tokens()  # type: ignore[attr-defined]
