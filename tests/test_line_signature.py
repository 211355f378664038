"""The LINE signature check is the SDK's, without the SDK: the same verdict as line-bot-sdk's
SignatureValidator on every body, and a plain text webhook served without importing the SDK at all."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from linebot.v3 import SignatureValidator

from bot.channels import line_signature
from tests.test_channel_fixtures import line_signature as sign

BODIES = [b"", b"{}", '{"events":[{"message":{"text":"สวัสดีครับ 😊"}}]}'.encode(), b"x" * 10_000]


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("secret", ["test-line-channel-secret", "ความลับ"])
def test_our_check_agrees_with_the_sdk(body, secret):
    sdk = SignatureValidator(secret)
    good = sign(body, secret)
    others = (good[:-2] + "==", sign(body, secret + "x"), "", "ไม่ใช่", good.lower(), good + " ")
    for signature in (good, *others):
        assert line_signature.valid(secret, body, signature) == sdk.validate(body.decode(), signature), signature
    assert line_signature.valid(secret, body, good)


def test_a_plain_text_webhook_is_answered_without_loading_the_sdk(tmp_path):
    script = textwrap.dedent(f"""
        import json, sys, time
        from pathlib import Path
        from bot.config import Settings
        from bot.storage.migrate import upgrade
        from tests.test_channel_fixtures import line_signature
        url = "sqlite:///{tmp_path}/t.sqlite3"
        upgrade(url)
        from app import create_app
        app = create_app(Settings(database_url=url, content_dir=Path("content"), line_channel_secret="s",
                                  line_channel_access_token="t", line_api_base_url="http://127.0.0.1:9"))
        ev = {{"type": "message", "mode": "active", "timestamp": int(time.time() * 1000), "webhookEventId": "E1",
              "deliveryContext": {{"isRedelivery": False}}, "replyToken": "r1",
              "source": {{"type": "user", "userId": "U" + "a" * 32}},
              "message": {{"type": "text", "id": "1", "text": "สวัสดี", "quoteToken": "q"}}}}
        body = json.dumps({{"destination": "x", "events": [ev]}}).encode()
        client = app.test_client()
        assert client.post("/webhooks/line", data=body, headers={{"X-Line-Signature": "bad"}}).status_code == 400
        ok = client.post("/webhooks/line", data=body, headers={{"X-Line-Signature": line_signature(body, "s")}})
        print(ok.status_code, sorted(m for m in sys.modules if m.startswith("linebot")))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "200 []"
