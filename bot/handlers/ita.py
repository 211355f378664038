"""Answers about the office's ITA results. Every figure comes from `scoring`; templates only place them."""
from __future__ import annotations

import dataclasses

from decimal import Decimal, InvalidOperation

from bot.core.conversation import Context
from bot.core.textcut import clip
from bot.core.messages import Card, CardRow, Reply, Text
from bot.charts import chart_image
from scoring import Plan, YearResult, grade, plan_to_level, structured, year_result
from scoring.summary import english, short_th

from .common import fmt, quick

DIRECTION_KEY = {"up": "ita_up", "down": "ita_down", "same": "ita_same"}


def data(ctx: Context):
    return ctx.services.content.ita


def wanted_year(ctx: Context, detailed: bool = False) -> int | None:
    """The year asked about: explicit, relative ("ปีที่แล้ว"), or the latest year with results."""
    ita = data(ctx)
    entities = ctx.understood.entities
    years = sorted(y for y, f in ita.years.items() if f.indicators or not detailed)
    latest = years[-1] if years else ita.latest_year
    if "year" in entities:
        return int(entities["year"])
    if "relative_year" in entities:
        return latest + int(entities["relative_year"])
    return latest


def no_year(ctx: Context, year: int, detailed: bool = False) -> list[Reply]:
    ita = data(ctx)
    have = sorted(y for y, f in ita.years.items() if f.indicators or not detailed)
    key = "ita_no_detail" if detailed and year in ita.years else "ita_no_year"
    return [Text(ctx.say(key, year=year, first=have[0], last=have[-1],
                         years=", ".join(map(str, have))), quick(ctx, "ita_menu"))]


def result_for(ctx: Context, detailed: bool = False) -> YearResult | list[Reply]:
    year = wanted_year(ctx, detailed)
    ita = data(ctx)
    if year not in ita.years or (detailed and not ita.years[year].indicators):
        return no_year(ctx, year, detailed)
    return year_result(ita, year)


def change_text(ctx: Context, r: YearResult) -> str:
    p = r.previous
    if p is None:
        return ctx.say("ita_first_year")
    return ctx.say(DIRECTION_KEY[p.direction], diff=fmt(abs(p.difference)), year=p.year, total=fmt(p.total))


def pass_text(ctx: Context, r: YearResult) -> str:
    g = r.grade
    if g.passed is None:
        return ctx.say("ita_no_pass_mark")
    return ctx.say("ita_passed" if g.passed else "ita_not_passed", mark=fmt(g.pass_mark))


def score_card(ctx: Context, r: YearResult) -> Card:
    office = ctx.services.content.office.short_name
    rows = [CardRow(ctx.say("label_total"), fmt(r.total), True),
            CardRow(ctx.say("label_level"), f"{r.grade.level} ({r.grade.label_en})", True),
            CardRow(ctx.say("label_pass"), pass_text(ctx, r)),
            CardRow(ctx.say("label_change"), change_text(ctx, r))]
    for t in r.tools.values():
        rows.append(CardRow(f"{t.tool} ({ctx.say('label_weight')} {t.weight}%)", fmt(t.score)))
    if r.national:
        rows.append(CardRow(ctx.say("label_national", offices=r.national.offices), fmt(r.national.score)))
    alt = english(r, office) if ctx.lang == "en" else short_th(r, office)
    return Card(title=ctx.say("ita_card_title", year=r.year), subtitle=office, rows=tuple(rows),
                footer=r.note if ctx.lang != "en" else r.note_en, alt_text=clip(alt, 400, one_line=False),
                quick_replies=quick(ctx, "ita_menu"), data=structured(r))


def with_chart(ctx: Context, replies: list[Reply], name: str) -> list[Reply]:
    """The answer and beside it the chart picture, which takes over the answer's buttons (LINE shows the
    quick replies of the last message only)."""
    image = chart_image(ctx.services, name, ctx.lang)
    if image is None or not replies:
        return replies
    last = replies[-1]
    return [*replies[:-1], dataclasses.replace(last, quick_replies=()),
            dataclasses.replace(image, quick_replies=last.quick_replies)]


def total(ctx: Context) -> list[Reply]:
    r = result_for(ctx)
    if isinstance(r, list):
        return r
    return with_chart(ctx, [score_card(ctx, r)], "trend")


