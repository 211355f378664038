"""LINE's send calls are built as JSON by the bot itself (line_render.py, line_api.py), not by
line-bot-sdk's models: the bytes posted must be exactly those the SDK would have posted for the same
messages. The reference below builds the SDK's models the way the bot did before (the reply renderer as it
was), and serialises them as the SDK's ApiClient does (`sanitize_for_serialization`, then `json.dumps`)."""
from __future__ import annotations

import json

import pytest
from linebot.v3.messaging import (ApiClient, BroadcastRequest, Configuration, FlexBox, FlexBubble, FlexButton,
                                  FlexImage, FlexMessage, FlexSeparator, FlexText, ImageMessage, MessageAction,
                                  MulticastRequest, PushMessageRequest, QuickReply as SdkQuickReply,
                                  QuickReplyItem, ReplyMessageRequest, TextMessage, URIAction)

from bot.broadcasts.render import Sender, line_messages
from bot.broadcasts.validate import Draft
from bot.channels import registry
from bot.channels.line_render import ACCENT, MUTED, card_alt_text
from bot.channels.text_split import clip, split_text
from bot.core.messages import Card, CardRow, Image, QuickReply, Text, display_text
from tests.test_channel_fixtures import line_api  # noqa: F401 (fixture)

OFFICE = Sender("ประกาศจาก สพม.ทดสอบ", "อ่านรายละเอียด")
KEY = "123e4567-e89b-12d3-a456-426614174000"
QUICK = (QuickReply("ติดตามเรื่อง", "ติดตามเรื่อง C-2407-AB12"), QuickReply("ขอหนังสือรับรองเงินเดือนครู", "x"))
CARD = Card(title="ผล ITA ปี 2564", alt_text="ITA ปี 2564 ได้ 93.23 คะแนน (ระดับ A)", subtitle="ระดับ A",
            rows=(CardRow("คะแนนรวม", "93.23", emphasis=True), CardRow("ระดับ", "A"), CardRow("", "หมายเหตุ")),
            footer="ที่มา: ITAS", link_label="ดูรายละเอียด", link_url="https://itas.nacc.go.th/", quick_replies=QUICK)
REPLIES = [
    [Text("สวัสดีครับ", QUICK)],
    [Text("ก" * 4000 + " " + "ข" * 3000)],  # split in two; quick replies ride on the last piece
    [CARD, Card(title="ว่าง", alt_text="")],
    [Image("https://bot.example/charts/ita.png", preview_url="https://bot.example/charts/ita-s.png",
           quick_replies=QUICK[:1]), Image("http://insecure/x.png", alt_text="กราฟ")],
    [Text(f"ข้อความ {i}") for i in range(7)],  # two batches
]


def sdk_quick_reply(reply) -> SdkQuickReply | None:
    items = [QuickReplyItem(action=MessageAction(label=clip(q.label, 20), text=q.text[:300]))
             for q in reply.quick_replies[:13]]
    return SdkQuickReply(items=items) if items else None


def sdk_bubble(card: Card) -> FlexBubble:
    header = [FlexText(text=card.title, weight="bold", size="lg", wrap=True, color=ACCENT)]
    if card.subtitle:
        header.append(FlexText(text=card.subtitle, size="sm", color=MUTED, wrap=True))
    rows = []
    for row in card.rows:
        value = FlexText(text=row.value or "-", size="sm", wrap=True, align="end", flex=2,
                         weight="bold" if row.emphasis else "regular", color="#111827")
        rows.append(FlexBox(layout="horizontal", spacing="md", contents=[
            FlexText(text=row.label, size="sm", color=MUTED, wrap=True, flex=3), value])
            if row.label else FlexText(text=row.value, size="sm", wrap=True))
    footer = [FlexText(text=card.footer, size="xs", color=MUTED, wrap=True)] if card.footer else []
    if card.link_url:
        footer.append(FlexButton(action=URIAction(label=clip(card.link_label, 20), uri=card.link_url),
                                 style="primary", height="sm", color=ACCENT, margin="md"))
    return FlexBubble(header=FlexBox(layout="vertical", spacing="xs", contents=header),
                      body=FlexBox(layout="vertical", spacing="sm", contents=[
                          FlexSeparator(), *(rows or [FlexText(text=card.alt_text or card.title, size="sm",
                                                               wrap=True)])]),
                      footer=FlexBox(layout="vertical", spacing="sm", contents=footer) if footer else None)


