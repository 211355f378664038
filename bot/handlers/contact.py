"""Answers about how to reach the office: phone, address, website, hours, leaders and work groups."""
from __future__ import annotations

from datetime import datetime, time

from bot.core.conversation import Context
from bot.core.textcut import clip
from bot.core.messages import Card, CardRow, Reply, Text
from bot.thaitime import local as to_local

from .common import quick

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def office(ctx: Context):
    return ctx.services.content.office


def website_url(site: str) -> str:
    return site if site.startswith("http") else f"https://{site}"


def is_open(ctx: Context, now: datetime) -> bool:
    hours = office(ctx).hours
    local = to_local(now)
    opens, closes = (time.fromisoformat(hours.opens), time.fromisoformat(hours.closes))
    return DAYS[local.weekday()] in hours.days and opens <= local.time() < closes


def phone(ctx: Context) -> list[Reply]:
    o = office(ctx)
    return [Text(ctx.say("contact_phone", phone=o.phone, hours=hours_text(ctx)), quick(ctx, "contact_menu"))]


def address(ctx: Context) -> list[Reply]:
    o = office(ctx)
    text = o.address.text_en if ctx.lang == "en" and o.address.text_en else o.address.text
    return [Text(ctx.say("contact_address", name=o.name, address=text, postcode=o.address.postcode),
                 quick(ctx, "contact_menu"))]


def website(ctx: Context) -> list[Reply]:
    o = office(ctx)
    return [Text(ctx.say("contact_website", website=o.website, url=website_url(o.website)),
                 quick(ctx, "contact_menu"))]


def hours_text(ctx: Context) -> str:
    hours = office(ctx).hours
    return hours.text_en if ctx.lang == "en" and hours.text_en else hours.text


def hours(ctx: Context) -> list[Reply]:
    now_open = ctx.say("contact_open_now" if is_open(ctx, ctx.now) else "contact_closed_now")
    return [Text(ctx.say("contact_hours", hours=hours_text(ctx), now=now_open), quick(ctx, "contact_menu"))]


def leaders(ctx: Context) -> list[Reply]:
    lines = [ctx.say("contact_leaders_head")]
    lines += [ctx.say("contact_leader_row", role=(l.role_en if ctx.lang == "en" and l.role_en else l.role),
                      name=l.name) for l in office(ctx).leaders]
    return [Text("\n".join(lines), quick(ctx, "contact_menu"))]


def groups(ctx: Context) -> list[Reply]:
    lines = [ctx.say("contact_groups_head", count=len(office(ctx).groups))]
    lines += [ctx.say("contact_group_row", name=g.name, handles=g.handles) for g in office(ctx).groups]
    lines.append(ctx.say("contact_groups_tail", phone=office(ctx).phone))
    return [Text("\n".join(lines), quick(ctx, "contact_menu"))]


def all_contacts(ctx: Context) -> list[Reply]:
    o = office(ctx)
    rows = (CardRow(ctx.say("label_phone"), o.phone, True),
            CardRow(ctx.say("label_address"), o.address.text),
            CardRow(ctx.say("label_website"), o.website),
            CardRow(ctx.say("label_hours"), hours_text(ctx)))
    alt = ctx.say("contact_all_alt", name=o.short_name, phone=o.phone, address=o.address.text, website=o.website)
    return [Card(title=o.name, subtitle=o.slogan, rows=rows, alt_text=clip(alt, 400, one_line=False),
                 link_label=ctx.say("label_open_website"), link_url=website_url(o.website),
                 quick_replies=quick(ctx, "contact_menu"))]


def channels(ctx: Context) -> list[Reply]:
    """LINE, Facebook, YouTube (and an e-mail once the office gives one), from office.yaml `channels`."""
    o = office(ctx)
    lines = [ctx.say("contact_channels_head")]
    lines += [ctx.say("contact_channel_row", name=c.name,
                      address=c.address or ctx.say("contact_channel_unknown")) for c in o.channels]
    lines.append(ctx.say("label_website") + ": " + website_url(o.website))
    if any(c.sample for c in o.channels):
        lines.append(ctx.say("contact_channels_sample"))
    if not any("@" in c.address and "." in c.address.split("@")[-1] for c in o.channels):
        lines.append(ctx.say("contact_no_email", phone=o.phone, website=o.website))
    return [Text("\n".join(lines), quick(ctx, "contact_menu"))]


def referral(ctx: Context) -> list[Reply]:
    """What the office does not handle (school admission, school lists, exam dates): who does, and whom at
    the office to ask, with the phone, instead of a list of the office's own manuals."""
    o = office(ctx)
    found = o.referrals.get(str(ctx.understood.entities.get("referral", "")))
    if found is None:
        return [Text(ctx.say("contact_referral_general", phone=o.phone), quick(ctx, "contact_menu"))]
    group = next((g.name for g in o.groups if g.id == found.group), "")
    return [Text(ctx.say("contact_referral", topic=found.topic, who=found.who, group=group, phone=o.phone),
                 quick(ctx, "contact_menu"))]


HANDLERS = {
    "contact.social": channels,
    "contact.referral": referral,
    "contact": all_contacts,
    "contact.all": all_contacts,
    "contact.phone": phone,
    "contact.address": address,
    "contact.website": website,
    "contact.hours": hours,
    "contact.leaders": leaders,
    "contact.groups": groups,
}
