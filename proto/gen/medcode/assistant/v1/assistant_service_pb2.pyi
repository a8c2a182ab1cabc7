from medcode.codes.v1 import codes_service_pb2 as _codes_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Intent(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTENT_UNSPECIFIED: _ClassVar[Intent]
    INTENT_OUT_OF_SCOPE: _ClassVar[Intent]
    INTENT_CODE_MEANING: _ClassVar[Intent]
    INTENT_BILLABLE: _ClassVar[Intent]
    INTENT_FIND_CODE: _ClassVar[Intent]
    INTENT_NOTES: _ClassVar[Intent]
    INTENT_SEVENTH_CHARACTER: _ClassVar[Intent]
    INTENT_HIERARCHY: _ClassVar[Intent]
    INTENT_CROSSWALK: _ClassVar[Intent]
    INTENT_CC_MCC: _ClassVar[Intent]
    INTENT_ADD_ON: _ClassVar[Intent]
    INTENT_NCCI_PTP: _ClassVar[Intent]
    INTENT_MUE: _ClassVar[Intent]
    INTENT_FEE_SCHEDULE: _ClassVar[Intent]
    INTENT_MODIFIER: _ClassVar[Intent]
    INTENT_PCS_STRUCTURE: _ClassVar[Intent]
    INTENT_CONVENTION: _ClassVar[Intent]
    INTENT_GUIDELINE: _ClassVar[Intent]
    INTENT_COVERAGE: _ClassVar[Intent]
INTENT_UNSPECIFIED: Intent
INTENT_OUT_OF_SCOPE: Intent
INTENT_CODE_MEANING: Intent
INTENT_BILLABLE: Intent
INTENT_FIND_CODE: Intent
INTENT_NOTES: Intent
INTENT_SEVENTH_CHARACTER: Intent
INTENT_HIERARCHY: Intent
INTENT_CROSSWALK: Intent
INTENT_CC_MCC: Intent
INTENT_ADD_ON: Intent
INTENT_NCCI_PTP: Intent
INTENT_MUE: Intent
INTENT_FEE_SCHEDULE: Intent
INTENT_MODIFIER: Intent
INTENT_PCS_STRUCTURE: Intent
INTENT_CONVENTION: Intent
INTENT_GUIDELINE: Intent
INTENT_COVERAGE: Intent

class AskRequest(_message.Message):
    __slots__ = ("question", "context_code", "conversation_id")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_CODE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    question: str
    context_code: CodeRef
    conversation_id: str
    def __init__(self, question: _Optional[str] = ..., context_code: _Optional[_Union[CodeRef, _Mapping]] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class AskStreamRequest(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: AskRequest
    def __init__(self, request: _Optional[_Union[AskRequest, _Mapping]] = ...) -> None: ...

class CodeRef(_message.Message):
    __slots__ = ("system", "code")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    system: _codes_service_pb2.CodeSystem
    code: str
    def __init__(self, system: _Optional[_Union[_codes_service_pb2.CodeSystem, str]] = ..., code: _Optional[str] = ...) -> None: ...

class Citation(_message.Message):
    __slots__ = ("system", "code", "release", "source", "reference")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    system: _codes_service_pb2.CodeSystem
    code: str
    release: str
    source: str
    reference: str
    def __init__(self, system: _Optional[_Union[_codes_service_pb2.CodeSystem, str]] = ..., code: _Optional[str] = ..., release: _Optional[str] = ..., source: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class MentionedCode(_message.Message):
    __slots__ = ("system", "code", "title", "billable", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: _codes_service_pb2.CodeSystem
    code: str
    title: str
    billable: bool
    release: str
    def __init__(self, system: _Optional[_Union[_codes_service_pb2.CodeSystem, str]] = ..., code: _Optional[str] = ..., title: _Optional[str] = ..., billable: _Optional[bool] = ..., release: _Optional[str] = ...) -> None: ...

class AskResponse(_message.Message):
    __slots__ = ("answer", "citations", "codes", "follow_ups", "intent", "conversation_id", "not_loaded", "unknown_codes")
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    CITATIONS_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    NOT_LOADED_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_CODES_FIELD_NUMBER: _ClassVar[int]
    answer: str
    citations: _containers.RepeatedCompositeFieldContainer[Citation]
    codes: _containers.RepeatedCompositeFieldContainer[MentionedCode]
    follow_ups: _containers.RepeatedScalarFieldContainer[str]
    intent: Intent
    conversation_id: str
    not_loaded: _containers.RepeatedScalarFieldContainer[str]
    unknown_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, answer: _Optional[str] = ..., citations: _Optional[_Iterable[_Union[Citation, _Mapping]]] = ..., codes: _Optional[_Iterable[_Union[MentionedCode, _Mapping]]] = ..., follow_ups: _Optional[_Iterable[str]] = ..., intent: _Optional[_Union[Intent, str]] = ..., conversation_id: _Optional[str] = ..., not_loaded: _Optional[_Iterable[str]] = ..., unknown_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class AskStreamResponse(_message.Message):
    __slots__ = ("text", "final")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    text: str
    final: AskResponse
    def __init__(self, text: _Optional[str] = ..., final: _Optional[_Union[AskResponse, _Mapping]] = ...) -> None: ...

class Case2CodeRequest(_message.Message):
    __slots__ = ("text", "limit")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    text: str
    limit: int
    def __init__(self, text: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("start", "end", "text")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    text: str
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class Case2CodeSuggestion(_message.Message):
    __slots__ = ("system", "code", "title", "score", "evidence", "negated", "historical")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    NEGATED_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_FIELD_NUMBER: _ClassVar[int]
    system: _codes_service_pb2.CodeSystem
    code: str
    title: str
    score: float
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    negated: bool
    historical: bool
    def __init__(self, system: _Optional[_Union[_codes_service_pb2.CodeSystem, str]] = ..., code: _Optional[str] = ..., title: _Optional[str] = ..., score: _Optional[float] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., negated: _Optional[bool] = ..., historical: _Optional[bool] = ...) -> None: ...

class Case2CodeResponse(_message.Message):
    __slots__ = ("suggestions", "missing", "excluded")
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[Case2CodeSuggestion]
    missing: _containers.RepeatedScalarFieldContainer[str]
    excluded: _containers.RepeatedCompositeFieldContainer[Case2CodeSuggestion]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[Case2CodeSuggestion, _Mapping]]] = ..., missing: _Optional[_Iterable[str]] = ..., excluded: _Optional[_Iterable[_Union[Case2CodeSuggestion, _Mapping]]] = ...) -> None: ...
