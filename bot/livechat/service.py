"""Handing a conversation to a person: start (in or out of office hours), keep every message, let staff
take and answer it on the citizen's own channel, and give it back to the bot on "จบการสนทนา" or timeout."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, selectinload

from bot.channels import outbound
from bot.channels.platforms import DeliveryError
from bot.complaints.deadlines import add_working_days, holidays, is_working_day
from bot.core.lazy import built_once
from bot.core.messages import Text
from bot.storage import utcnow
from bot.storage.prepared import Prepared
from bot.thaitime import local, thai_date
from scoring.yamlfile import load_model

from .models import CLOSED, HELD, WAITING, LiveChat, LiveChatMessage

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MESSENGER_HUMAN_AGENT_WINDOW = timedelta(days=7)


class LiveChatContent(BaseModel):
    timeout_minutes: int = 30
    idle_close_hours: int = 24  # an open chat nobody wrote in for this long is closed, the person told
    end_words: list[str]
    texts: dict[str, str]


def content(services) -> LiveChatContent:
    return built_once(services, "livechat_content",
                      lambda: load_model(Path(services.content.directory) / "livechat.yaml", LiveChatContent))


def say(services, key: str, **values) -> str:
    return content(services).texts[key].format(**values)


def in_office_hours(services, now: datetime) -> bool:
    hours = services.content.office.hours
    t = local(now)
    return (DAYS[t.weekday()] in hours.days and is_working_day(services, t.date())
            and time.fromisoformat(hours.opens) <= t.time() < time.fromisoformat(hours.closes))


def closed_reason(services, now: datetime) -> str:
    """Why nobody answers now: the holiday by its name, the weekend, or the hour."""
    hours, t = services.content.office.hours, local(now)
    holiday = holidays(services).get(t.date())
    if holiday:
        return say(services, "closed_holiday", name=holiday)
    if DAYS[t.weekday()] not in hours.days or not is_working_day(services, t.date()):
        return say(services, "closed_weekend")
    return say(services, "closed_hours", hours=hours.text)


def next_answer_day(services, now: datetime) -> str:
    t = local(now)
    opens = time.fromisoformat(services.content.office.hours.opens)
    day = t.date() if is_working_day(services, t.date()) and t.time() < opens else add_working_days(services, t.date(), 1)
    return f"{thai_date(day)} ตั้งแต่ {services.content.office.hours.opens} น."


def open_chat(services, channel: str, user_id: str, now: datetime) -> LiveChat | None:
    """The user's waiting or held conversation; one idle past the timeout is closed (back to the bot)."""
    with services.db.session() as s:
        chat = s.scalar(select(LiveChat).where(LiveChat.channel == channel, LiveChat.user_id == user_id,
                                               LiveChat.status.in_((WAITING, HELD))).order_by(LiveChat.id.desc()))
        if chat is None:
            return None
        if now - chat.last_activity_at > timedelta(minutes=content(services).timeout_minutes):
            chat.status, chat.closed_at = CLOSED, now
            return None
        return chat


_CHATS, _MESSAGES = LiveChat.__table__, LiveChatMessage.__table__
# Built once (the held user's every message runs them): the open chat's id and last activity, and its closing.
_OPEN = Prepared(select(_CHATS.c.id, _CHATS.c.last_activity_at, _CHATS.c.status)
                  .where(_CHATS.c.channel == bindparam("b_channel"), _CHATS.c.user_id == bindparam("b_user_id"),
                         or_(_CHATS.c.status == WAITING, _CHATS.c.status == HELD))  # (no expanding IN)
                  .order_by(_CHATS.c.id.desc()).limit(1))
_TIME_OUT = update(_CHATS).where(_CHATS.c.id == bindparam("b_id")).values(status=CLOSED, closed_at=bindparam("b_now"))
_TOUCH = update(_CHATS).where(_CHATS.c.id == bindparam("b_id")).values(last_activity_at=bindparam("b_now"))
_ADD = _MESSAGES.insert().values(chat_id=bindparam("b_id"), sender="citizen", text=bindparam("b_text"),
                                 at=bindparam("b_now", type_=_MESSAGES.c.at.type), read_token=bindparam("b_read"))


def held_chat(services, channel: str, user_id: str, now: datetime) -> tuple[int, bool] | None:
    """`open_chat` for the conversation's hot path: Core statements, only the id and whether a person
    has taken it."""
    with services.db.engine.begin() as c:
        row = _OPEN.first(c, {"b_channel": channel, "b_user_id": user_id})
        if row is None:
            return None
        chat_id, last_activity_at, status = row
        if now - last_activity_at > timedelta(minutes=content(services).timeout_minutes):
            c.execute(_TIME_OUT, {"b_id": chat_id, "b_now": now})
            return None
        return chat_id, status == HELD


