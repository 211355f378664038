"""`content/complaints.yaml`: categories, routing, limits, statuses and every text of the feature.

Loaded once per process and validated like the rest of `content/`, so an office's typo is one readable
line naming the file and field, never a traceback in a chat.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, PrivateAttr, model_validator

from bot.content.models import Strict
from bot.core.lazy import built_once
from bot.core.messages import QuickReply
from scoring.yamlfile import ContentError, load_model

if TYPE_CHECKING:
    from bot.services import Services

STATUSES = ("received", "in_progress", "resolved", "rejected")
CLOSED = ("resolved", "rejected")
Status = Literal["received", "in_progress", "resolved", "rejected"]

# Every text the code asks for; a missing one is a content error at start-up, not in a chat.
TEXT_KEYS = (
    "btn_done btn_skip btn_back btn_cancel btn_confirm btn_anonymous btn_named btn_consent btn_no_consent "
    "btn_track btn_feedback btn_praise btn_suggestion btn_no_comment "
    "ask_category category_unclear ask_details details_more details_empty details_too_long details_full "
    "ask_evidence evidence_saved location_saved evidence_too_big evidence_too_many_pixels evidence_bad_type "
    "evidence_too_many "
    "evidence_failed evidence_unsupported evidence_sticker media_not_now ask_identity identity_unclear "
    "ask_consent consent_unclear ask_name name_invalid ask_phone phone_invalid summary_title summary_footer "
    "confirm_unclear label_category label_details label_evidence label_location label_reporter label_status "
    "label_filed label_code evidence_count no_evidence anonymous named filed save_failed rate_limited "
    "cancelled expired ask_code code_unclear not_found track_title track_history track_cancelled "
    "track_shared_view track_refused "
    "status_changed status_note status_closed_feedback alert alert_subject ask_rating rating_5 rating_4 "
    "rating_3 rating_2 rating_1 rating_unclear ask_comment ask_comment_text comment_too_long feedback_thanks "
    "feedback_cancelled btn_add_yes btn_add_no btn_clear_details ask_add_detail ask_category_again "
    "ask_details_kept details_cleared unit_changed still_open still_open_details label_next track_next "
    "confirm_too_soon ask_code_listed my_codes_title my_codes_item alert_private alert_digest "
    "alert_digest_subject overdue_digest overdue_digest_item overdue_digest_subject"
).split()
# A case's life after filing: the resolution answered, reopenings, forwarding (bot/complaints/resolution.py)
TEXT_KEYS += (
    "btn_not_solved resolved_notice resolved_notice_no_note resolved_ask_rating resolved_photo_alt rate_case "
    "not_solved_case case_rated case_comment_thanks case_not_closed reopened reopen_note reopen_too_late "
    "reopen_not_resolved reopen_none reopen_alert reopen_alert_subject forwarded_unit forwarded_agency "
    "forwarded_follow forwarded_follow_agency forward_note_unit forward_note_agency forward_alert "
    "forward_alert_subject"
).split()
WORD_KEYS = ("generic", "done", "skip", "back", "cancel", "confirm", "anonymous", "named", "consent", "no_consent",
             "praise", "suggestion", "add_yes", "add_no", "clear_details",
             "question", "story")
BUTTONS_OF = {"done": ("btn_done",), "skip": ("btn_skip", "btn_no_comment"), "back": ("btn_back",),
              "cancel": ("btn_cancel",), "confirm": ("btn_confirm",), "anonymous": ("btn_anonymous",),
              "named": ("btn_named",), "consent": ("btn_consent",), "no_consent": ("btn_no_consent",),
              "praise": ("btn_praise",), "suggestion": ("btn_suggestion",), "add_yes": ("btn_add_yes",),
              "add_no": ("btn_add_no",), "clear_details": ("btn_clear_details",)}
BUTTON_MAX = 20  # LINE's quick-reply label limit
BUTTON_KEY = re.compile(r"^(btn_\w+|rating_[1-5])$")


class Category(Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(max_length=BUTTON_MAX)
    prefix: str = Field(pattern=r"^[A-Z]{1,4}$")
    unit: str
    resolve_days: int = Field(gt=0)
    aliases: list[str] = []


class Unit(Strict):
    name: str
    group: str = ""
    # The unit that receives corruption reports: its reports never fall back to the general targets
    integrity: bool = False
    line_targets: list[str] = []
    emails: list[str] = []


class Limits(Strict):
    detail_chars: int = Field(gt=0)
    details_total_chars: int = Field(gt=0)
    name_chars: int = Field(gt=1)
    comment_chars: int = Field(gt=0)
    evidence_files: int = Field(ge=0)
    evidence_bytes: int = Field(gt=0)
    evidence_types: dict[str, str] = Field(min_length=1)
    feedback_offer_after: int = Field(default=3, gt=0)
    # Floods: a web complaint is confirmed no sooner than this after its draft was opened, and one client
    # address files at most this many a day; staff get at most alerts_per_hour single alerts per target,
    # the rest of the hour as one digest
    web_min_seconds_to_confirm: int = Field(default=20, ge=0)
    web_complaints_per_address_per_day: int = Field(default=5, ge=1)
    alerts_per_hour: int = Field(default=10, ge=1)
    # Days after a resolution within which the reporter may say it is not solved (the case reopens)
    reopen_days: int = Field(default=14, ge=0)

    @property
    def evidence_mb(self) -> str:
        return f"{self.evidence_bytes / 1048576:g}"


class Retention(Strict):
    """PDPA retention, run daily by the clock process at these Thailand times ("HH:MM")."""

    personal_data_days: int = Field(gt=0)
    personal_data_at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    housekeeping_days: int = Field(gt=0)
    housekeeping_at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


# Answers for a reporter who asks how reporting works or hesitates (`reporting:` in complaints.yaml).
REPORTING_KEYS = ("help.anonymity", "help.complaint_time", "help.complaint_readers", "help.complaint_evidence",
                  "help.hesitant", "hesitant_outside", "process_time_row", "restated", "btn_continue")


class English(Strict):
    """The English versions of the feature's texts, category labels, unit names and statuses (Thai when
    one is missing), for a conversation held in English."""

    texts: dict[str, str] = {}
    categories: dict[str, str] = {}
    units: dict[str, str] = {}
    statuses: dict[str, str] = {}


class ComplaintsContent(Strict):
    categories: list[Category] = Field(min_length=1)
    overdue_digest_at: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    units: dict[str, Unit] = Field(min_length=1)
    acknowledge_days: int = Field(gt=0)
    statuses: dict[Status, str]
    limits: Limits
    retention: Retention
    words: dict[str, list[str]]
    texts: dict[str, str]
    reporting: dict[str, str] = {}
    english: English = English()
    _squashed: dict[tuple[str, bool], frozenset[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "ComplaintsContent":
        problems = []
        for i, c in enumerate(self.categories):
            if c.unit not in self.units:
                problems.append(f"categories.{i}.unit: must be one of {sorted(self.units)} (got {c.unit!r})")
        for name, values in (("id", [c.id for c in self.categories]),
                             ("prefix", [c.prefix for c in self.categories])):
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                problems.append(f"categories: {name} must be unique (repeated: {', '.join(dupes)})")
        missing = [s for s in STATUSES if s not in self.statuses]
        if missing:
            problems.append(f"statuses: missing {', '.join(missing)}")
        missing = [k for k in WORD_KEYS if k not in self.words]
        if missing:
            problems.append(f"words: missing {', '.join(missing)}")
        missing = [k for k in TEXT_KEYS if k not in self.texts]
        if missing:
            problems.append(f"texts: missing {', '.join(missing)}")
        missing = [k for k in REPORTING_KEYS if k not in self.reporting]
        if missing:
            problems.append(f"reporting: missing {', '.join(missing)}")
        long = [k for k, v in [*self.texts.items(), *self.reporting.items(), *self.english.texts.items()] if BUTTON_KEY.match(k) and len(v) > BUTTON_MAX]
        if long:
            problems.append(f"texts: button labels longer than {BUTTON_MAX} characters: {', '.join(long)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # --- look-ups -------------------------------------------------------------------------------------
    def category(self, category_id: str) -> Category:
        for c in self.categories:
            if c.id == category_id:
                return c
        raise KeyError(f"no complaint category {category_id!r} in complaints.yaml")

    def is_integrity(self, category_id: str) -> bool:
        """Whether the category's reports go to the integrity unit (and stay away from general staff)."""
        unit = next((self.units[c.unit] for c in self.categories if c.id == category_id), None)
        return unit is None or unit.integrity  # a category removed from content: treat it as protected

    def unit_key(self, complaint) -> str:
        """The unit handling a complaint: the one staff forwarded it to, else its category's."""
        if complaint.unit and complaint.unit in self.units:
            return complaint.unit
        try:
            return self.category(complaint.category).unit
        except KeyError:  # a category removed from content: treated as protected, like is_integrity
            return next((k for k, u in self.units.items() if u.integrity), next(iter(self.units)))

    def category_label(self, category_id: str) -> str:
        """The label, or the id itself for a category the office has since removed from content."""
        return next((c.label for c in self.categories if c.id == category_id), category_id)

    def category_named(self, text: str) -> Category | None:
        """The category a reply to "which category?" is exactly: its label (the button), number or id."""
        t = squash(text)
        for n, c in enumerate(self.categories, start=1):
            if t and t in (squash(c.label), str(n), c.id, squash(self.english.categories.get(c.id, ""))):
                return c
        return None

    def category_in(self, text: str) -> Category | None:
        """The category a reply names exactly, or else the first whose alias it contains."""
        t = squash(text)
        if not t:
            return None
        return self.category_named(text) or next(
            (c for c in self.categories if any(squash(a) in t for a in c.aliases)), None)

    def is_word(self, kind: str, text: str) -> bool:
        """Whether `text` is the button for `kind` or one of the words people type instead (the button
        counts even when an office rewords it and forgets the word list)."""
        return squash(text) in self.squashed_words(kind, with_buttons=True)

    def squashed_words(self, kind: str, with_buttons: bool = False) -> frozenset[str]:
        """The word list `kind`, squashed once per content load rather than on every message."""
        key = (kind, with_buttons)
        if key not in self._squashed:
            buttons = [b for b in BUTTONS_OF.get(kind, ()) if with_buttons]
            words = self.words.get(kind, []) + [self.text(b, lang) for b in buttons for lang in ("th", "en")]
            self._squashed[key] = frozenset(squash(w) for w in words)
        return self._squashed[key]

    def status_label(self, status: str, lang: str = "th") -> str:
        if lang == "en" and status in self.english.statuses:
            return self.english.statuses[status]
        return self.statuses.get(status, status)  # type: ignore[call-overload]

    def text(self, key: str, lang: str = "th") -> str:
        """The text `key` in `lang`: English when written, else Thai (`texts`, then `reporting`)."""
        if lang == "en" and key in self.english.texts:
            return self.english.texts[key]
        return self.texts[key] if key in self.texts else self.reporting[key]

    def label(self, category_id: str, lang: str = "th") -> str:
        """A category's label in `lang` (the id of one the office has since removed)."""
        return (lang == "en" and self.english.categories.get(category_id)) or self.category_label(category_id)

    def unit_name(self, unit: str, lang: str = "th") -> str:
        return (lang == "en" and self.english.units.get(unit)) or self.units[unit].name


