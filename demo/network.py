"""A state-wide network of fictional people, bulk-inserted: 20 programs with clinicians and
supervisors, N patients with 1-6 assessments each over the past years, recommendations worked
out by the engine from each assessment's own answers, placements in every status (signed
history; submitted, in review, returned and draft work today), review events, signatures, and
audit entries in the ratio a working day leaves them (with their patient links).

Everything goes through ``demo.bulk.insert`` (COPY on PostgreSQL) in chunks of patients, so
memory stays flat and 100,000 patients load in a few minutes."""

from __future__ import annotations

import datetime
import hashlib
import json
import random

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Program
from accounts.roles import Role
from audit.models import PatientLink
from engine import evaluate, suggest_ratings
from intake.models import Assessment, Patient
from placement.models import Placement, Recommendation, ReviewEvent, Signature
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet, RuleSetStatus

from .bulk import insert, next_id, reset_sequences

PROGRAMS = 20
CLINICIANS_PER_PROGRAM = 6
SUPERVISORS_PER_PROGRAM = 2
CHUNK = 2_000  # patients per transaction
# Audit entries a working day leaves per assessment beyond its records' own creation:
# views of the patient and of the assessment.
VIEWS_PER_ASSESSMENT = 2

GIVEN = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Gray", "Harper", "Indy",
         "Jules", "Kai", "Logan", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese",
         "Sage", "Tatum", "Umber", "Val", "Wren", "Xen", "Yael", "Zion", "Ari", "Bo", "Cam",
         "Dana", "Eli", "Frankie", "Gale", "Hollis", "Ira", "Jody", "Kit", "Lane", "Marlow",
         "Nico", "Ollie", "Pat", "Remy", "Sam", "Toby", "Uri", "Vesper", "Winter"]  # fmt: skip
# Family names from two syllables: 1,600 of them, so that a name search finds a realistic few
# dozen people in 100,000 rather than thousands.
_STARTS = ["Al", "Bar", "Cal", "Dun", "El", "Fal", "Gar", "Hal", "Ing", "Jar", "Kel", "Lan",
           "Mor", "Nor", "Ost", "Pen", "Quin", "Ros", "Sal", "Tor", "Ul", "Var", "Wes", "Yor",
           "Zel", "Ash", "Brem", "Cor", "Dral", "Ever", "Fen", "Glen", "Hart", "Ives", "Jen",
           "Kest", "Lorn", "Mar", "Ned", "Orm"]  # fmt: skip
_ENDS = ["by", "den", "ford", "ham", "ley", "more", "ton", "well", "wick", "worth", "brook",
         "dale", "field", "gate", "hurst", "land", "mere", "ridge", "stead", "stone", "thorpe",
         "vale", "wood", "holm", "croft", "bury", "combe", "dene", "fell", "garth", "haven",
         "kirk", "low", "mont", "ness", "port", "rick", "side", "tarn", "wyn"]  # fmt: skip
FAMILY = [a + b for a in _STARTS for b in _ENDS]
# The latest assessment's state today (the older ones are signed history).
LATEST = [("signed", 60), ("draft", 12), ("submitted", 12), ("in_review", 6), ("returned", 10)]
REASONS = ["service_not_available", "patient_preference", "transportation", "financial"]


