from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_REASON_UNSPECIFIED: _ClassVar[MatchReason]
    MATCH_REASON_CODE: _ClassVar[MatchReason]
    MATCH_REASON_CODE_PREFIX: _ClassVar[MatchReason]
    MATCH_REASON_TITLE: _ClassVar[MatchReason]
    MATCH_REASON_INCLUSION_TERM: _ClassVar[MatchReason]
    MATCH_REASON_SYNONYM: _ClassVar[MatchReason]
    MATCH_REASON_FUZZY: _ClassVar[MatchReason]
    MATCH_REASON_HEADING: _ClassVar[MatchReason]
    MATCH_REASON_NOTE_REFERENCE: _ClassVar[MatchReason]
    MATCH_REASON_INDEX_TERM: _ClassVar[MatchReason]

class MatchField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_FIELD_UNSPECIFIED: _ClassVar[MatchField]
    MATCH_FIELD_CODE: _ClassVar[MatchField]
    MATCH_FIELD_TITLE: _ClassVar[MatchField]
MATCH_REASON_UNSPECIFIED: MatchReason
MATCH_REASON_CODE: MatchReason
MATCH_REASON_CODE_PREFIX: MatchReason
MATCH_REASON_TITLE: MatchReason
MATCH_REASON_INCLUSION_TERM: MatchReason
MATCH_REASON_SYNONYM: MatchReason
MATCH_REASON_FUZZY: MatchReason
MATCH_REASON_HEADING: MatchReason
MATCH_REASON_NOTE_REFERENCE: MatchReason
MATCH_REASON_INDEX_TERM: MatchReason
MATCH_FIELD_UNSPECIFIED: MatchField
MATCH_FIELD_CODE: MatchField
MATCH_FIELD_TITLE: MatchField

class SearchRequest(_message.Message):
    __slots__ = ("query", "systems", "billable_only", "limit", "offset", "within", "release", "as_of")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    WITHIN_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    query: str
    systems: _containers.RepeatedScalarFieldContainer[str]
    billable_only: bool
    limit: int
    offset: int
    within: str
    release: str
    as_of: str
    def __init__(self, query: _Optional[str] = ..., systems: _Optional[_Iterable[str]] = ..., billable_only: _Optional[bool] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., within: _Optional[str] = ..., release: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class Hit(_message.Message):
    __slots__ = ("code", "title", "system", "billable", "score", "highlight", "reasons", "matched_text", "kind", "release")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    HIGHLIGHT_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    MATCHED_TEXT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    code: str
    title: str
    system: str
    billable: bool
    score: float
    highlight: str
    reasons: _containers.RepeatedScalarFieldContainer[MatchReason]
    matched_text: str
    kind: str
    release: str
    def __init__(self, code: _Optional[str] = ..., title: _Optional[str] = ..., system: _Optional[str] = ..., billable: _Optional[bool] = ..., score: _Optional[float] = ..., highlight: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[MatchReason, str]]] = ..., matched_text: _Optional[str] = ..., kind: _Optional[str] = ..., release: _Optional[str] = ...) -> None: ...

class SearchResponse(_message.Message):
    __slots__ = ("hits", "total")
    HITS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    hits: _containers.RepeatedCompositeFieldContainer[Hit]
    total: int
    def __init__(self, hits: _Optional[_Iterable[_Union[Hit, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class SuggestRequest(_message.Message):
    __slots__ = ("query", "systems", "limit", "billable_only")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    query: str
    systems: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    billable_only: bool
    def __init__(self, query: _Optional[str] = ..., systems: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., billable_only: _Optional[bool] = ...) -> None: ...

class SuggestResponse(_message.Message):
    __slots__ = ("suggestions",)
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[Hit]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[Hit, _Mapping]]] = ...) -> None: ...

class MatchPrefixesRequest(_message.Message):
    __slots__ = ("system", "terms", "fields", "billable_only", "offset", "limit", "q", "title_fields", "synonyms", "kinds")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    TERMS_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    Q_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    SYNONYMS_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    system: str
    terms: str
    fields: _containers.RepeatedScalarFieldContainer[MatchField]
    billable_only: bool
    offset: int
    limit: int
    q: str
    title_fields: _containers.RepeatedScalarFieldContainer[str]
    synonyms: bool
    kinds: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, system: _Optional[str] = ..., terms: _Optional[str] = ..., fields: _Optional[_Iterable[_Union[MatchField, str]]] = ..., billable_only: _Optional[bool] = ..., offset: _Optional[int] = ..., limit: _Optional[int] = ..., q: _Optional[str] = ..., title_fields: _Optional[_Iterable[str]] = ..., synonyms: _Optional[bool] = ..., kinds: _Optional[_Iterable[str]] = ...) -> None: ...

class MatchPrefixesResponse(_message.Message):
    __slots__ = ("total", "hits")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    HITS_FIELD_NUMBER: _ClassVar[int]
    total: int
    hits: _containers.RepeatedCompositeFieldContainer[Hit]
    def __init__(self, total: _Optional[int] = ..., hits: _Optional[_Iterable[_Union[Hit, _Mapping]]] = ...) -> None: ...

class GetIndexStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetIndexStatusResponse(_message.Message):
    __slots__ = ("releases", "document_count", "build_seconds", "rebuilding")
    RELEASES_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    BUILD_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REBUILDING_FIELD_NUMBER: _ClassVar[int]
    releases: _containers.RepeatedScalarFieldContainer[str]
    document_count: int
    build_seconds: float
    rebuilding: bool
    def __init__(self, releases: _Optional[_Iterable[str]] = ..., document_count: _Optional[int] = ..., build_seconds: _Optional[float] = ..., rebuilding: _Optional[bool] = ...) -> None: ...
