"""Console accounts: create, list, disable, reset a password; sign in with a lock-out; server-side
sessions that end at sign-out, on `users disable` and after 30 idle minutes."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from bot.storage import utcnow

from . import audit
from .models import ROLES, ConsoleSession, ConsoleUser, SignInFailure

if TYPE_CHECKING:
    from bot.services import Services

MAX_FAILURES = 5
LOCK_OUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# Checked against so that an unknown name costs as much time as a wrong password (no name probing).
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


class AccountError(ValueError):
    """A refused account change, with a message for the person at the command line."""


@dataclass(frozen=True)
class Person:
    """The signed-in user as pages see it."""

    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def sees_corruption(self) -> bool:
        return self.role in ("admin", "integrity")

    def sees_general(self) -> bool:
        return self.role in ("admin", "staff")


COMPLAINT_ROLES = ("admin", "staff", "integrity")
"""Who may open complaint pages at all (an editor changes content only)."""


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD} ตัวอักษร")


def create(services: Services, username: str, role: str, password: str, now: datetime | None = None) -> ConsoleUser:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("ชื่อผู้ใช้ใช้ได้เฉพาะ a-z 0-9 . _ - ยาว 2–64 ตัวอักษร")
    if role not in ROLES:
        raise AccountError(f"บทบาทต้องเป็น {', '.join(ROLES)}")
    check_password(password)
    with services.db.session() as s:
        if s.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username)) is not None:
            raise AccountError(f"มีผู้ใช้ {username} อยู่แล้ว")
        user = ConsoleUser(username=username, role=role, password_hash=generate_password_hash(password),
                           created_at=now or utcnow())
        s.add(user)
        audit.record(s, None, "user_created", detail=f"{username} ({role})")
    return user


def listing(services: Services) -> list[ConsoleUser]:
    with services.db.session() as s:
        return list(s.scalars(select(ConsoleUser).order_by(ConsoleUser.username)))


def _user(s, username: str) -> ConsoleUser:
    user = s.scalar(select(ConsoleUser).where(ConsoleUser.username == username.strip().lower()))
    if user is None:
        raise AccountError(f"ไม่พบผู้ใช้ {username}")
    return user


def _end_sessions(s, user: ConsoleUser, now: datetime) -> None:
    user.session_version += 1
    s.execute(update(ConsoleSession).where(ConsoleSession.user_id == user.id, ConsoleSession.ended_at.is_(None))
              .values(ended_at=now))


def disable(services: Services, username: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    with services.db.session() as s:
        user = _user(s, username)
        user.active = False
        _end_sessions(s, user, now)
        audit.record(s, None, "user_disabled", detail=user.username, now=now)


def reset_password(services: Services, username: str, password: str, now: datetime | None = None) -> None:
    check_password(password)
    now = now or utcnow()
    with services.db.session() as s:
        user = _user(s, username)
        user.password_hash = generate_password_hash(password)
        _end_sessions(s, user, now)
        s.execute(delete(SignInFailure).where(SignInFailure.username == user.username))
        audit.record(s, None, "password_reset", detail=user.username, now=now)


def ensure_first_admin(services: Services, password: str) -> bool:
    """CONSOLE_PASSWORD of old: becomes the password of an `admin` account when there is no account yet,
    and is ignored afterwards."""
    if not password:
        return False
    with services.db.session() as s:
        if s.scalar(select(func.count()).select_from(ConsoleUser)):
            return False
    try:
        create(services, "admin", "admin", password)
    except AccountError:
        return False
    return True


class LockedOut(Exception):
    pass


def locked(s, username: str, address: str, now: datetime) -> bool:
    since = now - LOCK_OUT
    for column, value in ((SignInFailure.username, username), (SignInFailure.address, address)):
        n = s.scalar(select(func.count()).select_from(SignInFailure).where(column == value, SignInFailure.at > since))
        if n >= MAX_FAILURES:
            return True
    return False


def sign_in(services: Services, username: str, password: str, address: str, now: datetime | None = None) -> str | None:
    """A new session id for the right password of an active, unlocked account; None for a wrong one.

    Raises LockedOut once five wrong passwords were given in 15 minutes for this account or address,
    even for the right password, so guessing cannot continue. Wrong passwords, the lock-out and each
    refused attempt are audited in transactions of their own, so no rollback of the request loses them."""
    now = now or utcnow()
    username = (username or "").strip().lower()[:64]
    with services.db.session() as s:
        refused = locked(s, username, address, now)
    if refused:
        audit.log(services, username, "sign_in_locked", now=now)
        raise LockedOut()
    with services.db.session() as s:
        user = s.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        good = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
        if user and user.active and good:
            s.execute(delete(SignInFailure).where(or_(SignInFailure.username == username,
                                                      SignInFailure.at < now - LOCK_OUT)))
            sid = secrets.token_urlsafe(32)
            s.add(ConsoleSession(id=sid, user_id=user.id, version=user.session_version, created_at=now,
                                 last_seen_at=now))
            user.last_sign_in_at = now
            audit.record(s, user.username, "sign_in", now=now)
            return sid
    _wrong_password(services, username, address, now)
    return None


def _wrong_password(services: Services, username: str, address: str, now: datetime) -> None:
    """The failure counted and audited; the one that locks the account or address says so."""
    with services.db.session() as s:
        s.add(SignInFailure(username=username, address=address[:64], at=now))
        audit.record(s, username, "sign_in_failed", now=now)
        s.flush()
        if locked(s, username, address, now):
            minutes = int(LOCK_OUT.total_seconds() // 60)
            audit.record(s, username, "sign_in_lockout", now=now,
                         detail=f"รหัสผ่านผิด {MAX_FAILURES} ครั้งใน {minutes} นาที ระงับการเข้าสู่ระบบ {minutes} นาที")


def current(services: Services, sid: str | None, now: datetime | None = None) -> Person | None:
    """The person of a live session (and it is kept alive), or None: ended, idle too long, user disabled
    or their sessions revoked."""
    if not sid:
        return None
    now = now or utcnow()
    with services.db.session() as s:
        row = s.get(ConsoleSession, sid)
        if row is None or row.ended_at is not None:
            return None
        user = s.get(ConsoleUser, row.user_id)
        if user is None or not user.active or user.session_version != row.version or \
                now - row.last_seen_at > IDLE_TIMEOUT:
            row.ended_at = row.ended_at or now
            return None
        row.last_seen_at = now
        return Person(user.id, user.username, user.role)


def sign_out(services: Services, sid: str | None, username: str | None, now: datetime | None = None) -> None:
    if not sid:
        return
    now = now or utcnow()
    with services.db.session() as s:
        row = s.get(ConsoleSession, sid)
        if row is not None and row.ended_at is None:
            row.ended_at = now
            audit.record(s, username, "sign_out", now=now)


def usernames(services: Services) -> list[tuple[int, str]]:
    with services.db.session() as s:
        return [(u.id, u.username) for u in s.scalars(select(ConsoleUser).where(ConsoleUser.active)
                                                      .order_by(ConsoleUser.username))]


def may_handle(role: str, corruption: bool) -> bool:
    """Whether an account of this role may work on a case: the same rule as seeing it (inbox.may_see),
    so nobody is handed a case that answers them 403."""
    who = Person(0, "", role)
    return who.sees_corruption() if corruption else who.sees_general()


def assignable(services: Services, corruption: bool) -> dict[int, str]:
    """Active accounts a case may be assigned to (id: username): for a corruption report, never general staff."""
    with services.db.session() as s:
        return {u.id: u.username for u in s.scalars(select(ConsoleUser).where(ConsoleUser.active)
                                                    .order_by(ConsoleUser.username))
                if may_handle(u.role, corruption)}
