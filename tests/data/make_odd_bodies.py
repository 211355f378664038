"""Writes tests/data/odd_bodies.jsonl: odd request bodies for the LINE and Messenger webhooks and /api/chat.

Run once (`python tests/data/make_odd_bodies.py`); the output is checked in and read by
tests/test_odd_input.py, so the corpus is the same on every run. Each line is `{"target": "line" |
"messenger" | "web", "case": a name, "body": the raw body posted}`. Event times are the number NOW
(1111111111111), which the test replaces with the current time in milliseconds; other times are the odd
ones under test. Bodies with a lone surrogate are written with \\u escapes, as a platform's JSON would be.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

OUT = Path(__file__).with_name("odd_bodies.jsonl")
NOW = 1111111111111

SURROGATES = {"high": "\ud800", "low": "a\udfffb", "half-emoji": "ขอ\ud83d", "pair-reversed": "\ude00\ud83d"}
ODD_UNICODE = {
    "bom": "\ufeffสวัสดี", "zero-width": "เบอร์\u200bโทร\u200d", "rtl-override": "\u202eโทร\u202c",
    "combining-flood": "a" + "\u0301" * 3000, "thai-marks-flood": "ก" + "\u0e48\u0e49" * 1000,
    "noncharacters": "\uffff\ufffe\U0010ffff", "private-use": "\ue000\U000f0000", "controls": "\x01\x07\x1b[31m\x7f",
    "line-separators": "a\u2028b\u2029c\r\n\x85", "emoji-zwj": "👩\u200d👩\u200d👧\u200d👦🇹🇭", "fullwidth": "ＣＲ－７Ｋ３Ｍ",
    "nfd": "e\u0301", "long-text": "ร้องเรียน" * 700, "only-spaces": " \t\u3000\u00a0",
}


def dumps(value, escape: bool = True) -> str:
    return json.dumps(value, ensure_ascii=escape, separators=(",", ":"))


# --- LINE ----------------------------------------------------------------------------------------------

def line_text(n: int, **over) -> dict:
    event = {"type": "message", "mode": "active", "timestamp": NOW, "webhookEventId": f"01FZODD{n:019d}",
             "deliveryContext": {"isRedelivery": False}, "replyToken": f"rt{n:030d}",
             "source": {"type": "user", "userId": f"U{n:032x}"},
             "message": {"id": f"{n:018d}", "type": "text", "text": "สวัสดีครับ", "quoteToken": f"q{n}"}}
    event.update(over)
    return event


def line_kinds(n: int) -> dict[str, dict]:
    """One event of each kind the bot handles, as LINE sends them."""
    base = line_text(n)
    plain = {k: base[k] for k in ("mode", "timestamp", "webhookEventId", "deliveryContext", "source")}
    group = {"type": "group", "groupId": f"C{n:032x}", "userId": f"U{n:032x}"}
    return {
        "text": base,
        "group-mention": dict(base, source=group, message={
            "id": f"{n:018d}", "type": "text", "text": "@bot เบอร์โทร", "quoteToken": "q",
            "mention": {"mentionees": [{"index": 0, "length": 4, "type": "user", "userId": "Ubot", "isSelf": True}]}}),
        "room": dict(base, source={"type": "room", "roomId": f"R{n:032x}", "userId": f"U{n:032x}"}),
        "image": dict(base, message={"id": f"{n:018d}", "type": "image", "quoteToken": "q",
                                     "contentProvider": {"type": "line"}}),
        "file": dict(base, message={"id": f"{n:018d}", "type": "file", "fileName": "หลักฐาน.pdf", "fileSize": 2048}),
        "location": dict(base, message={"id": f"{n:018d}", "type": "location", "title": "หน้าสำนักงาน",
                                        "address": "พิจิตร", "latitude": 16.44, "longitude": 100.35}),
        "sticker": dict(base, message={"id": f"{n:018d}", "type": "sticker", "packageId": "1", "stickerId": "2",
                                       "stickerResourceType": "STATIC", "quoteToken": "q"}),
        "postback": dict(plain, type="postback", replyToken=base["replyToken"], postback={"data": "ติดตามเรื่อง"}),
        "follow": dict(plain, type="follow", replyToken=base["replyToken"], follow={"isUnblocked": False}),
        "unfollow": dict(plain, type="unfollow"),
        "join": dict(plain, type="join", replyToken=base["replyToken"], source=group),
        "leave": dict(plain, type="leave", source=group),
    }


LINE_FIELDS = {  # kind -> the paths of its strings
    "text": [("webhookEventId",), ("replyToken",), ("mode",), ("type",), ("source", "type"), ("source", "userId"),
             ("message", "id"), ("message", "type"), ("message", "text"), ("message", "quoteToken")],
    "group-mention": [("source", "groupId"), ("message", "mention", "mentionees", 0, "userId")],
    "room": [("source", "roomId")],
    "file": [("message", "fileName")],
    "location": [("message", "title"), ("message", "address")],
    "sticker": [("message", "packageId"), ("message", "stickerId")],
    "postback": [("postback", "data"), ("source", "userId"), ("webhookEventId",)],
    "follow": [("source", "userId"), ("replyToken",)],
    "unfollow": [("source", "userId")],
    "join": [("source", "groupId")],
}
LINE_IDS = [("webhookEventId",), ("replyToken",), ("source", "userId"), ("message", "id")]


def put(event: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(event)
    where = out
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    return out


def drop(event: dict, path: tuple) -> dict:
    out = copy.deepcopy(event)
    where = out
    for key in path[:-1]:
        where = where[key]
    del where[path[-1]]
    return out


def nested(raw: str, depth: int) -> str:
    """`raw` with its "DEEP" string replaced by lists nested `depth` deep (json.dumps cannot write those)."""
    return raw.replace('"DEEP"', "[" * depth + '"x"' + "]" * depth, 1)


def line_cases():
    n = iter(range(1, 100_000))
    kinds = lambda: line_kinds(next(n))  # noqa: E731 - every case gets ids of its own

    def body(*events, escape: bool = True) -> str:
        return dumps({"destination": "Ubot0000000000000000000000000000", "events": list(events)}, escape)

    for kind, paths in LINE_FIELDS.items():
        for path in paths:
            name = ".".join(map(str, path))
            for label, value in SURROGATES.items():
                yield f"{kind}:{name}:surrogate-{label}", body(put(kinds()[kind], path, value))
            yield f"{kind}:{name}:nul", body(put(kinds()[kind], path, "a\x00b"))
            yield f"{kind}:{name}:empty", body(put(kinds()[kind], path, ""))
    for path in LINE_IDS + [("source", "groupId")]:
        kind = "group-mention" if path == ("source", "groupId") else "text"
        for size in (129, 1000, 5000):
            yield f"{kind}:{'.'.join(path)}:{size}-chars", body(put(kinds()[kind], path, "U" * size))
    wrong = {"int": 7, "huge-int": 10 ** 40, "float": 1.5, "bool": True, "null": None, "list": ["x"], "object": {"a": 1}}
    for path in [("type",), ("mode",), ("timestamp",), ("webhookEventId",), ("replyToken",), ("source",),
                 ("source", "userId"), ("message",), ("message", "text"), ("message", "id"), ("deliveryContext",)]:
        for label, value in wrong.items():
            yield f"text:{'.'.join(path)}:wrong-type-{label}", body(put(kinds()["text"], path, value))
    for kind, path in [("postback", ("postback",)), ("postback", ("postback", "data")), ("follow", ("follow",)),
                       ("file", ("message", "fileSize")), ("location", ("message", "latitude")),
                       ("group-mention", ("message", "mention")), ("join", ("source", "type"))]:
        for label in ("int", "list", "null", "object"):
            yield f"{kind}:{'.'.join(path)}:wrong-type-{label}", body(put(kinds()[kind], path, wrong[label]))
    for path in [("type",), ("mode",), ("timestamp",), ("webhookEventId",), ("replyToken",), ("source",),
                 ("source", "type"), ("source", "userId"), ("message",), ("message", "text"), ("message", "type"),
                 ("deliveryContext",)]:
        yield f"text:missing-{'.'.join(path)}", body(drop(kinds()["text"], path))
    for kind, path in [("postback", ("postback",)), ("join", ("source", "groupId")), ("follow", ("source",))]:
        yield f"{kind}:missing-{'.'.join(path)}", body(drop(kinds()[kind], path))
    for kind in ("follow", "unfollow", "postback", "text", "join"):
        yield f"{kind}:group-source-without-user", body(put(kinds()[kind], ("source",), {"type": "group", "groupId": "Cg"}))
        yield f"{kind}:room-source-without-room", body(put(kinds()[kind], ("source",), {"type": "room", "userId": "U1"}))
        yield f"{kind}:user-source-without-user", body(put(kinds()[kind], ("source",), {"type": "user"}))
    for t in ("things", "unsend", "videoPlayComplete", "membership", "botSuspended", "beacon", "accountLink",
              "memberJoined", "", "MESSAGE", "message ", "ข้อความ"):
        yield f"unknown-type:{t or 'empty'}", body(put(kinds()["text"], ("type",), t), escape=False)
    for label, stamp in {"zero": 0, "negative": -1, "seconds": NOW // 1000, "far-future": 4102444800000,
                         "huge": 10 ** 30, "max-float": 1.7e308, "fraction": NOW + 0.5, "string": str(NOW),
                         "year-9999": 253402300799999}.items():
        yield f"text:timestamp-{label}", body(put(kinds()["text"], ("timestamp",), stamp))
    for kind, path, value in [("file", ("message", "fileSize"), 10 ** 30), ("file", ("message", "fileSize"), -1),
                              ("location", ("message", "latitude"), 1e308), ("location", ("message", "longitude"), -1e308),
                              ("location", ("message", "latitude"), 91.0), ("text", ("message", "id"), 10 ** 30)]:
        yield f"{kind}:{'.'.join(path)}:number-{value}", body(put(kinds()[kind], path, value))
    for label, text in ODD_UNICODE.items():
        yield f"text:unicode-{label}", body(put(kinds()["text"], ("message", "text"), text), escape=False)
    yield "text:unicode-user-id", body(put(kinds()["text"], ("source", "userId"), "Uผู้ใช้👩\u200d👧"), escape=False)
    for depth in (40, 900, 3000):
        yield f"text:deep-message-{depth}", nested(body(put(kinds()["text"], ("message", "extra"), "DEEP")), depth)
    yield "body:deep-5000", "[" * 5000 + "]" * 5000
    yield "body:deep-events-3000", '{"destination":"U","events":[' + "[" * 3000 + "]" * 3000 + "]}"
    yield "text:surrogate-in-a-key", body(put(kinds()["text"], ("message", "\ud800"), "x"))
    yield "text:nul-in-a-key", body(put(kinds()["text"], ("source", "a\x00"), "x"))
    for label, events in {"number": 5, "string": "events", "object": {}, "null": None}.items():
        yield f"body:events-{label}", dumps({"destination": "U", "events": events})
    for label, event in {"number": 1, "string": "x", "list": [1], "null": None, "empty": {}}.items():
        yield f"body:event-{label}", body(event, kinds()["text"])
    yield "body:array", "[]"
    yield "body:string", '"events"'
    yield "body:nan", body(put(kinds()["text"], ("timestamp",), float("nan")))
    yield "body:infinity", body(put(kinds()["location"], ("message", "latitude"), float("inf")))
    yield "body:duplicate-keys", body(kinds()["text"])[:-1] + ',"events":[]}'
    same = kinds()["text"]
    yield "body:same-event-twice", body(same, same)
    yield "body:bad-event-between-good", body(kinds()["text"], put(kinds()["text"], ("source", "userId"), "\ud800"),
                                              kinds()["follow"])
    yield "body:many-bad-events", body(*[put(kinds()["text"], ("message", "text"), "\x00")] * 50)


# --- Messenger -----------------------------------------------------------------------------------------

def fb_item(n: int, **over) -> dict:
    item = {"sender": {"id": f"{7_000_000 + n}"}, "recipient": {"id": "PAGE1"}, "timestamp": NOW,
            "message": {"mid": f"m_odd{n:020d}", "text": "สวัสดีครับ"}}
    item.update(over)
    return item


def fb_kinds(n: int) -> dict[str, dict]:
    base = fb_item(n)
    return {
        "text": base,
        "quick-reply": put(base, ("message", "quick_reply"), {"payload": "ติดตามเรื่อง"}),
        "postback": fb_item(n, message=None) | {"postback": {"mid": f"m_pb{n:020d}", "title": "เมนู",
                                                             "payload": "เมนูหลัก"}},
        "image": put(base, ("message", "attachments"), [{"type": "image", "payload": {"url": "https://fbcdn.net/x.jpg"}}]),
        "file": put(base, ("message", "attachments"), [{"type": "file", "payload": {"url": "https://fbcdn.net/x.pdf",
                                                                                    "title": "หลักฐาน.pdf"}}]),
        "location": put(base, ("message", "attachments"), [{"type": "location", "title": "หน้าสำนักงาน",
                                                            "payload": {"coordinates": {"lat": 16.4, "long": 100.3}}}]),
    }


FB_FIELDS = {
    "text": [("sender", "id"), ("recipient", "id"), ("message", "mid"), ("message", "text")],
    "quick-reply": [("message", "quick_reply", "payload")],
    "postback": [("postback", "mid"), ("postback", "title"), ("postback", "payload")],
    "image": [("message", "attachments", 0, "payload", "url"), ("message", "attachments", 0, "type")],
    "file": [("message", "attachments", 0, "payload", "title")],
    "location": [("message", "attachments", 0, "title")],
}


def messenger_cases():
    n = iter(range(1, 100_000))
    kinds = lambda: fb_kinds(next(n))  # noqa: E731

    def body(*items, escape: bool = True) -> str:
        return dumps({"object": "page", "entry": [{"id": "PAGE1", "time": NOW, "messaging": list(items)}]}, escape)

    for kind, paths in FB_FIELDS.items():
        for path in paths:
            name = ".".join(map(str, path))
            for label, value in SURROGATES.items():
                yield f"{kind}:{name}:surrogate-{label}", body(put(kinds()[kind], path, value))
            yield f"{kind}:{name}:nul", body(put(kinds()[kind], path, "a\x00b"))
            yield f"{kind}:{name}:empty", body(put(kinds()[kind], path, ""))
    for path in [("sender", "id"), ("recipient", "id"), ("message", "mid")]:
        for size in (129, 1000, 5000):
            yield f"text:{'.'.join(path)}:{size}-chars", body(put(kinds()["text"], path, "9" * size))
    yield "postback:postback.mid:5000-chars", body(put(kinds()["postback"], ("postback", "mid"), "m" * 5000))
    wrong = {"int": 7, "huge-int": 10 ** 200, "float": 1.5, "bool": True, "null": None, "list": ["x"], "object": {"a": 1}}
    for path in [("sender",), ("sender", "id"), ("recipient",), ("timestamp",), ("message",), ("message", "mid"),
                 ("message", "text"), ("message", "attachments"), ("message", "quick_reply"), ("message", "is_echo")]:
        for label, value in wrong.items():
            yield f"text:{'.'.join(path)}:wrong-type-{label}", body(put(kinds()["text"], path, value))
    for kind, path in [("postback", ("postback",)), ("postback", ("postback", "payload")),
                       ("location", ("message", "attachments", 0, "payload", "coordinates")),
                       ("location", ("message", "attachments", 0, "payload", "coordinates", "lat")),
                       ("image", ("message", "attachments", 0)), ("image", ("message", "attachments", 0, "payload"))]:
        for label in ("int", "list", "null", "object", "huge-int"):
            yield f"{kind}:{'.'.join(map(str, path))}:wrong-type-{label}", body(put(kinds()[kind], path, wrong[label]))
    for path in [("sender",), ("sender", "id"), ("recipient",), ("timestamp",), ("message",), ("message", "mid"),
                 ("message", "text")]:
        yield f"text:missing-{'.'.join(path)}", body(drop(kinds()["text"], path))
    for label, item in {"read": {"read": {"watermark": NOW}}, "delivery": {"delivery": {"mids": ["m"], "watermark": 1}},
                        "reaction": {"reaction": {"reaction": "love", "emoji": "❤", "action": "react", "mid": "m"}},
                        "optin": {"optin": {"ref": "x"}}, "referral": {"referral": {"ref": "x", "source": "SHORTLINK"}},
                        "unknown": {"something_new": {"x": 1}},
                        "echo": {"message": {"mid": "m_echo", "text": "x", "is_echo": True}}}.items():
        yield f"item:{label}", body(drop(kinds()["text"], ("message",)) | item, escape=False)
    for label, stamp in {"zero": 0, "negative": -1, "huge": 10 ** 30, "string": "yesterday", "float": 1.5e12}.items():
        yield f"text:timestamp-{label}", body(put(kinds()["text"], ("timestamp",), stamp))
    yield "location:coordinates-huge", body(put(kinds()["location"], ("message", "attachments", 0, "payload",
                                                                       "coordinates"), {"lat": 1e308, "long": -1e308}))
    yield "location:coordinates-strings", body(put(kinds()["location"], ("message", "attachments", 0, "payload",
                                                                          "coordinates"), {"lat": "16.4", "long": "x"}))
    yield "image:many-attachments", body(put(kinds()["image"], ("message", "attachments"),
                                             [{"type": "image", "payload": {"url": "https://fbcdn.net/x.jpg"}}] * 500))
    for label, text in ODD_UNICODE.items():
        yield f"text:unicode-{label}", body(put(kinds()["text"], ("message", "text"), text), escape=False)
    yield "text:sender-id-thai", body(put(kinds()["text"], ("sender", "id"), "ผู้ส่ง"), escape=False)
    for depth in (40, 900, 3000):
        yield f"text:deep-message-{depth}", nested(body(put(kinds()["text"], ("message", "extra"), "DEEP")), depth)
    yield "body:deep-3000", '{"object":"page","entry":' + "[" * 3000 + "]" * 3000 + "}"
    yield "text:surrogate-in-a-key", body(put(kinds()["text"], ("message", "\udc00"), 1))
    for label, payload in {"object-not-page": {"object": "user", "entry": []}, "entry-number": {"object": "page", "entry": 5},
                           "entry-items-odd": {"object": "page", "entry": [1, "x", None, []]},
                           "messaging-object": {"object": "page", "entry": [{"id": "PAGE1", "messaging": {}}]},
                           "messaging-odd-items": {"object": "page", "entry": [{"id": "PAGE1", "messaging": [1, "x", None]}]},
                           "array": [], "number": 5, "empty-object": {}}.items():
        yield f"body:{label}", dumps(payload)
    yield "body:nan", body(put(kinds()["text"], ("timestamp",), float("nan")))
    yield "body:bad-item-between-good", body(kinds()["text"], put(kinds()["text"], ("sender", "id"), "\ud800"),
                                             kinds()["postback"])
    yield "body:many-bad-items", body(*[put(kinds()["text"], ("message", "text"), "\x00")] * 50)


# --- /api/chat -----------------------------------------------------------------------------------------

def web_cases():
    for label, value in SURROGATES.items():
        yield f"text:surrogate-{label}", dumps({"text": value})
    yield "text:nul", dumps({"text": "a\x00b"})
    yield "text:only-nul", dumps({"text": "\x00"})
    for label, text in ODD_UNICODE.items():
        yield f"text:unicode-{label}", dumps({"text": text[:1900]}, escape=False)
    yield "text:too-long", dumps({"text": "ก" * 2001}, escape=False)
    yield "text:huge", dumps({"text": "a" * 3000})
    for label, value in {"int": 7, "huge-int": 10 ** 100, "float": 1.5, "bool": True, "null": None, "list": ["x"],
                         "object": {"text": "x"}, "empty": ""}.items():
        yield f"text:wrong-type-{label}", dumps({"text": value})
    yield "missing-text", dumps({"message": "สวัสดี"}, escape=False)
    yield "user-id", dumps({"text": "x", "user_id": "web-someone"})
    yield "user-id-surrogate", dumps({"text": "x", "user_id": "\ud800"})
    yield "extra-field-surrogate", dumps({"text": "เบอร์โทร", "extra": "\ud800"}, escape=True)
    yield "extra-field-deep", nested(dumps({"text": "เบอร์โทร", "extra": "DEEP"}), 100)
    for depth in (40, 900, 3000):
        yield f"deep-{depth}", '{"text":' + "[" * depth + "]" * depth + "}"
    yield "nan", '{"text": NaN}'
    yield "infinity", '{"text": "x", "n": -Infinity}'
    yield "huge-number", '{"text": "x", "n": 1' + "0" * 5000 + "}"
    for label, raw in {"array": "[]", "string": '"text"', "number": "5", "null": "null", "truncated": '{"text": "ab',
                       "trailing-comma": '{"text": "x",}', "single-quotes": "{'text': 'x'}", "empty": "",
                       "bom": "\ufeff{\"text\": \"x\"}", "two-objects": '{"text":"a"}{"text":"b"}'}.items():
        yield f"body:{label}", raw
    yield "body:text-key-surrogate", '{"te\\ud800xt": "x"}'


def main() -> None:
    lines = [{"target": target, "case": case, "body": raw}
             for target, cases in (("line", line_cases()), ("messenger", messenger_cases()), ("web", web_cases()))
             for case, raw in cases]
    names = [(x["target"], x["case"]) for x in lines]
    assert len(names) == len(set(names)), "case names must be unique"
    OUT.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="ascii")  # no raw U+2028 to split a line
    counts = {t: sum(1 for x in lines if x["target"] == t) for t in ("line", "messenger", "web")}
    print(f"{OUT}: {counts}")


if __name__ == "__main__":
    main()
