"""News: the items in `content/news.yaml` and announcements staff have published through the bot."""
from __future__ import annotations

from bot.broadcasts.service import published_announcements
from bot.content.models import NewsItem
from bot.core.conversation import Context
from bot.core.textcut import clip
from bot.core.messages import Reply, Text

from bot.thaitime import thai_date

from .common import quick

LATEST_COUNT = 3


def all_news(ctx: Context) -> list[NewsItem]:
    entries = [*ctx.services.content.news, *published_announcements(ctx.services)]
    return sorted(entries, key=lambda e: e.date, reverse=True)


def entry_text(ctx: Context, e: NewsItem) -> str:
    body = clip(e.body, 600, one_line=False)
    link = f"\n{e.url}" if e.url else ""
    return ctx.say("news_item", date=thai_date(e.date), title=e.title, body=body) + link


def latest(ctx: Context) -> list[Reply]:
    news = all_news(ctx)[:LATEST_COUNT]
    if not news:
        return [Text(ctx.say("news_none", website=ctx.services.content.office.website), quick(ctx, "menu"))]
    text = "\n\n".join([ctx.say("news_latest_head", count=len(news))] + [entry_text(ctx, e) for e in news])
    return [Text(text, quick(ctx, "news_menu"))]


def matches(entry: NewsItem, topic: str) -> bool:
    topic = topic.strip().lower()
    return bool(topic) and any(topic in field.lower() or field.lower() in topic
                               for field in (entry.title, entry.body, *entry.topics) if field)


def by_topic(ctx: Context) -> list[Reply]:
    topic = str(ctx.understood.entities.get("topic") or "").strip()
    if not topic:
        return latest(ctx)
    found = [e for e in all_news(ctx) if matches(e, topic)]
    if not found:
        return [Text(ctx.say("news_topic_none", topic=topic), quick(ctx, "news_menu"))]
    text = "\n\n".join([ctx.say("news_topic_head", topic=topic, count=len(found))]
                       + [entry_text(ctx, e) for e in found[:LATEST_COUNT]])
    return [Text(text, quick(ctx, "news_menu"))]


HANDLERS = {"news": latest, "news.latest": latest, "news.topic": by_topic}