def compare_years(ctx: Context, years: list[int]) -> list[Reply]:
    ita = data(ctx)
    missing = [y for y in years if y not in ita.years]
    if missing:
        return no_year(ctx, missing[0])
    first, last = (year_result(ita, y) for y in sorted(years)[:: len(years) - 1])
    diff = last.total - first.total
    key = "ita_up" if diff > 0 else "ita_down" if diff < 0 else "ita_same"
    change = ctx.say(key, diff=fmt(abs(diff)), year=first.year, total=fmt(first.total))
    return [Text(ctx.say("ita_compare", year=last.year, total=fmt(last.total), level=last.grade.level,
                         change=change, first_level=first.grade.level), quick(ctx, "ita_menu"))]


def history(ctx: Context) -> list[Reply]:
    ita = data(ctx)
    years = sorted({int(y) for y in ctx.understood.entities.get("years", [])})
    if len(years) >= 2:
        return compare_years(ctx, years)
    lines = [ctx.say("ita_history_head")]
    if "count" in ctx.understood.entities:
        lines.insert(0, ctx.say("ita_count_years", count=len(ita.years), first=min(ita.years), last=max(ita.years)))
    for y in sorted(ita.years):
        r = year_result(ita, y)
        change = "" if r.previous is None else " " + ctx.say(
            DIRECTION_KEY[r.previous.direction] + "_short", diff=fmt(abs(r.previous.difference)))
        lines.append(ctx.say("ita_history_row", year=y, total=fmt(r.total), level=r.grade.level, change=change))
    first, last = year_result(ita, min(ita.years)), year_result(ita, max(ita.years))
    lines.append(ctx.say("ita_history_tail", first=first.year, last=last.year,
                         diff=fmt(abs(last.total - first.total)),
                         trend=ctx.say("trend_up" if last.total >= first.total else "trend_down")))
    return with_chart(ctx, [Text("\n".join(lines), quick(ctx, "ita_menu"))], "trend")


def indicator_line(ctx: Context, i) -> str:
    return ctx.say("ita_indicator_row", rank=i.rank, number=i.number, name=i.name, score=fmt(i.score),
                   level=i.level, tool=i.tool)