def _digest(label: str, ratings: dict, flags: dict, answers: dict) -> str:
    text = json.dumps([label, ratings, flags, answers], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Network:
    def __init__(self, *, rnd: random.Random, now: datetime.datetime, latest=None):
        self.rnd = rnd
        self.latest = latest or LATEST
        self.now = now
        self.today = timezone.localdate(now)
        self.db_rule_set = RuleSet.objects.get(name="asam3-default", status=RuleSetStatus.PUBLISHED)
        self.rs = engine_rule_set(self.db_rule_set)
        self.questions = [q for q in self.rs.questions if q.source == "clinician"]
        self.known = {q.code for q in self.rs.questions}
        self.ids = {
            m: next_id(m)
            for m in (
                Patient,
                Assessment,
                Recommendation,
                Placement,
                ReviewEvent,
                Signature,
                LogEntry,
                PatientLink,
            )
        }
        types = ContentType.objects.get_for_models(Patient, Assessment, Recommendation, Placement)
        self.ct = {m: ct.pk for m, ct in types.items()}

    def new_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # -- people ------------------------------------------------------------------------------

    def staff(self, programs_count: int = PROGRAMS, prefix: str = "net") -> list[dict]:
        """The programs and their clinicians and supervisors (created once, reused after)."""
        User = get_user_model()
        password = make_password("stepwise-demo-2026")
        programs = []
        for n in range(1, programs_count + 1):
            program, _ = Program.objects.get_or_create(
                code=f"{prefix}-{n:02d}",
                defaults={
                    "name": f"{'Network' if prefix == 'net' else prefix} Program {n:02d}",
                    "phone": f"555-01{n % 100:02d}",
                },
            )
            staff = {"program": program, "clinicians": [], "supervisors": [], "names": {}}
            for role, count, key in (
                (Role.CLINICIAN, CLINICIANS_PER_PROGRAM, "clinicians"),
                (Role.SUPERVISOR, SUPERVISORS_PER_PROGRAM, "supervisors"),
            ):
                for k in range(1, count + 1):
                    who = "clin" if role == Role.CLINICIAN else "sup"
                    username = (
                        f"{prefix[0]}{n:02d}.{who}{k}"
                        if prefix == "net"
                        else (f"{prefix}{n:02d}.{who}{k}")
                    )
                    user, created = User.objects.get_or_create(
                        username=username,
                        defaults={
                            "first_name": self.rnd.choice(GIVEN),
                            "last_name": self.rnd.choice(FAMILY),
                            "email": f"{username}@example.org",
                            "password": password,
                        },
                    )
                    if created:
                        Membership.objects.get_or_create(user=user, program=program, role=role)
                    staff[key].append(user.pk)
                    staff["names"][user.pk] = user.get_full_name()
            programs.append(staff)
        return programs

    # -- one patient's history ---------------------------------------------------------------

    def answers(self) -> dict:
        out = {}
        r = self.rnd
        for q in self.questions:
            if not q.required and r.random() < 0.25:
                continue
            if q.type == "int":
                lo = q.min_value if q.min_value is not None else 0
                hi = q.max_value if q.max_value is not None else 30
                out[q.code] = min(hi, lo + int(r.expovariate(1 / max(1, (hi - lo) / 4))))
            elif q.type == "bool":
                out[q.code] = r.random() < 0.35
            elif q.type == "choice":
                out[q.code] = r.choice(q.choices)[0]
            elif q.type == "multichoice":
                out[q.code] = r.sample([c for c, _ in q.choices], k=min(1, len(q.choices)))
            elif q.type == "text":
                out[q.code] = ""
        return out

    def patient(self, staff: dict, rows: dict) -> None:
        r = self.rnd
        pid = self.new_id(Patient)
        born = self.today - datetime.timedelta(days=r.randint(16 * 365, 80 * 365))
        rows[Patient].append(
            {
                "id": pid,
                "program_id": staff["program"].pk,
                "mrn": f"N{staff['program'].pk:03d}-{pid:07d}",
                "given_name": r.choice(GIVEN),
                "family_name": r.choice(FAMILY),
                "date_of_birth": born,
                "sex": r.choice(["female", "male", "unknown"]),
                "preferred_language": "English",
                "phone": "",
                "created_at": self.now - datetime.timedelta(days=r.randint(400, 1500)),
                "created_by_id": staff["clinicians"][0],
                "review_due": None,
                "review_placement_id": None,
            }
        )
        count = r.choices(range(1, 7), weights=[30, 25, 18, 12, 9, 6])[0]
        day = self.today - datetime.timedelta(days=r.randint(30, 90) * count)
        previous = None
        latest_signed = None
        for i in range(count):
            last = i == count - 1
            state = (
                r.choices([s for s, _ in LATEST], [w for _, w in LATEST])[0] if last else "signed"
            )
            if last and state in ("submitted", "in_review", "draft", "returned"):
                day = self.today - datetime.timedelta(days=r.randint(0, 6))
            clinician = r.choice(staff["clinicians"])
            supervisor = r.choice(staff["supervisors"])
            # A patient last seen long ago was discharged: no review is due.
            discharged = last and state == "signed" and day < self.today - datetime.timedelta(120)
            kind = "initial" if i == 0 else "transfer_discharge" if discharged else "continued_stay"
            previous, signed = self.assessment(
                pid, born, day, kind, state, clinician, supervisor, previous, staff, rows
            )
            if discharged:
                signed = None
                latest_signed = None
            latest_signed = signed or (None if state == "draft" else latest_signed)
            day = day + datetime.timedelta(days=r.randint(30, 90))
        if latest_signed is not None:
            placement_id, due = latest_signed
            rows[Patient][-1]["review_due"] = due
            rows[Patient][-1]["review_placement_id"] = placement_id

    def assessment(self, pid, born, day, kind, state, clinician, supervisor, previous, staff,
                   rows):  # fmt: skip
        r = self.rnd
        aid = self.new_id(Assessment)
        started = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
        started += datetime.timedelta(minutes=r.randint(0, 480))
        answers = self.answers()
        engine_answers = {
            **answers, "date_of_birth": born.isoformat(), "assessment_date": day.isoformat()
        }  # fmt: skip
        suggested, flags, rating_reasons = suggest_ratings(self.rs, engine_answers)
        confirmed = dict(suggested)
        justifications = {}
        for code in confirmed:
            roll = r.random()
            if roll < 0.12 and confirmed[code] < 4:
                confirmed[code] += 1
            elif roll < 0.15 and confirmed[code] > 0:
                confirmed[code] -= 1
                justifications[code] = "Collateral history lowers the risk."
        steps = ["substances", *[d.code for d in self.rs.dimensions]]
        status = {"in_review": "submitted"}.get(state, state)
        rows[Assessment].append(
            {
                "id": aid,
                "patient_id": pid,
                "kind": kind,
                "assessment_date": day,
                "status": status,
                "rule_set_id": self.db_rule_set.pk,
                "previous_id": previous,
                "answers": answers,
                "substances": [],
                "notes": {},
                "suggested_ratings": suggested,
                "confirmed_ratings": confirmed if state != "draft" else {},
                "justifications": justifications if state != "draft" else {},
                "decision": {},
                "current_step": "summary" if state != "draft" else r.choice(steps),
                "completed_steps": steps if state != "draft" else steps[: r.randint(1, 6)],
                "version": 9,
                "created_by_id": clinician,
                "updated_by_id": clinician,
                "contributors": [clinician],
                "created_at": started,
                "updated_at": started + datetime.timedelta(minutes=40),
            }
        )
        self.log(rows, Assessment, aid, pid, clinician, started, LogEntry.Action.CREATE)
        for k in range(VIEWS_PER_ASSESSMENT):
            at = started + datetime.timedelta(minutes=5 + 10 * k)
            self.log(rows, Patient, pid, pid, clinician, at, LogEntry.Action.ACCESS)
        if state == "draft":
            return aid, None
        decision = evaluate(self.rs, confirmed, flags)
        rid = self.new_id(Recommendation)
        computed = started + datetime.timedelta(minutes=35)
        rows[Recommendation].append(
            {
                "id": rid,
                "assessment_id": aid,
                "rule_set_id": self.db_rule_set.pk,
                "rule_set_label": self.rs.label,
                "ratings": confirmed,
                "flags": flags,
                "answers": engine_answers,
                "suggested_ratings": suggested,
                "rating_reasons": [x.as_dict() for x in rating_reasons],
                "level": decision.level,
                "withdrawal_level": decision.withdrawal_level or "",
                "modifiers": list(decision.modifiers),
                "reasons": [x.as_dict() for x in decision.reasons],
                "input_digest": _digest(self.rs.label, confirmed, flags, engine_answers),
                "created_at": computed,
                "created_by_id": clinician,
            }
        )
        self.log(rows, Recommendation, rid, pid, clinician, computed, LogEntry.Action.CREATE)
        rounds = ["returned", state] if state == "signed" and r.random() < 0.05 else [state]
        number = None
        signed = None
        for round_no, round_state in enumerate(rounds, start=1):
            submitted = computed + datetime.timedelta(minutes=5 + 60 * 24 * (round_no - 1))
            plid, signed_now = self.placement(
                aid, rid, decision, round_no, round_state, number, submitted, clinician,
                supervisor, staff, rows, pid,
            )  # fmt: skip
            number = number or plid
            signed = signed_now or signed
        return aid, signed

    def placement(self, aid, rid, decision, round_no, state, number, submitted, clinician,
                  supervisor, staff, rows, pid):  # fmt: skip
        r = self.rnd
        plid = self.new_id(Placement)
        level = decision.level
        wm = decision.withdrawal_level or ""
        differs = r.random() < 0.15
        provided = level
        if differs:
            lower = [lv.code for lv in self.rs.levels_of(self.rs.primary_track)
                     if lv.rank < self.rs.level(level).rank]  # fmt: skip
            provided = lower[-1] if lower else level
            differs = provided != level
        decided = submitted + datetime.timedelta(hours=r.randint(2, 40))
        claimed = state in ("in_review", "signed", "returned")
        final = provided if state == "signed" else ""
        due = None
        if state == "signed":
            days = [lv.review_days for code in (final, wm) if code
                    for lv in [self.rs.level(code)] if lv.review_days]  # fmt: skip
            due = timezone.localdate(decided) + datetime.timedelta(days=min(days)) if days else None
        rows[Placement].append(
            {
                "id": plid,
                "assessment_id": aid,
                "program_id": staff["program"].pk,
                "recommendation_id": rid,
                "number": number or plid,
                "round": round_no,
                "status": state,
                "indicated_level": level,
                "indicated_withdrawal_level": wm,
                "indicated_intensity": self.rs.level(level).care_intensity,
                "edition": self.rs.edition,
                "emergency": "EMERGENCY" in decision.modifiers,
                "provided_level": provided,
                "provided_withdrawal_level": wm,
                "discrepancy": differs,
                "discrepancy_reason": r.choice(REASONS) if differs else "not_applicable",
                "discrepancy_text": "",
                "authorized_level": "",
                "clinician_note": "",
                "submitted_by_id": clinician,
                "submitted_at": submitted,
                "reviewer_id": supervisor if claimed else None,
                "claimed_at": submitted + datetime.timedelta(hours=1) if claimed else None,
                "review_comment": "Please check the D5 rating." if state == "returned" else "",
                "override_level": "",
                "override_withdrawal_level": "",
                "override_reason": "",
                "override_comment": "",
                "decided_at": decided if state in ("signed", "returned") else None,
                "final_level": final,
                "final_withdrawal_level": wm if state == "signed" else "",
                "next_review_date": due,
                "corrects_id": None,
            }
        )
        events = [("submitted", clinician, submitted)]
        if claimed:
            events.append(("claimed", supervisor, submitted + datetime.timedelta(hours=1)))
        if state in ("signed", "returned"):
            events.append(("approved" if state == "signed" else "returned", supervisor, decided))
        for action, actor, at in events:
            rows[ReviewEvent].append(
                {"id": self.new_id(ReviewEvent), "placement_id": plid, "action": action,
                 "actor_id": actor, "at": at, "comment": ""}
            )  # fmt: skip
        self.log(rows, Placement, plid, pid, clinician, submitted, LogEntry.Action.CREATE)
        if state == "signed":
            rows[Signature].append(
                {
                    "id": self.new_id(Signature),
                    "placement_id": plid,
                    "signer_id": supervisor,
                    "signer_name": staff["names"][supervisor],
                    "signer_role": "Supervisor",
                    "meaning": "Approved the placement as decided by the clinician",
                    "signed_at": decided,
                }
            )
            self.log(rows, Placement, plid, pid, supervisor, decided, LogEntry.Action.UPDATE,
                     changes={"status": ["in_review", "signed"]})  # fmt: skip
            return plid, (plid, due)
        return plid, None

    # -- audit -------------------------------------------------------------------------------

    def log(self, rows, model, object_id, patient_id, actor, at, action, changes=None) -> None:
        eid = self.new_id(LogEntry)
        data = {"patient_id": patient_id}
        if action == LogEntry.Action.ACCESS:
            data["page"] = "patient"
        rows[LogEntry].append(
            {
                "id": eid,
                "content_type_id": self.ct[model],
                "object_pk": str(object_id),
                "object_id": object_id,
                "object_repr": f"{model._meta.verbose_name.capitalize()} {object_id}",
                "serialized_data": None,
                "action": action,
                "changes_text": "",
                "changes": changes or {},
                "actor_id": actor,
                "cid": None,
                "remote_addr": "10.0.0.1",
                "remote_port": None,
                "timestamp": at,
                "additional_data": data,
                "actor_email": None,
            }
        )
        rows[PatientLink].append(
            {"id": self.new_id(PatientLink), "entry_id": eid, "patient_id": patient_id,
             "timestamp": at}
        )  # fmt: skip

    def extra_audit(self, count: int, patient_ids: list[int], user_ids: list[int]) -> None:
        """``count`` more views of patients spread over the past two years."""
        r = self.rnd
        done = 0
        while done < count:
            rows = {LogEntry: [], PatientLink: []}
            for _ in range(min(CHUNK * 25, count - done)):
                at = self.now - datetime.timedelta(seconds=r.randint(0, 2 * 365 * 86400))
                pid = r.choice(patient_ids)
                self.log(rows, Patient, pid, pid, r.choice(user_ids), at, LogEntry.Action.ACCESS)
            with transaction.atomic():
                insert(LogEntry, rows[LogEntry])
                insert(PatientLink, rows[PatientLink])
            done += len(rows[LogEntry])


ORDER = (Patient, Assessment, Recommendation, Placement, ReviewEvent, Signature, LogEntry,
         PatientLink)  # fmt: skip


def build(
    *,
    patients: int,
    audit_entries: int = 0,
    seed: int = 2026,
    progress=None,
    programs: int = PROGRAMS,
    prefix: str = "net",
    latest=None,
) -> dict:
    """Add ``patients`` patients with their histories (and ``audit_entries`` more audit
    entries) to ``programs`` programs coded ``prefix``-NN. ``latest`` weighs the state of each
    patient's latest assessment (default: LATEST). Returns how many rows of each kind were
    written."""
    rnd = random.Random(seed)  # noqa: S311 - demo data
    network = Network(rnd=rnd, now=timezone.now(), latest=latest)
    staff = network.staff(programs, prefix)
    written = {m.__name__: 0 for m in ORDER}
    done = 0
    while done < patients:
        rows = {m: [] for m in ORDER}
        for _ in range(min(CHUNK, patients - done)):
            network.patient(staff[network.rnd.randrange(len(staff))], rows)
        with transaction.atomic():
            # (Django's foreign keys are checked at commit, so the order within does not
            # matter.)
            for model in ORDER:
                written[model.__name__] += insert(model, rows[model])
        done += len(rows[Patient])
        if progress:
            progress(done)
    if audit_entries:
        user_ids = [u for s in staff for u in s["clinicians"]]
        patient_ids = list(Patient.objects.values_list("pk", flat=True))
        network.extra_audit(audit_entries, patient_ids, user_ids)
        written["LogEntry"] += audit_entries
        written["PatientLink"] += audit_entries
    reset_sequences(*ORDER)
    return written
