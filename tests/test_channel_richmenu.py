"""The LINE rich menu (definition, committed picture, install command against the fake API) and media
download."""
from __future__ import annotations

import io

from PIL import Image

from bot.channels.media import MediaTooLarge, fetch
from bot.channels.richmenu import load_rich_menu
from bot.cli import main
from bot.core.messages import Media
from tests.conftest import CONTENT
from tests.test_channel_fixtures import facebook_api, line_api  # noqa: F401 (fixtures)

TOPICS = ["ผล ITA", "ติดต่อ", "คู่มือบริการ", "ข่าวล่าสุด", "ร้องเรียน/แจ้งทุจริต", "ติดตามเรื่อง"]


def test_definition_has_six_message_areas_covering_the_image():
    menu = load_rich_menu(CONTENT)
    request = menu.request().to_dict()
    assert request["size"] == {"width": 2500, "height": 1686}
    assert [a["action"]["label"] for a in request["areas"]] == TOPICS
    assert all(a["action"]["type"] == "message" and a["action"]["text"] for a in request["areas"])
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in request["areas"]) == 2500 * 1686
    assert max(a["bounds"]["x"] + a["bounds"]["width"] for a in request["areas"]) == 2500


def test_committed_picture_matches_the_menu_size():
    menu = load_rich_menu(CONTENT)
    with Image.open(menu.image_path) as image:
        assert image.format == "PNG" and image.size == (2500, 1686)
    assert menu.image_path.stat().st_size < 1024 * 1024  # LINE accepts at most 1 MB


def test_install_command_creates_uploads_and_sets_default(line_api, monkeypatch, capsys):
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "test-line-access-token")
    monkeypatch.setenv("LINE_API_BASE_URL", line_api.url)
    monkeypatch.setenv("LINE_DATA_API_BASE_URL", line_api.url)
    monkeypatch.setenv("CONTENT_DIR", str(CONTENT))
    assert main(["line", "richmenu", "install"]) == 0
    assert "richmenu-fake-1" in capsys.readouterr().out
    create, upload, default = line_api.requests
    assert (create.method, create.path) == ("POST", "/v2/bot/richmenu")
    assert len(create.json["areas"]) == 6 and create.json["chatBarText"] == "เมนู"
    assert (upload.method, upload.path) == ("POST", "/v2/bot/richmenu/richmenu-fake-1/content")
    assert upload.headers["content-type"] == "image/png"
    assert upload.body == (CONTENT / "line" / "richmenu.png").read_bytes()
    assert (default.method, default.path) == ("POST", "/v2/bot/user/all/richmenu/richmenu-fake-1")
    assert all(r.headers["authorization"] == "Bearer test-line-access-token" for r in line_api.requests)


def test_install_command_reports_a_refusal(line_api, monkeypatch, capsys):
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "bad-token")
    monkeypatch.setenv("LINE_API_BASE_URL", line_api.url)
    monkeypatch.setenv("CONTENT_DIR", str(CONTENT))  # the real office's menu (the test office has none)
    line_api.fail("POST", r"^/v2/bot/richmenu$", status=401)
    assert main(["line", "richmenu", "install"]) == 1
    assert "401" in capsys.readouterr().err


def test_picture_can_be_redrawn(tmp_path):
    from bot.channels.richmenu_image import main as draw

    out = tmp_path / "menu.png"
    assert draw(["--content", str(CONTENT), "--out", str(out)]) == 0
    with Image.open(io.BytesIO(out.read_bytes())) as image:
        assert image.size == (2500, 1686)


def test_line_media_is_downloaded_from_the_data_api(services, line_api):
    data, mime = fetch(services, "line", Media("image", "468789577898262530"), limit=1024)
    assert data.startswith(b"\xff\xd8") and mime == "image/jpeg"
    (call,) = line_api.calls("GET", r"/v2/bot/message/468789577898262530/content$")
    assert call.headers["authorization"] == "Bearer test-line-access-token"


def test_media_over_the_limit_is_refused(services, line_api):
    try:
        fetch(services, "line", Media("image", "468789577898262531"), limit=4)
    except MediaTooLarge:
        pass
    else:
        raise AssertionError("a file over the limit must be refused")
