"""The staff console is behind the password and shows the ITA figures computed by scoring/."""
from __future__ import annotations

import time

from app import create_app
from scoring import check, year_result
from scoring.summary import fmt
from tests.console_helpers import PASSWORD, console, console_app, log_in, post  # noqa: F401


def test_console_is_off_with_a_placeholder_or_short_secret_key(client, settings, services):
    assert client.get("/console/").status_code == 404  # the tests' short key
    for key in ("change-me", "short-but-not-a-placeholder"):
        app = create_app(settings.replace(secret_key=key, console_password=PASSWORD), services)
        assert app.test_client().get("/console/login").status_code == 404


def test_login_required_and_wrong_password_refused(console_app):
    client = console_app.test_client()
    resp = client.get("/console/")
    assert resp.status_code == 302 and "/console/login" in resp.headers["Location"]
    bad = log_in(client, "nope")
    assert bad.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in bad.get_data(as_text=True)


def test_a_form_without_its_token_is_refused(console):
    resp = console.post("/console/broadcasts/", data={"text": "x", "repeat": "daily", "channel_line": "on"})
    assert resp.status_code == 400
    assert "ยังไม่มีประกาศ" in console.get("/console/broadcasts/").get_data(as_text=True)


def test_dashboard_shows_computed_figures(console_app, content):
    resp = log_in(console_app.test_client())
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ผลการประเมิน ITA" in page
    misprint = next(m for m in check(content.ita) if m.figure == "tools.OIT")  # the office's: 36.75, not 36.38
    assert fmt(year_result(content.ita, 2564).total) in page and misprint.computed in page
    assert misprint.published not in page
    assert "<svg" in page and "การปรับปรุงระบบการทำงาน" in page


AT = {"at_d": "1", "at_m": "12", "at_y": "2571", "at_hh": "9", "at_mm": "0"}  # 1 ธันวาคม 2571 (2028) 09:00


def test_staff_create_preview_and_send_an_announcement(console, line_api):
    c = console
    bad = post(c, "/console/broadcasts/", {"text": "ประชุมผู้ปกครอง", "repeat": "none", **AT, "at_d": "31",
                                           "at_m": "2", "channel_line": "on"})
    assert bad.status_code == 400 and 'class="error"' in bad.get_data(as_text=True)
    past = post(c, "/console/broadcasts/", {"text": "ประชุมผู้ปกครอง", "repeat": "none", **AT, "at_y": "2560",
                                            "channel_line": "on"})
    assert past.status_code == 400 and "ผ่านไปแล้ว" in past.get_data(as_text=True)
    resp = post(c, "/console/broadcasts/", {"title": "ประชุมผู้ปกครอง", "text": "ขอเชิญประชุม 1 ธันวาคม",
                                            "repeat": "none", **AT, "channel_line": "on"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ประชุมผู้ปกครอง" in page
    line_preview = page.split('id="preview-line"')[1].split("</div></div>")[0]
    assert "ขอเชิญประชุม 1 ธันวาคม" in line_preview and "altText" not in page
    listing = c.get("/console/broadcasts/").get_data(as_text=True)
    assert "รอส่งตามกำหนด" in listing and "1 ธันวาคม 2571 09:00 น." in listing
    nobody = post(c, "/console/broadcasts/1/send-now", follow_redirects=True).get_data(as_text=True)
    assert "ส่งทันทีไม่ได้: ยังไม่มีผู้รับ" in nobody and "ยืนยันส่งประกาศทันที" not in nobody  # reaches nobody
    assert 'id="send-now" disabled' in nobody
    from bot.channels import audience
    audience.followed(c.application.extensions["services"], "line", "U-follower-1")
    confirm = post(c, "/console/broadcasts/1/send-now").get_data(as_text=True)
    assert "ยืนยันส่งประกาศทันที" in confirm and "เพื่อนทุกคนของบัญชี (บันทึกไว้ 1 คน)" in confirm
    assert not line_api.calls("POST", r"/v2/bot/message/broadcast$")  # nothing before confirming
    started = post(c, "/console/broadcasts/1/send-now", {"confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "เริ่มส่งประกาศหมายเลข 1" in started
    calls = line_api.wait_for("POST", r"/v2/bot/message/broadcast$")
    assert len(calls) == 1 and calls[0].headers.get("x-line-retry-key")
    for _ in range(100):  # the page shows the outcome once the background send has recorded it
        if 'id="status">ส่งแล้ว<' in c.get("/console/broadcasts/1").get_data(as_text=True):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the announcement was not recorded as sent")
    again = post(c, "/console/broadcasts/1/send-now", {"confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "ส่งไปแล้ว" in again and len(line_api.calls("POST", r"/v2/bot/message/broadcast$")) == 1


def test_repeats_in_words_become_cron_and_cancel_asks_first(console):
    weekly = post(console, "/console/broadcasts/", {"text": "ข่าวประจำสัปดาห์", "repeat": "weekly", "weekday": "1",
                                                    "at_hh": "8", "at_mm": "30", "channel_line": "on"},
                  follow_redirects=True).get_data(as_text=True)
    assert "ส่งซ้ำทุกวันจันทร์ เวลา 08:30 น." in weekly
    from bot.broadcasts import service
    services = console.application.extensions["services"]
    assert service.get(services, 1).cron == "30 8 * * 1"
    post(console, "/console/broadcasts/", {"text": "สรุปประจำเดือน", "repeat": "monthly", "month_day": "5",
                                           "at_hh": "10", "at_mm": "0", "channel_line": "on"})
    assert service.get(services, 2).cron == "0 10 5 * *"
    ask = post(console, "/console/broadcasts/1/cancel").get_data(as_text=True)
    assert "ยืนยันยกเลิกประกาศ" in ask and service.get(services, 1).status == "scheduled"
    post(console, "/console/broadcasts/1/cancel", {"confirmed": "1"})
    assert service.get(services, 1).status == "cancelled"
    assert "ยกเลิกแล้ว" in console.get("/console/broadcasts/1").get_data(as_text=True)


def test_channels_that_are_off_are_not_offered(settings, services):
    from bot.console import people
    from tests.console_helpers import SECRET_KEY

    people.create(services, "admin", "admin", PASSWORD)
    app = create_app(settings.replace(secret_key=SECRET_KEY, facebook_app_secret=""), services)
    client = app.test_client()
    log_in(client)
    page = client.get("/console/broadcasts/").get_data(as_text=True)
    assert 'name="channel_line"' in page and 'name="channel_facebook"' not in page


def test_indicator_scores_are_written_beside_the_target_line_never_on_it():
    import re

    from bot.console.charts import indicator_bars

    rows = [{"number": n, "name": f"ตัวชี้วัด {n}", "score": s, "target": 90, "level": "A", "below_target": s < 90}
            for n, s in ((1, 99.6), (7, 89.54), (8, 87.12), (9, 88.14))]
    svg = indicator_bars(rows)
    lines = [float(x) for x in re.findall(r'<line class="target" x1="([\d.]+)"', svg)]
    labels = [float(x) for x in re.findall(r'<text class="score" x="([\d.]+)"', svg)]
    bar_ends = [float(x) + float(w) for x, w in re.findall(r'<rect class="[^"]+" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]
    assert len(labels) == len(lines) == len(bar_ends) == 4
    assert all(label > line and label > end for label, line, end in zip(labels, lines, bar_ends))