def sdk_messages(replies) -> list:
    messages = []
    for reply in replies:
        if isinstance(reply, Card):
            out = [FlexMessage(alt_text=card_alt_text(reply), contents=sdk_bubble(reply))]
        elif isinstance(reply, Image) and reply.url.startswith("https://"):
            out = [ImageMessage(original_content_url=reply.url, preview_image_url=reply.preview_url or reply.url)]
        else:
            out = [TextMessage(text=chunk) for chunk in split_text(display_text(reply), 5000)]
        out[-1].quick_reply = sdk_quick_reply(reply)
        messages += out
    return [messages[i:i + 5] for i in range(0, len(messages), 5)]


def sdk_bytes(request) -> bytes:
    """What line-bot-sdk posts for `request` (rest.py: `json.dumps(sanitize_for_serialization(body))`)."""
    return json.dumps(ApiClient(Configuration(access_token="t")).sanitize_for_serialization(request)).encode()


@pytest.mark.parametrize("replies", REPLIES, ids=["quick", "long", "cards", "images", "seven"])
def test_a_push_posts_the_bytes_the_sdk_would(services, line_api, replies):
    registry.get(services, "line").send("U42", replies, KEY)
    calls = line_api.calls("POST", r"^/v2/bot/message/push$")
    expected = sdk_messages(replies)
    assert len(calls) == len(expected)
    for call, batch in zip(calls, expected):
        assert call.body == sdk_bytes(PushMessageRequest(to="U42", messages=batch))


def test_a_reply_posts_the_bytes_the_sdk_would(services, line_api):
    registry.get(services, "line").send_rendered("U42", registry.get(services, "line").render([CARD]), KEY,
                                                 reply_token="rtoken")
    (call,) = line_api.calls("POST", r"^/v2/bot/message/reply$")
    assert call.body == sdk_bytes(ReplyMessageRequest(reply_token="rtoken", messages=sdk_messages([CARD])[0]))
    assert not line_api.calls("POST", r"^/v2/bot/message/push$")


def sdk_announcement(a: Draft) -> FlexMessage:
    body = [FlexText(text=OFFICE.label, size="xs", color=ACCENT, weight="bold")]
    if a.title:
        body.append(FlexText(text=a.title, weight="bold", size="lg", wrap=True))
    body.append(FlexText(text=a.text, size="sm", wrap=True, color="#333333"))
    read_more = URIAction(label=OFFICE.read_more, uri=a.link_url) if a.link_url else None
    hero = (FlexImage(url=a.image_url, size="full", aspect_ratio="20:13", aspect_mode="cover", action=read_more)
            if a.image_url else None)
    footer = (FlexBox(layout="vertical", contents=[FlexButton(style="primary", color=ACCENT, action=read_more)])
              if a.link_url else None)
    alt = clip("\n".join(p for p in (a.title, a.text) if p), 400, one_line=False)
    return FlexMessage(alt_text=alt, contents=FlexBubble(hero=hero, body=FlexBox(layout="vertical", spacing="md",
                                                                                  contents=body), footer=footer))


@pytest.mark.parametrize("draft", [
    Draft(text="ขอเชิญร่วมกิจกรรมจิตอาสา วันที่ 5 ธันวาคม", title="กิจกรรมจิตอาสา",
          image_url="https://office.example/news.jpg", link_url="https://office.example/news/1"),
    Draft(text="ประชุมพรุ่งนี้ 9 โมง"),
], ids=["picture-and-link", "text-only"])
def test_announcements_post_the_bytes_the_sdk_would(services, line_api, draft):
    line = registry.get(services, "line")
    line.send_announcement("broadcast", [], line_messages(draft, OFFICE), KEY)
    line.send_announcement("multicast", ["U1", "U2"], line_messages(draft, OFFICE), KEY)
    (broadcast,) = line_api.calls("POST", r"^/v2/bot/message/broadcast$")
    (multicast,) = line_api.calls("POST", r"^/v2/bot/message/multicast$")
    assert broadcast.body == sdk_bytes(BroadcastRequest(messages=[sdk_announcement(draft)]))
    assert multicast.body == sdk_bytes(MulticastRequest(to=["U1", "U2"], messages=[sdk_announcement(draft)]))
    assert broadcast.headers["x-line-retry-key"] == KEY
