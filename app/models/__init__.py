"""All models, importable from one place."""

from app.crypto import register_model_events
from app.extensions import db
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
from app.models.data_key import ClientDataKey
from app.models.draft import ServerDraft
from app.models.intake import (
    CaseConfidentiality,
    CautionOverride,
    ConfidentialityPolicy,
    ConsentDocument,
    ConsentKind,
    ConsentSignature,
    ConsentWaiver,
    DisclosureAnswer,
    DisclosureRequest,
    SafetyCheck,
    SafetyCheckStatus,
    SafetyConcern,
    SafetyDecision,
)
from app.models.journal import (
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalSearchTerm,
    JournalVisibilityChange,
)
from app.models.module import Exercise, ExerciseKind, ModuleVersion, StrategyModule
from app.models.notification import (
    Notification,
    NotificationKindSetting,
    NotificationSettings,
    NotificationState,
)
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
from app.models.user import AccountLink, Invitation, LoginSession, NoteFormat, Role, User

register_model_events(db.Model)

__all__ = [
    "CaseConfidentiality",
    "CautionOverride",
    "ConfidentialityPolicy",
    "ConsentDocument",
    "ConsentKind",
    "ConsentSignature",
    "ConsentWaiver",
    "DisclosureAnswer",
    "DisclosureRequest",
    "SafetyCheck",
    "SafetyCheckStatus",
    "SafetyConcern",
    "SafetyDecision",
    "AccountLink",
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
    "ClientDataKey",
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
    "MemberRole",
    "Modality",
    "ModuleVersion",
    "NoteAmendment",
    "NoteFormat",
    "NoteStatus",
    "Notification",
    "NotificationKindSetting",
    "NotificationSettings",
    "NotificationState",
    "PdfJob",
    "PdfJobStatus",
    "ProcessNote",
    "Response",
    "ResponseStatus",
    "Role",
    "ServerDraft",
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
