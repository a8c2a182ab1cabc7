import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from medcode.plans.v1 import plans_pb2 as _plans_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReleaseKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RELEASE_KIND_UNSPECIFIED: _ClassVar[ReleaseKind]
    RELEASE_KIND_CODE_SET: _ClassVar[ReleaseKind]
    RELEASE_KIND_DATASET: _ClassVar[ReleaseKind]
RELEASE_KIND_UNSPECIFIED: ReleaseKind
RELEASE_KIND_CODE_SET: ReleaseKind
RELEASE_KIND_DATASET: ReleaseKind

class EventEnvelope(_message.Message):
    __slots__ = ("id", "type", "time", "schema_version", "payload")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_VERSION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    time: _timestamp_pb2.Timestamp
    schema_version: int
    payload: bytes
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., schema_version: _Optional[int] = ..., payload: _Optional[bytes] = ...) -> None: ...

class UserRegistered(_message.Message):
    __slots__ = ("user_id", "email_hash", "guest_id", "legacy_plan", "plan")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_HASH_FIELD_NUMBER: _ClassVar[int]
    GUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LEGACY_PLAN_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email_hash: str
    guest_id: str
    legacy_plan: str
    plan: _plans_pb2.Plan
    def __init__(self, user_id: _Optional[str] = ..., email_hash: _Optional[str] = ..., guest_id: _Optional[str] = ..., legacy_plan: _Optional[str] = ..., plan: _Optional[_Union[_plans_pb2.Plan, str]] = ...) -> None: ...

class ApiKeyRevoked(_message.Message):
    __slots__ = ("key_id", "owner_user_id", "revoked_at")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    owner_user_id: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., owner_user_id: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ViewConsumed(_message.Message):
    __slots__ = ("subject_type", "subject_id", "system", "code", "remaining")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    subject_type: str
    subject_id: str
    system: str
    code: str
    remaining: int
    def __init__(self, subject_type: _Optional[str] = ..., subject_id: _Optional[str] = ..., system: _Optional[str] = ..., code: _Optional[str] = ..., remaining: _Optional[int] = ...) -> None: ...

class ReleasePublished(_message.Message):
    __slots__ = ("system", "release", "kind", "dataset_kind", "content_digest", "replaced", "systems", "effective_date")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DATASET_KIND_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    system: str
    release: str
    kind: ReleaseKind
    dataset_kind: str
    content_digest: str
    replaced: bool
    systems: _containers.RepeatedScalarFieldContainer[str]
    effective_date: str
    def __init__(self, system: _Optional[str] = ..., release: _Optional[str] = ..., kind: _Optional[_Union[ReleaseKind, str]] = ..., dataset_kind: _Optional[str] = ..., content_digest: _Optional[str] = ..., replaced: _Optional[bool] = ..., systems: _Optional[_Iterable[str]] = ..., effective_date: _Optional[str] = ...) -> None: ...
