from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CodeSystem(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CODE_SYSTEM_UNSPECIFIED: _ClassVar[CodeSystem]
    CODE_SYSTEM_ICD10CM: _ClassVar[CodeSystem]
    CODE_SYSTEM_ICD10PCS: _ClassVar[CodeSystem]
    CODE_SYSTEM_HCPCS: _ClassVar[CodeSystem]
    CODE_SYSTEM_CPT: _ClassVar[CodeSystem]

class NoteType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTE_TYPE_UNSPECIFIED: _ClassVar[NoteType]
    NOTE_TYPE_INCLUDES: _ClassVar[NoteType]
    NOTE_TYPE_INCLUSION_TERM: _ClassVar[NoteType]
    NOTE_TYPE_EXCLUDES1: _ClassVar[NoteType]
    NOTE_TYPE_EXCLUDES2: _ClassVar[NoteType]
    NOTE_TYPE_CODE_FIRST: _ClassVar[NoteType]
    NOTE_TYPE_USE_ADDITIONAL_CODE: _ClassVar[NoteType]
    NOTE_TYPE_CODE_ALSO: _ClassVar[NoteType]
    NOTE_TYPE_NOTE: _ClassVar[NoteType]
    NOTE_TYPE_SEVENTH_CHARACTER_NOTE: _ClassVar[NoteType]

class ValidationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VALIDATION_STATUS_UNSPECIFIED: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_BILLABLE: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_NOT_BILLABLE: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_NOT_FOUND: _ClassVar[ValidationStatus]
    VALIDATION_STATUS_MALFORMED: _ClassVar[ValidationStatus]
CODE_SYSTEM_UNSPECIFIED: CodeSystem
CODE_SYSTEM_ICD10CM: CodeSystem
CODE_SYSTEM_ICD10PCS: CodeSystem
CODE_SYSTEM_HCPCS: CodeSystem
CODE_SYSTEM_CPT: CodeSystem
NOTE_TYPE_UNSPECIFIED: NoteType
NOTE_TYPE_INCLUDES: NoteType
NOTE_TYPE_INCLUSION_TERM: NoteType
NOTE_TYPE_EXCLUDES1: NoteType
NOTE_TYPE_EXCLUDES2: NoteType
NOTE_TYPE_CODE_FIRST: NoteType
NOTE_TYPE_USE_ADDITIONAL_CODE: NoteType
NOTE_TYPE_CODE_ALSO: NoteType
NOTE_TYPE_NOTE: NoteType
NOTE_TYPE_SEVENTH_CHARACTER_NOTE: NoteType
VALIDATION_STATUS_UNSPECIFIED: ValidationStatus
VALIDATION_STATUS_BILLABLE: ValidationStatus
VALIDATION_STATUS_NOT_BILLABLE: ValidationStatus
VALIDATION_STATUS_NOT_FOUND: ValidationStatus
VALIDATION_STATUS_MALFORMED: ValidationStatus

class ReleaseSelector(_message.Message):
    __slots__ = ("release", "as_of")
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    release: str
    as_of: str
    def __init__(self, release: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class CodeSummary(_message.Message):
    __slots__ = ("code", "title", "kind", "billable")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    code: str
    title: str
    kind: str
    billable: bool
    def __init__(self, code: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., billable: _Optional[bool] = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("type", "text", "source_code", "inherited")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CODE_FIELD_NUMBER: _ClassVar[int]
    INHERITED_FIELD_NUMBER: _ClassVar[int]
    type: NoteType
    text: str
    source_code: str
    inherited: bool
    def __init__(self, type: _Optional[_Union[NoteType, str]] = ..., text: _Optional[str] = ..., source_code: _Optional[str] = ..., inherited: _Optional[bool] = ...) -> None: ...

class SeventhCharacter(_message.Message):
    __slots__ = ("character", "description", "source_code")
    CHARACTER_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CODE_FIELD_NUMBER: _ClassVar[int]
    character: str
    description: str
    source_code: str
    def __init__(self, character: _Optional[str] = ..., description: _Optional[str] = ..., source_code: _Optional[str] = ...) -> None: ...

class PcsAxis(_message.Message):
    __slots__ = ("position", "name", "value", "label")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    position: int
    name: str
    value: str
    label: str
    def __init__(self, position: _Optional[int] = ..., name: _Optional[str] = ..., value: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class RootOperation(_message.Message):
    __slots__ = ("name", "definition", "explanation", "examples")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DEFINITION_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    definition: str
    explanation: str
    examples: str
    def __init__(self, name: _Optional[str] = ..., definition: _Optional[str] = ..., explanation: _Optional[str] = ..., examples: _Optional[str] = ...) -> None: ...

class Code(_message.Message):
    __slots__ = ("system", "code", "title", "kind", "billable", "release", "parent", "ancestors", "children", "notes", "seventh_characters", "pcs_axes", "root_operation")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    ANCESTORS_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    SEVENTH_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    PCS_AXES_FIELD_NUMBER: _ClassVar[int]
    ROOT_OPERATION_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    title: str
    kind: str
    billable: bool
    release: str
    parent: CodeSummary
    ancestors: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    children: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    notes: _containers.RepeatedCompositeFieldContainer[Note]
    seventh_characters: _containers.RepeatedCompositeFieldContainer[SeventhCharacter]
    pcs_axes: _containers.RepeatedCompositeFieldContainer[PcsAxis]
    root_operation: RootOperation
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., billable: _Optional[bool] = ..., release: _Optional[str] = ..., parent: _Optional[_Union[CodeSummary, _Mapping]] = ..., ancestors: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., children: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., notes: _Optional[_Iterable[_Union[Note, _Mapping]]] = ..., seventh_characters: _Optional[_Iterable[_Union[SeventhCharacter, _Mapping]]] = ..., pcs_axes: _Optional[_Iterable[_Union[PcsAxis, _Mapping]]] = ..., root_operation: _Optional[_Union[RootOperation, _Mapping]] = ...) -> None: ...

class GetCodeRequest(_message.Message):
    __slots__ = ("system", "code", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class GetCodeResponse(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: Code
    def __init__(self, code: _Optional[_Union[Code, _Mapping]] = ...) -> None: ...

class BatchGetCodesRequest(_message.Message):
    __slots__ = ("system", "codes", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    codes: _containers.RepeatedScalarFieldContainer[str]
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., codes: _Optional[_Iterable[str]] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class BatchGetCodesResponse(_message.Message):
    __slots__ = ("codes", "missing")
    CODES_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedCompositeFieldContainer[Code]
    missing: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, codes: _Optional[_Iterable[_Union[Code, _Mapping]]] = ..., missing: _Optional[_Iterable[str]] = ...) -> None: ...

class ListChildrenRequest(_message.Message):
    __slots__ = ("system", "code", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class ListChildrenResponse(_message.Message):
    __slots__ = ("children", "release")
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    children: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    release: str
    def __init__(self, children: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., release: _Optional[str] = ...) -> None: ...

class ListAncestorsRequest(_message.Message):
    __slots__ = ("system", "code", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class ListAncestorsResponse(_message.Message):
    __slots__ = ("ancestors", "release")
    ANCESTORS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    ancestors: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    release: str
    def __init__(self, ancestors: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., release: _Optional[str] = ...) -> None: ...

class ValidateCodesRequest(_message.Message):
    __slots__ = ("system", "codes", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    codes: _containers.RepeatedScalarFieldContainer[str]
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., codes: _Optional[_Iterable[str]] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class CodeVerdict(_message.Message):
    __slots__ = ("input", "code", "status", "valid", "billable", "message", "suggestions", "title")
    INPUT_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    input: str
    code: str
    status: ValidationStatus
    valid: bool
    billable: bool
    message: str
    suggestions: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    title: str
    def __init__(self, input: _Optional[str] = ..., code: _Optional[str] = ..., status: _Optional[_Union[ValidationStatus, str]] = ..., valid: _Optional[bool] = ..., billable: _Optional[bool] = ..., message: _Optional[str] = ..., suggestions: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., title: _Optional[str] = ...) -> None: ...

class ValidateCodesResponse(_message.Message):
    __slots__ = ("verdicts", "release")
    VERDICTS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    verdicts: _containers.RepeatedCompositeFieldContainer[CodeVerdict]
    release: str
    def __init__(self, verdicts: _Optional[_Iterable[_Union[CodeVerdict, _Mapping]]] = ..., release: _Optional[str] = ...) -> None: ...

class ListReleasesRequest(_message.Message):
    __slots__ = ("system",)
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ...) -> None: ...

class Release(_message.Message):
    __slots__ = ("system", "release", "effective_date", "code_count", "billable_count", "source")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    CODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    release: str
    effective_date: str
    code_count: int
    billable_count: int
    source: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., release: _Optional[str] = ..., effective_date: _Optional[str] = ..., code_count: _Optional[int] = ..., billable_count: _Optional[int] = ..., source: _Optional[str] = ...) -> None: ...

class ListReleasesResponse(_message.Message):
    __slots__ = ("releases",)
    RELEASES_FIELD_NUMBER: _ClassVar[int]
    releases: _containers.RepeatedCompositeFieldContainer[Release]
    def __init__(self, releases: _Optional[_Iterable[_Union[Release, _Mapping]]] = ...) -> None: ...

class ExportCodesRequest(_message.Message):
    __slots__ = ("system", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class ExportCodesResponse(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: Code
    def __init__(self, code: _Optional[_Union[Code, _Mapping]] = ...) -> None: ...