SPACES = re.compile(r"[\s\u200b]+")
PARTICLES = re.compile(r"(ครับ|ค่ะ|คะ|คับ|ค่า|จ้า|จ้ะ|นะ)+$")


def squash(text: str) -> str:
    """Lower case, no spaces, no trailing polite particle: how a typed button text is compared."""
    t = SPACES.sub("", (text or "").strip().lower())
    return PARTICLES.sub("", t) or t


def load(directory: Path, group_ids: set[str] | None = None) -> ComplaintsContent:
    path = Path(directory) / "complaints.yaml"
    content = load_model(path, ComplaintsContent)
    if group_ids:
        for key, unit in content.units.items():
            if unit.group and unit.group not in group_ids:
                raise ContentError(f"{path}: field 'units.{key}.group': must be a group id of office.yaml "
                                   f"(got {unit.group!r})")
    return content


def category_disagreements(directory: Path | str, words: list[str], filed: list[str]) -> list[str]:
    """The complaint categories are listed twice: in `complaints.yaml` (labels, units, codes: `filed`) and in
    `nlu/entities.yaml` (the words that recognise one in a message: `words`). Both must name the same ids:
    one the NLU finds but complaints lack is never chosen, one complaints have but the NLU lacks is never
    recognised. Each disagreement names its file and field."""
    directory = Path(directory)
    entities, complaints_file = directory / "nlu" / "entities.yaml", directory / "complaints.yaml"
    problems = [f"{entities}: field 'categories': '{cid}' is not a category of {complaints_file} "
                f"(field 'categories': {', '.join(filed)})" for cid in words if cid not in filed]
    problems += [f"{complaints_file}: field 'categories.{i}.id': '{cid}' is named by no words in {entities}: "
                 f"field 'categories' (an entry with no keywords is enough)"
                 for i, cid in enumerate(filed) if cid not in words]
    return problems


def of(services: Services) -> ComplaintsContent:
    """The feature's content for these services, loaded on first use and kept in the services."""
    return built_once(services, "complaints_content",
                      lambda: load(services.content.directory, {g.id for g in services.content.office.groups}))


def say(services: Services, key: str, lang: str = "th", **values: object) -> str:
    office = services.content.office
    return of(services).text(key, lang).format(office=office.short_name, office_phone=office.phone, **values)


def say_in(ctx, key: str, **values: object) -> str:
    """`say` within a conversation turn, in its language (the complaint and feedback flows speak from
    complaints.yaml)."""
    return say(ctx.services, key, getattr(ctx, "lang", "th"), **values)


def buttons(ctx, *keys: str) -> tuple[QuickReply, ...]:
    """Quick replies whose label and sent text are the same texts of complaints.yaml."""
    return tuple(QuickReply(say_in(ctx, k), say_in(ctx, k)) for k in keys)
