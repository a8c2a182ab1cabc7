import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from medcode.plans.v1 import plans_pb2 as _plans_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubjectType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBJECT_TYPE_UNSPECIFIED: _ClassVar[SubjectType]
    SUBJECT_TYPE_GUEST: _ClassVar[SubjectType]
    SUBJECT_TYPE_USER: _ClassVar[SubjectType]

class ViewReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VIEW_REASON_UNSPECIFIED: _ClassVar[ViewReason]
    VIEW_REASON_ALLOWED: _ClassVar[ViewReason]
    VIEW_REASON_REPEAT_VIEW: _ClassVar[ViewReason]
    VIEW_REASON_UNLIMITED: _ClassVar[ViewReason]
    VIEW_REASON_LIMIT_REACHED: _ClassVar[ViewReason]
    VIEW_REASON_IP_CAP_REACHED: _ClassVar[ViewReason]

class QuotaReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUOTA_REASON_UNSPECIFIED: _ClassVar[QuotaReason]
    QUOTA_REASON_ALLOWED: _ClassVar[QuotaReason]
    QUOTA_REASON_RATE_LIMITED: _ClassVar[QuotaReason]
    QUOTA_REASON_QUOTA_EXHAUSTED: _ClassVar[QuotaReason]

class QuestionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUESTION_REASON_UNSPECIFIED: _ClassVar[QuestionReason]
    QUESTION_REASON_ALLOWED: _ClassVar[QuestionReason]
    QUESTION_REASON_UNLIMITED: _ClassVar[QuestionReason]
    QUESTION_REASON_LIMIT_REACHED: _ClassVar[QuestionReason]
    QUESTION_REASON_IP_CAP_REACHED: _ClassVar[QuestionReason]
SUBJECT_TYPE_UNSPECIFIED: SubjectType
SUBJECT_TYPE_GUEST: SubjectType
SUBJECT_TYPE_USER: SubjectType
VIEW_REASON_UNSPECIFIED: ViewReason
VIEW_REASON_ALLOWED: ViewReason
VIEW_REASON_REPEAT_VIEW: ViewReason
VIEW_REASON_UNLIMITED: ViewReason
VIEW_REASON_LIMIT_REACHED: ViewReason
VIEW_REASON_IP_CAP_REACHED: ViewReason
QUOTA_REASON_UNSPECIFIED: QuotaReason
QUOTA_REASON_ALLOWED: QuotaReason
QUOTA_REASON_RATE_LIMITED: QuotaReason
QUOTA_REASON_QUOTA_EXHAUSTED: QuotaReason
QUESTION_REASON_UNSPECIFIED: QuestionReason
QUESTION_REASON_ALLOWED: QuestionReason
QUESTION_REASON_UNLIMITED: QuestionReason
QUESTION_REASON_LIMIT_REACHED: QuestionReason
QUESTION_REASON_IP_CAP_REACHED: QuestionReason

class ConsumeViewRequest(_message.Message):
    __slots__ = ("subject_type", "subject_id", "legacy_plan", "system", "code", "client_ip", "plan")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    LEGACY_PLAN_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    subject_type: SubjectType
    subject_id: str
    legacy_plan: str
    system: str
    code: str
    client_ip: str
    plan: _plans_pb2.Plan
    def __init__(self, subject_type: _Optional[_Union[SubjectType, str]] = ..., subject_id: _Optional[str] = ..., legacy_plan: _Optional[str] = ..., system: _Optional[str] = ..., code: _Optional[str] = ..., client_ip: _Optional[str] = ..., plan: _Optional[_Union[_plans_pb2.Plan, str]] = ...) -> None: ...

class ViewPolicy(_message.Message):
    __slots__ = ("guest_views", "free_extra_views", "guest_ip_daily_cap")
    GUEST_VIEWS_FIELD_NUMBER: _ClassVar[int]
    FREE_EXTRA_VIEWS_FIELD_NUMBER: _ClassVar[int]
    GUEST_IP_DAILY_CAP_FIELD_NUMBER: _ClassVar[int]
    guest_views: int
    free_extra_views: int
    guest_ip_daily_cap: int
    def __init__(self, guest_views: _Optional[int] = ..., free_extra_views: _Optional[int] = ..., guest_ip_daily_cap: _Optional[int] = ...) -> None: ...

