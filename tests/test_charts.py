"""Chart pictures of the ITA results: drawn from scoring/, served at stable URLs, sent beside the ITA
card as an image on LINE, Messenger and the web chat, with the figures in the alt text."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.charts import chart, draw
from scoring import year_result
from scoring.summary import fmt
from tests.test_channel_facebook import SEND, delivery, message, post_fb
from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)
from tests.test_channel_line import REPLY, body, post_line, text_event

BASE = "https://bot.example.go.th"


@pytest.fixture
def settings(settings):
    return settings.replace(public_base_url=BASE)


@pytest.mark.parametrize("name, size", [("trend", draw.TREND_SIZE), ("indicators-2564", draw.INDICATORS_SIZE)])
def test_each_chart_is_a_png_of_its_size_at_a_stable_url(client, name, size):
    resp = client.get(f"/charts/{name}.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png" and "max-age" in resp.headers["Cache-Control"]
    picture = Image.open(io.BytesIO(resp.data))
    assert picture.format == "PNG" and picture.size == size
    assert len(picture.convert("RGB").getcolors(maxcolors=1 << 20)) > 20  # bars, lines and text, not a blank canvas
    assert client.get(f"/charts/{name}.png").data == resp.data


def test_charts_that_do_not_exist_are_404(client):
    for name in ("indicators-2560", "indicators-2599", "trend2", "..%2Fapp"):  # 2560 has no indicator scores
        assert client.get(f"/charts/{name}.png").status_code == 404


def test_the_alt_text_carries_the_figures_and_the_chart_is_drawn_once(content):
    trend = chart(content, "trend")
    assert chart(content, "trend") is trend  # cached
    for year in sorted(content.ita.years):
        assert fmt(year_result(content.ita, year).total) in trend.alt_text
    assert "90" in trend.alt_text and "85" in trend.alt_text
    indicators = chart(content, "indicators-2564")
    for i in year_result(content.ita, 2564).indicators:
        assert f"{i.number}. {i.name} {fmt(i.score)}" in indicators.alt_text


def test_without_a_thai_font_the_chart_is_still_drawn(monkeypatch):
    from bot import fonts

    monkeypatch.setattr(fonts, "THAI_FONT_DIRS", [])
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)
    png = draw.trend("ITA", [draw.Bar("2564", 93.23, "A")], draw.Lines(90, "target 90", 85, "pass 85"))
    assert Image.open(io.BytesIO(png)).size == draw.TREND_SIZE


def test_line_gets_the_chart_image_beside_the_ita_card(client, line_api, content):
    post_line(client, body(text_event("ITA ปี 2564 ได้กี่คะแนน")))
    messages = line_api.calls("POST", REPLY)[0].json["messages"]
    assert [m["type"] for m in messages] == ["flex", "image"]
    image = messages[1]
    assert image["originalContentUrl"] == image["previewImageUrl"] == f"{BASE}/charts/trend.png"
    assert image["quickReply"]["items"]  # the buttons ride on the last message
    assert fmt(year_result(content.ita, 2564).total) in messages[0]["altText"]


def test_messenger_gets_the_chart_image_with_its_figures(client, facebook_api, content):
    post_fb(client, delivery(message("ITA ปี 2564 ได้กี่คะแนน")))
    sent = [c.json["message"] for c in facebook_api.calls("POST", SEND)]
    images = [m for m in sent if m.get("attachment", {}).get("type") == "image"]
    assert [m["attachment"]["payload"]["url"] for m in images] == [f"{BASE}/charts/trend.png"]
    earlier = f"2563 ได้ {fmt(year_result(content.ita, 2563).total)}"  # the office's: 83.82
    assert any(earlier in m.get("text", "") for m in sent)  # the alt text follows the picture


def test_the_web_chat_gets_the_chart_by_its_path_with_alt_text(client, content):
    replies = client.post("/api/chat", json={"text": "ตัวชี้วัดปี 2564 ได้คะแนนเท่าไหร่บ้าง"}).get_json()["replies"]
    image = next(r for r in replies if r["type"] == "image")
    first = fmt(year_result(content.ita, 2564).indicator(1).score)  # the office's: 99.60
    assert image["url"] == "/charts/indicators-2564.png" and first in image["alt_text"]
    assert client.get(image["url"]).status_code == 200
