"""The fixture's sessions and appointments: past sessions with notes and check-ins, one
upcoming, and a weekly series of booked appointments."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.crypto import new_uid
from app.models import (
    Appointment,
    AppointmentAttendee,
    AppointmentSeries,
    AppointmentStatus,
    CheckIn,
    CounselingSession,
    MemberRole,
    Modality,
    NoteFormat,
    NoteStatus,
    SessionAssignmentLink,
    SessionAttendee,
    SessionKind,
    SessionNote,
)
from bench.seed_base import GeneratorBase
from bench.seed_shape import SEED, SESSIONS_PER_CASE


class SessionsPart(GeneratorBase):
    """Writes each case's counseling sessions and appointments."""

    def appointments(self, case_id: int, counselor_id: int, members: list[int]) -> None:
        """A weekly series: two past (attended) and six booked occurrences, UTC wall clock.

        Its own random stream, so the rest of the generated data is the same as before.
        """
        rng = random.Random(SEED * 1000 + case_id)
        first = (self.now - timedelta(weeks=2)).replace(minute=0, second=0, microsecond=0)
        first = first.replace(hour=rng.randint(8, 17)) + timedelta(days=rng.randint(0, 4))
        series_id = self.ids.take("appointment_series")
        self.out.add(
            AppointmentSeries,
            id=series_id,
            uid=f"{new_uid()}@rekindle",
            case_id=case_id,
            counselor_id=counselor_id,
            rrule="FREQ=WEEKLY;INTERVAL=1;COUNT=8",
            local_start=first.replace(tzinfo=None),
            timezone="UTC",
            sequence=0,
            created_at=first - timedelta(days=7),
        )
        for k in range(8):
            starts = first + timedelta(weeks=k)
            appointment_id = self.ids.take("appointments")
            past = starts < self.now
            self.out.add(
                Appointment,
                id=appointment_id,
                uid=f"{new_uid()}@rekindle",
                case_id=case_id,
                counselor_id=counselor_id,
                series_id=series_id,
                original_start=starts,
                starts_at=starts,
                timezone="UTC",
                duration_minutes=50,
                modality=Modality.IN_PERSON.value,
                location="Room 1",
                kind=(SessionKind.JOINT if len(members) == 2 else SessionKind.INDIVIDUAL).value,
                status=(AppointmentStatus.ATTENDED if past else AppointmentStatus.BOOKED).value,
                sequence=1 if past else 0,
                created_at=first - timedelta(days=7),
                updated_at=first - timedelta(days=7),
            )
            for user_id in members:
                self.out.add(AppointmentAttendee, appointment_id=appointment_id, user_id=user_id)

    def sessions(
        self,
        case_id: int,
        counselor_id: int,
        members: list[tuple[int, MemberRole]],
        start: datetime,
        weeks: int,
        assignments: list[int],
        rng: random.Random,
        long_notes: bool = False,
    ) -> None:
        """Ten sessions: the last one upcoming, the others with signed notes and check-ins."""
        span = timedelta(weeks=weeks)
        for k in range(SESSIONS_PER_CASE):
            session_id = self.ids.take("counseling_sessions")
            upcoming = k == SESSIONS_PER_CASE - 1
            starts = (
                self.now + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
                if upcoming
                else start + span * (k + 0.5) / SESSIONS_PER_CASE
            )
            self.out.add(
                CounselingSession,
                id=session_id,
                case_id=case_id,
                counselor_id=counselor_id,
                starts_at=starts,
                duration_minutes=50,
                modality=rng.choice(list(Modality)).value,
                kind=SessionKind.JOINT.value if len(members) == 2 else SessionKind.INDIVIDUAL.value,
                created_at=starts - timedelta(days=7),
            )
            if upcoming:
                continue
            for user_id, _role in members:
                self.out.add(SessionAttendee, session_id=session_id, user_id=user_id)
                check_in_id = self.ids.take("check_ins")
                scores = {
                    "satisfaction": rng.randint(2, 9),
                    "communication": rng.randint(2, 9),
                    "closeness": rng.randint(2, 9),
                    "hope": rng.randint(3, 10),
                }
                self.out.add(
                    CheckIn,
                    id=check_in_id,
                    case_id=case_id,
                    user_id=user_id,
                    scores_ct=self.enc(
                        "check_ins", "scores", check_in_id, scores, as_json=True, owner=user_id
                    ),
                    created_at=starts - timedelta(hours=rng.randint(2, 48)),
                )
            note_uid = new_uid()
            note_id = self.ids.take("session_notes")
            # Counselor A's first case has notes of growing length, so that the benchmark
            # can pick summaries of 3 and 6 pages (docs/performance.md S4).
            scale = k + 1 if long_notes else 1
            sections = {
                "subjective": self.text(rng, 4 * scale, 8 * scale),
                "objective": self.text(rng, 2 * scale, 5 * scale),
                "assessment": self.text(rng, 3 * scale, 6 * scale),
                "plan": self.text(rng, 2 * scale, 5 * scale),
                "focus": self.text(rng, 1, 3),
                "next_steps": self.text(rng, 1, 3),
            }
            signed = k < SESSIONS_PER_CASE - 2
            self.out.add(
                SessionNote,
                id=note_id,
                uid=note_uid,
                session_id=session_id,
                format=NoteFormat.SOAP.value,
                sections_ct=self.enc("session_notes", "sections", note_id, sections, as_json=True),
                status=(NoteStatus.SIGNED if signed else NoteStatus.DRAFT).value,
                signed_by_id=counselor_id if signed else None,
                signed_at=starts + timedelta(hours=3) if signed else None,
                version=1,
                draft_seq=0,
                updated_at=starts + timedelta(hours=3),
            )
            relation = "homework" if k % 2 == 0 else "reviewed"
            self.out.add(
                SessionAssignmentLink,
                session_id=session_id,
                assignment_id=assignments[k // 2 % len(assignments)],
                relation=relation,
            )
