"""Pull the values a handler needs (year, indicator, tool, level, score, code, procedure, category, topic)
out of a normalised message, and hand the classifier a copy with those values replaced by slot symbols.

Numbers are the hard part: "ปี 64", "ตัวที่ 8", "87.5", "056-990347" and "08.30 น." all look alike, so
every number is claimed once, in a fixed order (code, year, O-item, indicator, score), and a claimed
span is masked so no later pattern can take it again. The slot symbols let the model learn "ปี ⓨ ได้กี่
คะแนน" once instead of once per year.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from bot.core import tracking_codes as codes

from .lexicon import EntitiesConfig, ProcedureRef
from .procedure_finder import ProcedureFinder

SLOT = {"code": "ⓒ", "year": "ⓨ", "item": "ⓞ", "indicator": "ⓘ", "score": "ⓢ", "level": "ⓛ", "number": "ⓝ"}

CODE = codes.pattern(upper=True)  # in normalised text, where codes are upper case
BE_YEAR = re.compile(r"(?<!\d)(?<!\d\.)25\d\d(?![\d]|\.\d)")
CE_YEAR = re.compile(r"(?<!\d)(?<!\d\.)20[1-3]\d(?![\d]|\.\d)")
TH_SHORT_YEAR = re.compile(r"(?:ปีงบประมาณ|ปีงบ|ปีการศึกษา|ปี(?!ที่)|พ\.ศ\.?|พศ\.?)\s*(\d{2})(?![\d]|\.\d)")
EN_SHORT_YEAR = re.compile(r"(?<![a-z])(?:fy|year)\s*'?(\d{2})(?![\d]|\.\d)")
ACRONYM_SHORT_YEAR = re.compile(r"(?<![a-z])(?:ita|iit|eit|oit)\s*(\d{2})(?![\d]|\.\d)")  # "ita 63": a Thai year
MORE_YEARS = re.compile(r"\s*(?:-|–|ถึง|กับ|และ|,|/|vs\.?|เทียบกับ|เทียบ|to|and)\s*(?:ปี\s*)?(\d{2})(?![\d]|\.\d)")
ITEM = re.compile(r"(?<![a-z])o\s?(\d{1,2})(?!\d)")
NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d+(?:\.\d+)?")
SCORE = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,3}(?:\.\d{1,2})?)(?![\d]|\.\d)")
LEVEL = re.compile(r"(?<![a-z])(aa|[a-f])(?![a-z+])")
TOOL = re.compile(r"(?<![a-z])(iit|eit|oit)(?![a-z])")
TIME_AFTER = re.compile(r"^\s*(?:น\.|น(?![\u0E00-\u0E7F])|โมง|นาฬิกา|am|pm)")
SCORE_BEFORE = ("ได้", "คะแนน", "score", "scored", "got", "get", "gets", "is", "ถ้า", "=", "ถึง", "แค่", "if")
SCORE_AFTER = ("คะแนน", "points", "point", "pts", "%", "เปอร์เซ็นต์", "ได้", "ผ่าน", "จะได้", "อยู่", "คือ",
               "เป็น", "นี่", "ระดับ", "เกรด", "is", "get", "pass", "what")
LEVEL_BEFORE = ("ระดับ", "เกรด", "level", "grade", "ได้", "เป็น", "แบบ", "ถึง")
# English "a" is an article, so English context only counts before the letter ("grade b") or as "mean".
LEVEL_AFTER = ("คือ", "หมายถึง", "แปลว่า", "ต้อง", "กี่", "ได้", "ผ่าน", "mean", "คะแนน", "เท่า", "นี่", "ช่วง",
               "ดี", "ไหม", "ใช้", "ขึ้นไป", "ตก", "ถึง", "หรือ", "กับ")


def compact(text: str) -> str:
    """Users rarely put spaces between Thai words, so names are matched with spaces removed."""
    return text.replace(" ", "")


@dataclass(frozen=True)
class Extraction:
    entities: dict
    masked: str
    """The normalised text with claimed values replaced by slot symbols, for the classifier."""
    known_topic: bool = False
    """The topic is one of entities.yaml's news_topics (not just words that followed "ข่าว")."""