class ConsumeViewResponse(_message.Message):
    __slots__ = ("allowed", "unlimited", "remaining", "limit", "reason", "policy")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    UNLIMITED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    unlimited: bool
    remaining: int
    limit: int
    reason: ViewReason
    policy: ViewPolicy
    def __init__(self, allowed: _Optional[bool] = ..., unlimited: _Optional[bool] = ..., remaining: _Optional[int] = ..., limit: _Optional[int] = ..., reason: _Optional[_Union[ViewReason, str]] = ..., policy: _Optional[_Union[ViewPolicy, _Mapping]] = ...) -> None: ...

class GetViewAllowanceRequest(_message.Message):
    __slots__ = ("subject_type", "subject_id", "legacy_plan", "plan")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    LEGACY_PLAN_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    subject_type: SubjectType
    subject_id: str
    legacy_plan: str
    plan: _plans_pb2.Plan
    def __init__(self, subject_type: _Optional[_Union[SubjectType, str]] = ..., subject_id: _Optional[str] = ..., legacy_plan: _Optional[str] = ..., plan: _Optional[_Union[_plans_pb2.Plan, str]] = ...) -> None: ...

class GetViewAllowanceResponse(_message.Message):
    __slots__ = ("unlimited", "remaining", "limit", "resets_at", "policy")
    UNLIMITED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    RESETS_AT_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    unlimited: bool
    remaining: int
    limit: int
    resets_at: _timestamp_pb2.Timestamp
    policy: ViewPolicy
    def __init__(self, unlimited: _Optional[bool] = ..., remaining: _Optional[int] = ..., limit: _Optional[int] = ..., resets_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., policy: _Optional[_Union[ViewPolicy, _Mapping]] = ...) -> None: ...

class TakeQuotaRequest(_message.Message):
    __slots__ = ("key_id", "monthly_quota", "rate_per_second", "burst")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_QUOTA_FIELD_NUMBER: _ClassVar[int]
    RATE_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    BURST_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    monthly_quota: int
    rate_per_second: float
    burst: int
    def __init__(self, key_id: _Optional[str] = ..., monthly_quota: _Optional[int] = ..., rate_per_second: _Optional[float] = ..., burst: _Optional[int] = ...) -> None: ...

class TakeQuotaResponse(_message.Message):
    __slots__ = ("allowed", "remaining", "limit", "reason", "retry_after_seconds", "reset_seconds")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RESET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    remaining: int
    limit: int
    reason: QuotaReason
    retry_after_seconds: float
    reset_seconds: float
    def __init__(self, allowed: _Optional[bool] = ..., remaining: _Optional[int] = ..., limit: _Optional[int] = ..., reason: _Optional[_Union[QuotaReason, str]] = ..., retry_after_seconds: _Optional[float] = ..., reset_seconds: _Optional[float] = ...) -> None: ...

class LinkGuestRequest(_message.Message):
    __slots__ = ("guest_id", "user_id")
    GUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    guest_id: str
    user_id: str
    def __init__(self, guest_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class LinkGuestResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ConsumeQuestionRequest(_message.Message):
    __slots__ = ("subject_type", "subject_id", "plan", "client_ip")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    subject_type: SubjectType
    subject_id: str
    plan: _plans_pb2.Plan
    client_ip: str
    def __init__(self, subject_type: _Optional[_Union[SubjectType, str]] = ..., subject_id: _Optional[str] = ..., plan: _Optional[_Union[_plans_pb2.Plan, str]] = ..., client_ip: _Optional[str] = ...) -> None: ...

class QuestionPolicy(_message.Message):
    __slots__ = ("guest_questions", "free_questions", "guest_ip_daily_cap")
    GUEST_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    FREE_QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    GUEST_IP_DAILY_CAP_FIELD_NUMBER: _ClassVar[int]
    guest_questions: int
    free_questions: int
    guest_ip_daily_cap: int
    def __init__(self, guest_questions: _Optional[int] = ..., free_questions: _Optional[int] = ..., guest_ip_daily_cap: _Optional[int] = ...) -> None: ...

class ConsumeQuestionResponse(_message.Message):
    __slots__ = ("allowed", "unlimited", "remaining", "limit", "policy", "reason")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    UNLIMITED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    unlimited: bool
    remaining: int
    limit: int
    policy: QuestionPolicy
    reason: QuestionReason
    def __init__(self, allowed: _Optional[bool] = ..., unlimited: _Optional[bool] = ..., remaining: _Optional[int] = ..., limit: _Optional[int] = ..., policy: _Optional[_Union[QuestionPolicy, _Mapping]] = ..., reason: _Optional[_Union[QuestionReason, str]] = ...) -> None: ...
