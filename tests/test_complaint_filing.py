"""Filing on every database: a taken code is drawn again, a draft confirmed twice is filed once."""
from __future__ import annotations

from sqlalchemy import func, select

from bot.complaints import service
from bot.core import tracking_codes as codes
from bot.complaints.models import Complaint
from tests.complaint_helpers import settings, smtp  # noqa: F401


def count(services) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(Complaint))


def test_a_taken_code_is_drawn_again(services, monkeypatch):
    draws = iter(["CR-AAAA-2222", "CR-AAAA-2222", "CR-BBBB-3333"])
    monkeypatch.setattr(codes, "new_code", lambda prefix: next(draws))
    first = service.file_complaint(services, service.Draft(key="k1", category="corruption", details=["a"]),
                                   "line", "U-a")
    second = service.file_complaint(services, service.Draft(key="k2", category="corruption", details=["b"]),
                                    "line", "U-b")
    assert (first.code, second.code) == ("CR-AAAA-2222", "CR-BBBB-3333")


def test_the_same_draft_confirmed_twice_is_filed_once(services):
    draft = service.Draft(key="same-draft", category="service", details=["รอนาน"])
    a = service.file_complaint(services, draft, "line", "U-twice")
    b = service.file_complaint(services, draft, "line", "U-twice")
    assert a.code == b.code and count(services) == 1