class PhraseIndex:
    """Longest-match lookup of many phrases (synonyms, keywords) to values, on space-free text."""

    def __init__(self, pairs: Iterable[tuple[str, object]], prepare: Callable[[str], str]) -> None:
        table: dict[str, object] = {}
        for phrase, value in pairs:
            key = compact(prepare(phrase))
            if key and key not in table:
                table[key] = value
        self._table = table
        alternation = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
        self._regex = re.compile(alternation) if table else None

    def blank(self, text: str) -> str:
        """The text with every phrase of this index replaced by NULs (offsets kept)."""
        for start, end, _ in self.find_all(text):
            text = text[:start] + "\x00" * (end - start) + text[end:]
        return text

    def find_all(self, text: str) -> list[tuple[int, int, object]]:
        if self._regex is None:
            return []
        return [(m.start(), m.end(), self._table[m.group(0)]) for m in self._regex.finditer(text)]


class EntityExtractor:
    """Built once from entities.yaml and the procedures; `extract` is a few regex passes."""

    def __init__(
        self,
        config: EntitiesConfig,
        procedures: list[ProcedureRef],
        prepare: Callable[[str], str],
        tokenize: Callable[[str], list[str]],
    ) -> None:
        self._config = config
        self._tokenize = tokenize
        # A space in a prefix ("ตัวชี้วัด ที่") means "optional space" in the message.
        prefixes = "|".join(
            r"\s*".join(re.escape(part) for part in prepare(p).split())
            for p in sorted(config.indicator_prefixes, key=len, reverse=True)
        )
        self._indicator_number = re.compile(rf"(?:{prefixes})\s*(\d{{1,2}})(?![\d]|\.\d)")
        self._after_prefix = re.compile(rf"(?:{prefixes})\s*$")  # "ตัวชี้วัดที่ 6.4" is not a score
        self._indicator_names = PhraseIndex(
            ((phrase, number) for number, ind in config.indicators.items() for phrase in [ind.name, *ind.synonyms]),
            prepare,
        )
        self._tools = PhraseIndex(((p, tool) for tool, phrases in config.tools.items() for p in phrases), prepare)
        self._categories = [(c.id, PhraseIndex(((k, c.id) for k in c.keywords), prepare)) for c in config.categories]
        self._procedures = PhraseIndex(
            ((phrase, p.id) for p in procedures for phrase in [*p.keywords, p.title, p.title_en] if phrase), prepare
        )
        # Keywords typed with a slip, and the situations that lead to a manual, when no keyword is exact
        self._situations = ProcedureFinder(
            ((phrase, p.id) for p in procedures for phrase in [*p.keywords, *p.situations]), prepare)
        self._topics = PhraseIndex(((t, t) for t in config.news_topics), prepare)
        self._news_words = PhraseIndex(((w, w) for w in config.news_words), prepare)
        self._stop = {compact(prepare(w)) for w in config.topic_stopwords} | {""}
        long_stop = sorted((w for w in self._stop if len(w) >= 3), key=len, reverse=True)
        self._long_stop = re.compile("|".join(re.escape(w) for w in long_stop)) if long_stop else None
        self._last_year = [compact(prepare(p)) for p in config.last_year]
        self._asks = PhraseIndex(((w, "ask") for w in config.complaint_asks), prepare)
        self._wrongs = PhraseIndex(((w, "wrong") for w in config.complaint_wrongs), prepare)
        self._terms = PhraseIndex(((w, w) for w in config.complaint_terms), prepare)
        self._referrals = PhraseIndex(((w, k) for k, words in config.referrals.items() for w in words), prepare)
        self._aspects = PhraseIndex(((w, k) for k, words in config.procedure_aspects.items() for w in words), prepare)
        self._channels = PhraseIndex(((w, k) for k, c in config.procedure_channels.items() for w in c.asked), prepare)
        self._counts = PhraseIndex(((w, "count") for w in config.count_words), prepare)
        self._breakdowns = PhraseIndex(((w, k) for k, words in config.ita_breakdowns.items() for w in words), prepare)
        self._this_year = [compact(prepare(p)) for p in config.this_year]

    def extract(self, text: str) -> Extraction:
        work = _Claims(text)
        squeezed = compact(text)
        found: dict = {}
        if m := CODE.search(work.text):
            found["code"] = m.group(0)
            work.claim(m.start(), m.end(), "code")
        if years := self._years(work):
            found["year"] = years[0]
            if len(set(years)) > 1:
                found["years"] = years
        if any(p in squeezed for p in self._last_year):
            found["relative_year"] = -1
        elif any(p in squeezed for p in self._this_year):
            found["relative_year"] = 0
        for m in ITEM.finditer(work.text):
            if 1 <= int(m.group(1)) <= 43:
                found.setdefault("item", f"O{int(m.group(1))}")
                work.claim(m.start(), m.end(), "item")
        if indicators := self._indicators(work):
            found["indicator"] = indicators[0]
            if len(indicators) > 1:
                found["indicators"] = indicators
        if tools := self._tools_in(text):
            found["tool"] = tools[0]
            if len(tools) > 1:
                found["tools"] = tools
        if (score := self._score(work)) is not None:
            found["score"] = score
        if level := self._level(work):
            found["level"] = level
        # Another office's work named ("ย้ายโรงเรียน" of a pupil) is not this office's manual ("ขอย้าย" of a teacher)
        for_manuals = self._referrals.blank(squeezed)
        if hits := self._procedures.find_all(for_manuals):
            found["procedure"] = max(hits, key=lambda h: h[1] - h[0])[2]
        elif procedure := self._situations.find(for_manuals):
            found["procedure"] = procedure
        for category, index in self._categories:
            if index.find_all(squeezed):
                found["category"] = category
                break
        # "ป้องกันทุจริต" is an indicator, "ดัชนีการรับรู้การทุจริต" an idea of the assessment: neither reports a wrong
        said = self._terms.blank(self._tools.blank(self._indicator_names.blank(squeezed)))
        if self._wrongs.find_all(said):
            found["complaint"] = "wrong"  # a wrong reported: the message itself is a first detail
        elif self._asks.find_all(said):
            found["complaint"] = "ask"
        for key, index in (("referral", self._referrals), ("aspect", self._aspects), ("channel", self._channels),
                           ("breakdown", self._breakdowns)):
            if hits := index.find_all(squeezed):
                found[key] = max(hits, key=lambda h: h[1] - h[0])[2]
        if self._counts.find_all(squeezed):
            found["count"] = True
        if "channel" in found:
            found.setdefault("aspect", "online")  # "ส่งทางอีเมลได้ไหม": a question about how to apply
        topic, known_topic = self._topic(squeezed)
        if topic:
            found["topic"] = topic
        return Extraction(found, work.masked(), known_topic)

    def _years(self, work: "_Claims") -> list[int]:
        text = work.text
        hits: list[tuple[int, int, int]] = []
        for m in BE_YEAR.finditer(text):
            hits.append((m.start(), m.end(), int(m.group(0))))
        for m in CE_YEAR.finditer(text):
            hits.append((m.start(), m.end(), int(m.group(0)) + 543))
        for regex, thai in ((TH_SHORT_YEAR, True), (EN_SHORT_YEAR, False), (ACRONYM_SHORT_YEAR, True)):
            for m in regex.finditer(text):
                hits.append((m.start(1), m.end(1), self._short_year(int(m.group(1)), thai)))
                pos = m.end()
                while more := MORE_YEARS.match(text, pos):
                    hits.append((more.start(1), more.end(1), self._short_year(int(more.group(1)), thai)))
                    pos = more.end()
        hits.sort()
        kept, last_end = [], -1
        for start, end, year in hits:
            if start >= last_end:
                kept.append(year)
                work.claim(start, end, "year")
                last_end = end
        return kept

    @staticmethod
    def _short_year(two: int, thai: bool) -> int:
        return 2500 + two if thai or two >= 50 else 2000 + two + 543

    def _indicators(self, work: "_Claims") -> list[int]:
        numbers = []
        for m in self._indicator_number.finditer(work.text):
            value = int(m.group(1))
            if 1 <= value <= 10:
                numbers.append(value)
                work.claim(m.start(1), m.end(1), "indicator")
        squeezed = compact(work.text)
        for start, end, tool in self._tools.find_all(squeezed):
            squeezed = squeezed[:start] + "\x00" * (end - start) + squeezed[end:]
        names = [int(v) for _, _, v in self._indicator_names.find_all(squeezed)]  # type: ignore[arg-type]
        return list(dict.fromkeys(numbers + names))

    def _tools_in(self, text: str) -> list[str]:
        """Every tool named, in order: "IIT EIT OIT ได้เท่าไหร่" asks for all three."""
        named = [m.group(1).upper() for m in TOOL.finditer(text)]
        named += [str(v) for _, _, v in self._tools.find_all(compact(text))]
        return list(dict.fromkeys(named))

    def _score(self, work: "_Claims") -> float | None:
        text = work.text
        for m in SCORE.finditer(text):
            raw = m.group(1)
            value = float(raw)
            if value > 100:
                continue
            before = text[: m.start()].rstrip()
            after = text[m.end() :]
            if TIME_AFTER.match(after) or before.endswith(("เวลา", "time", "at")) or self._after_prefix.search(before):
                continue
            decimal = "." in raw
            if decimal or before.endswith(SCORE_BEFORE) or after.lstrip().startswith(SCORE_AFTER):
                work.claim(m.start(1), m.end(1), "score")
                return value
        return None

    def _level(self, work: "_Claims") -> str | None:
        text = work.text
        for m in LEVEL.finditer(text):
            token = m.group(1)
            before = text[: m.start()].rstrip()
            after = text[m.end() :].lstrip()
            if token == "aa" or before.endswith(LEVEL_BEFORE) or after.startswith(LEVEL_AFTER):
                work.claim(m.start(), m.end(), "level")
                return token.upper()
        return None

    def _topic(self, squeezed: str) -> tuple[str | None, bool]:
        """(topic, known): a listed topic anywhere, else the first words after "ข่าว" that are not filler."""
        if hits := self._topics.find_all(squeezed):
            return str(max(hits, key=lambda h: h[1] - h[0])[2]), True  # "สอบบรรจุครูผู้ช่วย": ครูผู้ช่วย
        hits = self._news_words.find_all(squeezed)
        if not hits:
            return None, False
        # Long filler ("สพม.พิจิตร", "ล่าสุด") is cut out before tokenising, since newmm splits names
        # like "สพม." into junk; short filler ("มี", "ที่") is dropped per token so words stay whole.
        rest = self._long_stop.sub("|", squeezed[hits[0][1] :]) if self._long_stop else squeezed[hits[0][1] :]
        for segment in rest.split("|"):
            words: list[str] = []
            for token in self._tokenize(segment):
                token = token.strip(" ?.,!")
                if token in self._stop or len(token) < 2 or token.isdigit():
                    if words:
                        break
                    continue
                words.append(token)
            if words:
                return "".join(words), False
        return None, False



class _Claims:
    """The message with claimed spans blanked out (offsets kept), so no later pattern reuses a number."""

    def __init__(self, text: str) -> None:
        self.original = self.text = text
        self.spans: list[tuple[int, int, str]] = []

    def claim(self, start: int, end: int, slot: str) -> None:
        self.spans.append((start, end, slot))
        self.text = self.text[:start] + "\x00" * (end - start) + self.text[end:]

    def masked(self) -> str:
        out, pos = [], 0
        for start, end, slot in sorted(self.spans):
            out += [self.original[pos:start], f" {SLOT[slot]} "]
            pos = end
        out.append(self.original[pos:])
        return " ".join(NUMBER.sub(f" {SLOT['number']} ", "".join(out)).split())