def web_status(services, user_id: str, now: datetime) -> dict | None:
    """A web visitor's waiting or held chat as the page shows it: its header line (a person is on it, or
    when one will be) and the end button; None without one (a chat idle past the timeout is over)."""
    with services.db.engine.connect() as c:
        row = c.execute(select(_CHATS.c.status, _CHATS.c.last_activity_at).where(
            _CHATS.c.channel == "web", _CHATS.c.user_id == user_id,
            or_(_CHATS.c.status == WAITING, _CHATS.c.status == HELD)).order_by(_CHATS.c.id.desc()).limit(1)).first()
    if row is None or now - row.last_activity_at > timedelta(minutes=content(services).timeout_minutes):
        return None
    if row.status == HELD:
        header = say(services, "header_held")
    elif in_office_hours(services, now):
        header = say(services, "header_waiting")
    else:
        header = say(services, "header_closed", next_day=next_answer_day(services, now))
    return {"status": row.status, "header": header, "end_label": say(services, "end_button"),
            "end_text": content(services).end_words[0]}


def start(services, channel: str, user_id: str, now: datetime) -> tuple[LiveChat, bool]:
    """A new waiting conversation (or the open one); with whether a person is on duty now."""
    on_duty = in_office_hours(services, now)
    chat = open_chat(services, channel, user_id, now)
    if chat is None:
        with services.db.session() as s:
            chat = LiveChat(channel=channel, user_id=user_id, status=WAITING, started_at=now,
                            last_activity_at=now, out_of_hours=not on_duty)
            s.add(chat)
    return chat, on_duty


def add_citizen_message(conn: Connection, chat_id: int, text: str, now: datetime, read_token: str = "") -> None:
    """In the turn's transaction (a write of the turn): the message is kept exactly when the turn is saved."""
    conn.execute(_TOUCH, {"b_id": chat_id, "b_now": now})
    conn.execute(_ADD, {"b_id": chat_id, "b_text": text, "b_now": now, "b_read": read_token or None})


def close(services, chat_id: int, now: datetime | None = None) -> None:
    with services.db.session() as s:
        chat = s.get(LiveChat, chat_id)
        if chat is not None and chat.status != CLOSED:
            chat.status, chat.closed_at = CLOSED, now or utcnow()


def waiting_and_held(services) -> list[LiveChat]:
    with services.db.session() as s:
        return list(s.scalars(select(LiveChat).where(LiveChat.status.in_((WAITING, HELD)))
                              .options(selectinload(LiveChat.messages)).order_by(LiveChat.last_activity_at.desc())))


def get(services, chat_id: int) -> LiveChat | None:
    with services.db.session() as s:
        return s.scalar(select(LiveChat).where(LiveChat.id == chat_id).options(selectinload(LiveChat.messages)))


def take(services, chat_id: int, staff: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    with services.db.session() as s:
        chat = s.get(LiveChat, chat_id, with_for_update=True)
        if chat is None or chat.status == CLOSED or (chat.status == HELD and chat.staff != staff):
            return False
        chat.status, chat.staff, chat.taken_at, chat.last_activity_at = HELD, staff, chat.taken_at or now, now
        return True


class CannotReach(Exception):
    pass


def reply(services, chat_id: int, staff: str, text: str, now: datetime | None = None) -> None:
    """Deliver a staff answer on the citizen's channel (Messenger: HUMAN_AGENT tag, inside 7 days of the
    citizen's last message), then record it."""
    now = now or utcnow()
    chat = get(services, chat_id)
    if chat is None or chat.status != HELD or chat.staff != staff:
        raise CannotReach("กรุณารับการสนทนานี้ก่อนตอบ")
    last_citizen = max((m.at for m in chat.messages if m.sender == "citizen"), default=chat.started_at)
    tag = None
    if chat.channel == "facebook":
        if now - last_citizen > MESSENGER_HUMAN_AGENT_WINDOW:
            raise CannotReach("ผู้ใช้ Messenger ส่งข้อความล่าสุดเกิน 7 วันแล้ว Messenger ไม่อนุญาตให้ตอบ")
        tag = "HUMAN_AGENT"
    try:
        outbound.push(services, chat.channel, chat.user_id, [Text(say(services, "staff_reply", text=text))],
                      **({"tag": tag} if tag else {}))
    except DeliveryError as exc:
        raise CannotReach(f"ส่งข้อความไม่สำเร็จ ({exc}) กรุณาลองอีกครั้ง") from None
    with services.db.session() as s:
        row = s.get(LiveChat, chat_id)
        row.last_activity_at = now
        row.first_answer_at = row.first_answer_at or now
        s.add(LiveChatMessage(chat_id=chat_id, sender="staff", staff=staff, text=text, at=now))
