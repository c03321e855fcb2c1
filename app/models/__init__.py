"""All models, importable from one place."""

from app.models.assignment import (
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Response,
    ResponseStatus,
    Visibility,
)
from app.models.audit import AuditEvent
from app.models.base import UTCDateTime, utcnow
from app.models.case import Case, CaseKind, CaseMember, CaseStatus, CaseStatusChange, MemberRole
from app.models.journal import (
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalSearchTerm,
    JournalVisibilityChange,
)
from app.models.module import Exercise, ExerciseKind, ModuleVersion, StrategyModule
from app.models.pdf_job import PdfJob, PdfJobStatus
from app.models.session import (
    CheckIn,
    CounselingSession,
    Modality,
    NoteAmendment,
    NoteStatus,
    ProcessNote,
    SessionAssignmentLink,
    SessionAttendee,
    SessionJournalPick,
    SessionKind,
    SessionNote,
)
from app.models.user import Invitation, LoginSession, NoteFormat, Role, User

__all__ = [
    "Assignment",
    "AssignmentRecipient",
    "AssignmentStatus",
    "AuditEvent",
    "Case",
    "CaseKind",
    "CaseMember",
    "CaseStatus",
    "CaseStatusChange",
    "CheckIn",
    "CounselingSession",
    "Exercise",
    "ExerciseKind",
    "Invitation",
    "JournalComment",
    "JournalEntry",
    "JournalRead",
    "JournalSearchTerm",
    "JournalVisibilityChange",
    "LoginSession",
    "Modality",
    "MemberRole",
    "ModuleVersion",
    "NoteAmendment",
    "NoteFormat",
    "NoteStatus",
    "PdfJob",
    "PdfJobStatus",
    "ProcessNote",
    "Response",
    "ResponseStatus",
    "Role",
    "SessionAssignmentLink",
    "SessionAttendee",
    "SessionJournalPick",
    "SessionKind",
    "SessionNote",
    "StrategyModule",
    "UTCDateTime",
    "User",
    "Visibility",
    "utcnow",
]