def indicator(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    number = ctx.understood.entities.get("indicator")
    if number is None:
        lines = [line for line in [count_line(ctx, r), ctx.say("ita_ranking_head", year=r.year)] if line]
        lines += [indicator_line(ctx, i) for i in r.ranking]
        return with_chart(ctx, [Text("\n".join(lines), quick(ctx, "ita_menu"))], f"indicators-{r.year}")
    ind = r.indicator(int(number))
    if ind is None:
        return [Text(ctx.say("ita_no_indicator", number=number, count=len(r.indicators)), quick(ctx, "ita_menu"))]
    status = ctx.say("ita_above_target" if ind.gap_to_target >= 0 else "ita_below_target",
                     target=fmt(ind.target), gap=fmt(abs(ind.gap_to_target)))
    text = ctx.say("ita_indicator", year=r.year, number=ind.number, name=ind.name, score=fmt(ind.score),
                   level=ind.level, tool=ind.tool, rank=ind.rank, count=len(r.indicators), status=status)
    return [Text(text, quick(ctx, "ita_menu"))]


def extremes(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    s, w = r.strongest, r.weakest
    text = ctx.say("ita_extremes", year=r.year, s_number=s.number, s_name=s.name, s_score=fmt(s.score),
                   w_number=w.number, w_name=w.name, w_score=fmt(w.score))
    return [Text(text, quick(ctx, "ita_menu"))]


def below_target(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    below = r.below_target
    if not below:
        return [Text(ctx.say("ita_none_below", year=r.year), quick(ctx, "ita_menu"))]
    lines = [ctx.say("ita_below_head", year=r.year, count=len(below), target=fmt(below[0].target))]
    lines += [ctx.say("ita_below_row", number=i.number, name=i.name, score=fmt(i.score),
                      gap=fmt(abs(i.gap_to_target))) for i in below]
    return with_chart(ctx, [Text("\n".join(lines), quick(ctx, "ita_menu"))], f"indicators-{r.year}")


def tools(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    entities = ctx.understood.entities
    wanted = [t for t in entities.get("tools") or [entities.get("tool")] if t in r.tools]
    chosen = [r.tools[t] for t in wanted] or list(r.tools.values())  # "IIT EIT OIT ได้เท่าไหร่": all three
    year_file = data(ctx).years[r.year]
    lines = [] if len(wanted) == 1 else [ctx.say("ita_tools_head", year=r.year)]
    for t in chosen:
        lines.append(ctx.say("ita_tool", tool=t.tool, name=t.name, name_en=t.name_en, weight=t.weight,
                             score=fmt(t.score), mean=fmt(t.mean), year=r.year,
                             indicators=", ".join(str(n) for n in t.indicators),
                             purpose=year_file.tools[t.tool].purpose))
    return [Text("\n\n".join(lines), quick(ctx, "ita_menu"))]


def scale(ctx: Context) -> list[Reply]:
    ita = data(ctx)
    entities = ctx.understood.entities
    year = wanted_year(ctx)
    sc = ita.scale_for(year if year in ita.years or year > ita.latest_year else ita.latest_year)
    if "score" in entities:
        try:
            score = Decimal(str(entities["score"]))
        except InvalidOperation:
            score = None
        if score is None or not (0 <= score <= 100):
            return [Text(ctx.say("ita_bad_score"), quick(ctx, "ita_menu"))]
        g = grade(ita, sc.from_year, score)
        verdict = "" if g.passed is None else ctx.say("ita_score_pass" if g.passed else "ita_score_fail",
                                                       mark=fmt(g.pass_mark))
        return [Text(ctx.say("ita_score_level", score=fmt(score), level=g.level, label=g.label_en,
                             verdict=verdict), quick(ctx, "ita_menu"))]
    bands = list(sc.bands)
    rows = []
    for pos, band in enumerate(bands):
        upper = "100" if pos == 0 else fmt(bands[pos - 1].min - Decimal("0.01"))
        passed = "" if sc.pass_mark is None else ctx.say("ita_band_pass" if band.min >= sc.pass_mark
                                                          else "ita_band_fail")
        rows.append(ctx.say("ita_band", level=band.level, label=band.label_en, low=fmt(band.min), high=upper,
                            passed=passed))
    level = entities.get("level")
    if level:
        rows = [row for row, band in zip(rows, bands) if band.level == level] or rows
    head = ctx.say("ita_scale_head", name=sc.name)
    tail = ctx.say("ita_pass_mark", mark=fmt(sc.pass_mark)) if sc.pass_mark is not None else ""
    return [Text("\n".join([head, *rows, tail]).strip(), quick(ctx, "ita_menu"))]


def about(ctx: Context) -> list[Reply]:
    ita = data(ctx)
    latest = max((y for y, f in ita.years.items() if f.indicators), default=None)
    parts = [ctx.say("ita_about")]
    if latest and (first := count_line(ctx, year_result(ita, latest))):
        parts.insert(0, first)
    if latest:
        f = ita.years[latest]
        parts.append(ctx.say("ita_about_tools", tools=", ".join(
            f"{k} ({t.name} {ctx.say('label_weight')} {t.weight}%)" for k, t in f.tools.items())))
        parts.append(ctx.say("ita_about_indicators", count=len(f.indicators),
                             names=", ".join(f"{i.number}) {i.name}" for i in f.indicators)))
    return [Text("\n\n".join(parts), quick(ctx, "ita_menu"))]


def weak_items(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    f = data(ctx).years[r.year]
    if not f.weak_items:
        return [Text(ctx.say("ita_no_weak_items", year=r.year), quick(ctx, "ita_menu"))]
    lines = [ctx.say("ita_weak_head", year=r.year, count=len(f.weak_items))]
    lines += [ctx.say("ita_weak_row", item=w.item, description=w.description) for w in f.weak_items]
    return [Text("\n".join(lines), quick(ctx, "ita_menu"))]


def national(ctx: Context) -> list[Reply]:
    r = result_for(ctx)
    if isinstance(r, list):
        return r
    if r.national is None:
        return [Text(ctx.say("ita_no_national", year=r.year), quick(ctx, "ita_menu"))]
    n = r.national
    relation = ctx.say({"up": "relation_above", "down": "relation_below", "same": "relation_equal"}[n.direction])
    return [Text(ctx.say("ita_national", year=r.year, total=fmt(r.total), level=r.grade.level, offices=n.offices,
                         avg=fmt(n.score), avg_level=n.level, relation=relation, diff=fmt(abs(n.difference))),
                 quick(ctx, "ita_menu"))]


def guidance(ctx: Context) -> list[Reply]:
    r = result_for(ctx, detailed=True)
    if isinstance(r, list):
        return r
    f = data(ctx).years[r.year]
    number = ctx.understood.entities.get("indicator")
    numbers = [int(number)] if number else [i.number for i in r.below_target] or [r.weakest.number]
    replies: list[Reply] = []
    if not number:
        plan = next_level_plan(ctx, r)
        if plan is not None and plan.raises:
            numbers = [x.number for x in plan.raises]
            replies.append(Text(ctx.say("ita_plan", year=r.year, level=plan.target_level,
                                        threshold=fmt(plan.threshold), floor=fmt(plan.floor),
                                        total=fmt(plan.result.total), raises=", ".join(
                                            ctx.say("ita_plan_row", number=x.number, name=x.name,
                                                    before=fmt(x.before), rise=fmt(x.rise)) for x in plan.raises))))
    for n in numbers:
        ind = next((i for i in f.indicators if i.number == n), None)
        if ind is None:
            return [Text(ctx.say("ita_no_indicator", number=n, count=len(f.indicators)), quick(ctx, "ita_menu"))]
        score = r.indicator(n)
        text = ctx.say("ita_guidance", number=n, name=ind.name, score=fmt(score.score),
                       guidance="\n".join(f"- {g}" for g in ind.guidance_items))
        replies.append(Text(text))
    replies[-1] = Text(replies[-1].text, quick(ctx, "ita_menu"))
    return replies


def next_level_plan(ctx: Context, r: YearResult) -> Plan | None:
    """The smallest lift of the weakest indicators that reaches the level asked for (or the next one)."""
    level = ctx.understood.entities.get("level")
    levels = [b.level for b in data(ctx).scale_for(r.year).bands]
    try:
        return plan_to_level(data(ctx), r.year, level if level in levels else None)
    except ValueError:  # already at the top level
        return None


def change(ctx: Context) -> list[Reply]:
    """Why a year's total moved: the change from the year before, then the indicators that moved most
    (both years' scores from scoring/), or, when the report has no indicator scores for one of the two
    years, which years lack them, so the answer never pretends to know the cause."""
    ita = data(ctx)
    year = wanted_year(ctx)
    if year not in ita.years:
        return no_year(ctx, year)
    r = year_result(ita, year)
    if r.previous is None:
        return [Text(ctx.say("ita_change_first", year=year, total=fmt(r.total)), quick(ctx, "ita_menu"))]
    p = r.previous
    before = year_result(ita, p.year)
    lines = [ctx.say("ita_change_head", year=year, total=fmt(r.total), level=r.grade.level,
                     change=ctx.say(DIRECTION_KEY[p.direction], diff=fmt(abs(p.difference)), year=p.year,
                                    total=fmt(p.total)))]
    if r.indicators and before.indicators:
        moved = sorted(((i, i.score - before.indicator(i.number).score) for i in r.indicators
                        if before.indicator(i.number) is not None), key=lambda m: -abs(m[1]))
        moved = [(i, d) for i, d in moved if d][:5]
        lines.append(ctx.say("ita_change_movers_head", year=year, before=p.year))
        lines += [ctx.say("ita_change_mover", number=i.number, name=i.name, score=fmt(i.score),
                          change=ctx.say(DIRECTION_KEY[("up" if d > 0 else "down")] + "_short", diff=fmt(abs(d))))
                  for i, d in moved]
    else:
        lacking = [y for y in (p.year, year) if not ita.years[y].indicators]
        detailed = sorted(y for y, f in ita.years.items() if f.indicators)
        lines.append(ctx.say("ita_change_no_detail", missing=(" and " if ctx.lang == "en" else " และ ").join(map(str, lacking)),
                             years=", ".join(map(str, detailed)) or "-"))
    note = r.note_en if ctx.lang == "en" else r.note
    if note:
        lines.append(" ".join(note.split()))
    return [Text("\n".join(lines), quick(ctx, "ita_menu"))]


def missing(ctx: Context) -> list[Reply]:
    """A breakdown the report does not publish ("รายโรงเรียน"), named as missing with what it does have."""
    ita = data(ctx)
    years = sorted(ita.years)
    detailed = [y for y in years if ita.years[y].indicators]
    national = [y for y in years if ita.years[y].national_average]
    what = ctx.say(f"ita_breakdown_{ctx.understood.entities.get('breakdown', 'other')}")
    return [Text(ctx.say("ita_missing_breakdown", what=what, first=years[0], last=years[-1],
                         detailed=", ".join(map(str, detailed)) or "-", national=", ".join(map(str, national)) or "-"),
                 quick(ctx, "ita_menu"))]


def count_line(ctx: Context, r: YearResult) -> str:
    """"กี่ตัวชี้วัด": the count first, when the question asked how many."""
    if "count" not in ctx.understood.entities or not r.indicators:
        return ""
    return ctx.say("ita_count_indicators", year=r.year, count=len(r.indicators), tools=len(r.tools))


HANDLERS = {
    "ita": total,
    "ita.change": change,
    "ita.missing": missing,
    "ita.total": total,
    "ita.history": history,
    "ita.indicator": indicator,
    "ita.extremes": extremes,
    "ita.below_target": below_target,
    "ita.tools": tools,
    "ita.scale": scale,
    "ita.about": about,
    "ita.weak_items": weak_items,
    "ita.national": national,
    "ita.guidance": guidance,
}
