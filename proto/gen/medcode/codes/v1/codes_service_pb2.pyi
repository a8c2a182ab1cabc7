from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PtpSetting(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PTP_SETTING_UNSPECIFIED: _ClassVar[PtpSetting]
    PTP_SETTING_PRACTITIONER: _ClassVar[PtpSetting]
    PTP_SETTING_HOSPITAL: _ClassVar[PtpSetting]

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

class CodeChange(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CODE_CHANGE_UNSPECIFIED: _ClassVar[CodeChange]
    CODE_CHANGE_ADDED: _ClassVar[CodeChange]
    CODE_CHANGE_TITLE_REVISED: _ClassVar[CodeChange]
    CODE_CHANGE_NOTES_CHANGED: _ClassVar[CodeChange]
    CODE_CHANGE_DELETED: _ClassVar[CodeChange]
    CODE_CHANGE_BILLABLE_CHANGED: _ClassVar[CodeChange]
PTP_SETTING_UNSPECIFIED: PtpSetting
PTP_SETTING_PRACTITIONER: PtpSetting
PTP_SETTING_HOSPITAL: PtpSetting
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
CODE_CHANGE_UNSPECIFIED: CodeChange
CODE_CHANGE_ADDED: CodeChange
CODE_CHANGE_TITLE_REVISED: CodeChange
CODE_CHANGE_NOTES_CHANGED: CodeChange
CODE_CHANGE_DELETED: CodeChange
CODE_CHANGE_BILLABLE_CHANGED: CodeChange

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
    __slots__ = ("character", "description", "source_code", "notes")
    CHARACTER_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SOURCE_CODE_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    character: str
    description: str
    source_code: str
    notes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, character: _Optional[str] = ..., description: _Optional[str] = ..., source_code: _Optional[str] = ..., notes: _Optional[_Iterable[str]] = ...) -> None: ...

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
    __slots__ = ("system", "code", "title", "kind", "billable", "release", "parent", "ancestors", "children", "notes", "seventh_characters", "pcs_axes", "root_operation", "fee_schedule", "mues", "cc_status", "gems", "datasets", "attributes", "plain_description", "add_on", "index_entries", "content_digest")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
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
    FEE_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    MUES_FIELD_NUMBER: _ClassVar[int]
    CC_STATUS_FIELD_NUMBER: _ClassVar[int]
    GEMS_FIELD_NUMBER: _ClassVar[int]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PLAIN_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ADD_ON_FIELD_NUMBER: _ClassVar[int]
    INDEX_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
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
    fee_schedule: _containers.RepeatedCompositeFieldContainer[FeeScheduleEntry]
    mues: _containers.RepeatedCompositeFieldContainer[MueValue]
    cc_status: CcStatus
    gems: _containers.RepeatedCompositeFieldContainer[GemMapping]
    datasets: _containers.RepeatedCompositeFieldContainer[DatasetStatus]
    attributes: _containers.ScalarMap[str, str]
    plain_description: str
    add_on: AddOnStatus
    index_entries: _containers.RepeatedCompositeFieldContainer[IndexEntry]
    content_digest: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., billable: _Optional[bool] = ..., release: _Optional[str] = ..., parent: _Optional[_Union[CodeSummary, _Mapping]] = ..., ancestors: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., children: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., notes: _Optional[_Iterable[_Union[Note, _Mapping]]] = ..., seventh_characters: _Optional[_Iterable[_Union[SeventhCharacter, _Mapping]]] = ..., pcs_axes: _Optional[_Iterable[_Union[PcsAxis, _Mapping]]] = ..., root_operation: _Optional[_Union[RootOperation, _Mapping]] = ..., fee_schedule: _Optional[_Iterable[_Union[FeeScheduleEntry, _Mapping]]] = ..., mues: _Optional[_Iterable[_Union[MueValue, _Mapping]]] = ..., cc_status: _Optional[_Union[CcStatus, _Mapping]] = ..., gems: _Optional[_Iterable[_Union[GemMapping, _Mapping]]] = ..., datasets: _Optional[_Iterable[_Union[DatasetStatus, _Mapping]]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., plain_description: _Optional[str] = ..., add_on: _Optional[_Union[AddOnStatus, _Mapping]] = ..., index_entries: _Optional[_Iterable[_Union[IndexEntry, _Mapping]]] = ..., content_digest: _Optional[str] = ...) -> None: ...

class IndexEntry(_message.Message):
    __slots__ = ("index", "path", "column", "modifiers", "code", "release", "incomplete")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    MODIFIERS_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    INCOMPLETE_FIELD_NUMBER: _ClassVar[int]
    index: str
    path: _containers.RepeatedScalarFieldContainer[str]
    column: str
    modifiers: _containers.RepeatedScalarFieldContainer[str]
    code: str
    release: str
    incomplete: bool
    def __init__(self, index: _Optional[str] = ..., path: _Optional[_Iterable[str]] = ..., column: _Optional[str] = ..., modifiers: _Optional[_Iterable[str]] = ..., code: _Optional[str] = ..., release: _Optional[str] = ..., incomplete: _Optional[bool] = ...) -> None: ...

class FeeScheduleEntry(_message.Message):
    __slots__ = ("modifier", "status_code", "work_rvu", "nonfacility_pe_rvu", "facility_pe_rvu", "mp_rvu", "nonfacility_total", "facility_total", "global_days", "pctc_indicator", "multiple_procedure", "bilateral_surgery", "assistant_surgery", "co_surgeons", "team_surgery", "conversion_factor", "nonfacility_payment", "facility_payment", "release", "nonfacility_not_applicable", "facility_not_applicable")
    MODIFIER_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    WORK_RVU_FIELD_NUMBER: _ClassVar[int]
    NONFACILITY_PE_RVU_FIELD_NUMBER: _ClassVar[int]
    FACILITY_PE_RVU_FIELD_NUMBER: _ClassVar[int]
    MP_RVU_FIELD_NUMBER: _ClassVar[int]
    NONFACILITY_TOTAL_FIELD_NUMBER: _ClassVar[int]
    FACILITY_TOTAL_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_DAYS_FIELD_NUMBER: _ClassVar[int]
    PCTC_INDICATOR_FIELD_NUMBER: _ClassVar[int]
    MULTIPLE_PROCEDURE_FIELD_NUMBER: _ClassVar[int]
    BILATERAL_SURGERY_FIELD_NUMBER: _ClassVar[int]
    ASSISTANT_SURGERY_FIELD_NUMBER: _ClassVar[int]
    CO_SURGEONS_FIELD_NUMBER: _ClassVar[int]
    TEAM_SURGERY_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FACTOR_FIELD_NUMBER: _ClassVar[int]
    NONFACILITY_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    FACILITY_PAYMENT_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    NONFACILITY_NOT_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    FACILITY_NOT_APPLICABLE_FIELD_NUMBER: _ClassVar[int]
    modifier: str
    status_code: str
    work_rvu: str
    nonfacility_pe_rvu: str
    facility_pe_rvu: str
    mp_rvu: str
    nonfacility_total: str
    facility_total: str
    global_days: str
    pctc_indicator: str
    multiple_procedure: str
    bilateral_surgery: str
    assistant_surgery: str
    co_surgeons: str
    team_surgery: str
    conversion_factor: str
    nonfacility_payment: str
    facility_payment: str
    release: str
    nonfacility_not_applicable: bool
    facility_not_applicable: bool
    def __init__(self, modifier: _Optional[str] = ..., status_code: _Optional[str] = ..., work_rvu: _Optional[str] = ..., nonfacility_pe_rvu: _Optional[str] = ..., facility_pe_rvu: _Optional[str] = ..., mp_rvu: _Optional[str] = ..., nonfacility_total: _Optional[str] = ..., facility_total: _Optional[str] = ..., global_days: _Optional[str] = ..., pctc_indicator: _Optional[str] = ..., multiple_procedure: _Optional[str] = ..., bilateral_surgery: _Optional[str] = ..., assistant_surgery: _Optional[str] = ..., co_surgeons: _Optional[str] = ..., team_surgery: _Optional[str] = ..., conversion_factor: _Optional[str] = ..., nonfacility_payment: _Optional[str] = ..., facility_payment: _Optional[str] = ..., release: _Optional[str] = ..., nonfacility_not_applicable: _Optional[bool] = ..., facility_not_applicable: _Optional[bool] = ...) -> None: ...

class MueValue(_message.Message):
    __slots__ = ("setting", "value", "adjudication_indicator", "adjudication_description", "rationale", "release")
    SETTING_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    ADJUDICATION_INDICATOR_FIELD_NUMBER: _ClassVar[int]
    ADJUDICATION_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    setting: str
    value: int
    adjudication_indicator: str
    adjudication_description: str
    rationale: str
    release: str
    def __init__(self, setting: _Optional[str] = ..., value: _Optional[int] = ..., adjudication_indicator: _Optional[str] = ..., adjudication_description: _Optional[str] = ..., rationale: _Optional[str] = ..., release: _Optional[str] = ...) -> None: ...

class CcStatus(_message.Message):
    __slots__ = ("level", "pdx_collection", "excluded_by_count", "release", "discharged_alive_only", "condition")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PDX_COLLECTION_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_BY_COUNT_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    DISCHARGED_ALIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    level: str
    pdx_collection: str
    excluded_by_count: int
    release: str
    discharged_alive_only: bool
    condition: str
    def __init__(self, level: _Optional[str] = ..., pdx_collection: _Optional[str] = ..., excluded_by_count: _Optional[int] = ..., release: _Optional[str] = ..., discharged_alive_only: _Optional[bool] = ..., condition: _Optional[str] = ...) -> None: ...

class GemMapping(_message.Message):
    __slots__ = ("source_system", "source", "target_system", "target", "approximate", "no_map", "combination", "scenario", "choice_list", "target_title")
    SOURCE_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    APPROXIMATE_FIELD_NUMBER: _ClassVar[int]
    NO_MAP_FIELD_NUMBER: _ClassVar[int]
    COMBINATION_FIELD_NUMBER: _ClassVar[int]
    SCENARIO_FIELD_NUMBER: _ClassVar[int]
    CHOICE_LIST_FIELD_NUMBER: _ClassVar[int]
    TARGET_TITLE_FIELD_NUMBER: _ClassVar[int]
    source_system: str
    source: str
    target_system: str
    target: str
    approximate: bool
    no_map: bool
    combination: bool
    scenario: int
    choice_list: int
    target_title: str
    def __init__(self, source_system: _Optional[str] = ..., source: _Optional[str] = ..., target_system: _Optional[str] = ..., target: _Optional[str] = ..., approximate: _Optional[bool] = ..., no_map: _Optional[bool] = ..., combination: _Optional[bool] = ..., scenario: _Optional[int] = ..., choice_list: _Optional[int] = ..., target_title: _Optional[str] = ...) -> None: ...

class DatasetStatus(_message.Message):
    __slots__ = ("kind", "loaded", "release", "message", "content_digest")
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOADED_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
    kind: str
    loaded: bool
    release: str
    message: str
    content_digest: str
    def __init__(self, kind: _Optional[str] = ..., loaded: _Optional[bool] = ..., release: _Optional[str] = ..., message: _Optional[str] = ..., content_digest: _Optional[str] = ...) -> None: ...

class AddOnStatus(_message.Message):
    __slots__ = ("is_add_on", "basis", "primary_codes", "edit_type", "edit_type_meaning", "add_on_codes")
    IS_ADD_ON_FIELD_NUMBER: _ClassVar[int]
    BASIS_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_CODES_FIELD_NUMBER: _ClassVar[int]
    EDIT_TYPE_FIELD_NUMBER: _ClassVar[int]
    EDIT_TYPE_MEANING_FIELD_NUMBER: _ClassVar[int]
    ADD_ON_CODES_FIELD_NUMBER: _ClassVar[int]
    is_add_on: bool
    basis: str
    primary_codes: _containers.RepeatedScalarFieldContainer[str]
    edit_type: str
    edit_type_meaning: str
    add_on_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, is_add_on: _Optional[bool] = ..., basis: _Optional[str] = ..., primary_codes: _Optional[_Iterable[str]] = ..., edit_type: _Optional[str] = ..., edit_type_meaning: _Optional[str] = ..., add_on_codes: _Optional[_Iterable[str]] = ...) -> None: ...

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
    __slots__ = ("system", "release", "effective_date", "code_count", "billable_count", "source", "content_digest")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    CODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    release: str
    effective_date: str
    code_count: int
    billable_count: int
    source: str
    content_digest: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., release: _Optional[str] = ..., effective_date: _Optional[str] = ..., code_count: _Optional[int] = ..., billable_count: _Optional[int] = ..., source: _Optional[str] = ..., content_digest: _Optional[str] = ...) -> None: ...

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

class CheckPtpEditsRequest(_message.Message):
    __slots__ = ("codes", "setting", "date")
    CODES_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedScalarFieldContainer[str]
    setting: PtpSetting
    date: str
    def __init__(self, codes: _Optional[_Iterable[str]] = ..., setting: _Optional[_Union[PtpSetting, str]] = ..., date: _Optional[str] = ...) -> None: ...

class PtpPair(_message.Message):
    __slots__ = ("column1", "column2", "modifier_indicator", "modifier_meaning", "effective_date", "deletion_date", "rationale", "existed_before_1996")
    COLUMN1_FIELD_NUMBER: _ClassVar[int]
    COLUMN2_FIELD_NUMBER: _ClassVar[int]
    MODIFIER_INDICATOR_FIELD_NUMBER: _ClassVar[int]
    MODIFIER_MEANING_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    DELETION_DATE_FIELD_NUMBER: _ClassVar[int]
    RATIONALE_FIELD_NUMBER: _ClassVar[int]
    EXISTED_BEFORE_1996_FIELD_NUMBER: _ClassVar[int]
    column1: str
    column2: str
    modifier_indicator: str
    modifier_meaning: str
    effective_date: str
    deletion_date: str
    rationale: str
    existed_before_1996: bool
    def __init__(self, column1: _Optional[str] = ..., column2: _Optional[str] = ..., modifier_indicator: _Optional[str] = ..., modifier_meaning: _Optional[str] = ..., effective_date: _Optional[str] = ..., deletion_date: _Optional[str] = ..., rationale: _Optional[str] = ..., existed_before_1996: _Optional[bool] = ...) -> None: ...

class CheckPtpEditsResponse(_message.Message):
    __slots__ = ("pairs", "release", "setting", "date")
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[PtpPair]
    release: str
    setting: str
    date: str
    def __init__(self, pairs: _Optional[_Iterable[_Union[PtpPair, _Mapping]]] = ..., release: _Optional[str] = ..., setting: _Optional[str] = ..., date: _Optional[str] = ...) -> None: ...

class GetMueRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class GetMueResponse(_message.Message):
    __slots__ = ("code", "values", "datasets")
    CODE_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    code: str
    values: _containers.RepeatedCompositeFieldContainer[MueValue]
    datasets: _containers.RepeatedCompositeFieldContainer[DatasetStatus]
    def __init__(self, code: _Optional[str] = ..., values: _Optional[_Iterable[_Union[MueValue, _Mapping]]] = ..., datasets: _Optional[_Iterable[_Union[DatasetStatus, _Mapping]]] = ...) -> None: ...

class CrosswalkGemsRequest(_message.Message):
    __slots__ = ("from_system", "code")
    FROM_SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    from_system: str
    code: str
    def __init__(self, from_system: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CrosswalkGemsResponse(_message.Message):
    __slots__ = ("code", "mappings", "release")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    code: str
    mappings: _containers.RepeatedCompositeFieldContainer[GemMapping]
    release: str
    def __init__(self, code: _Optional[str] = ..., mappings: _Optional[_Iterable[_Union[GemMapping, _Mapping]]] = ..., release: _Optional[str] = ...) -> None: ...

class GetCcExclusionsRequest(_message.Message):
    __slots__ = ("code", "principal")
    CODE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    code: str
    principal: str
    def __init__(self, code: _Optional[str] = ..., principal: _Optional[str] = ...) -> None: ...

class GetCcExclusionsResponse(_message.Message):
    __slots__ = ("code", "level", "pdx_collection", "principal_codes", "principal", "excluded", "release", "discharged_alive_only", "condition")
    CODE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    PDX_COLLECTION_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_CODES_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    DISCHARGED_ALIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    code: str
    level: str
    pdx_collection: str
    principal_codes: _containers.RepeatedScalarFieldContainer[str]
    principal: str
    excluded: bool
    release: str
    discharged_alive_only: bool
    condition: str
    def __init__(self, code: _Optional[str] = ..., level: _Optional[str] = ..., pdx_collection: _Optional[str] = ..., principal_codes: _Optional[_Iterable[str]] = ..., principal: _Optional[str] = ..., excluded: _Optional[bool] = ..., release: _Optional[str] = ..., discharged_alive_only: _Optional[bool] = ..., condition: _Optional[str] = ...) -> None: ...

class ListDatasetsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Dataset(_message.Message):
    __slots__ = ("kind", "release", "effective_date", "row_count", "source", "content_digest")
    KIND_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    ROW_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_DIGEST_FIELD_NUMBER: _ClassVar[int]
    kind: str
    release: str
    effective_date: str
    row_count: int
    source: str
    content_digest: str
    def __init__(self, kind: _Optional[str] = ..., release: _Optional[str] = ..., effective_date: _Optional[str] = ..., row_count: _Optional[int] = ..., source: _Optional[str] = ..., content_digest: _Optional[str] = ...) -> None: ...

class ListDatasetsResponse(_message.Message):
    __slots__ = ("datasets",)
    DATASETS_FIELD_NUMBER: _ClassVar[int]
    datasets: _containers.RepeatedCompositeFieldContainer[Dataset]
    def __init__(self, datasets: _Optional[_Iterable[_Union[Dataset, _Mapping]]] = ...) -> None: ...

class ExportCodesResponse(_message.Message):
    __slots__ = ("codes",)
    CODES_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedCompositeFieldContainer[Code]
    def __init__(self, codes: _Optional[_Iterable[_Union[Code, _Mapping]]] = ...) -> None: ...

class ListCodesRequest(_message.Message):
    __slots__ = ("system", "release", "offset", "page_size", "under", "billable_only")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    UNDER_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    release: ReleaseSelector
    offset: int
    page_size: int
    under: str
    billable_only: bool
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ..., offset: _Optional[int] = ..., page_size: _Optional[int] = ..., under: _Optional[str] = ..., billable_only: _Optional[bool] = ...) -> None: ...

class ListCodesResponse(_message.Message):
    __slots__ = ("codes", "release", "total_count", "next_offset")
    CODES_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_OFFSET_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedCompositeFieldContainer[CodeSummary]
    release: str
    total_count: int
    next_offset: int
    def __init__(self, codes: _Optional[_Iterable[_Union[CodeSummary, _Mapping]]] = ..., release: _Optional[str] = ..., total_count: _Optional[int] = ..., next_offset: _Optional[int] = ...) -> None: ...

class GetNeighboursRequest(_message.Message):
    __slots__ = ("system", "code", "release")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    release: ReleaseSelector
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., release: _Optional[_Union[ReleaseSelector, _Mapping]] = ...) -> None: ...

class GetNeighboursResponse(_message.Message):
    __slots__ = ("previous", "next", "release", "code")
    PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    NEXT_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    previous: CodeSummary
    next: CodeSummary
    release: str
    code: str
    def __init__(self, previous: _Optional[_Union[CodeSummary, _Mapping]] = ..., next: _Optional[_Union[CodeSummary, _Mapping]] = ..., release: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class GetCodeHistoryRequest(_message.Message):
    __slots__ = ("system", "code")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ...) -> None: ...

class CodeInRelease(_message.Message):
    __slots__ = ("release", "effective_date", "present", "title", "billable", "changes", "previous_title")
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    PRESENT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_TITLE_FIELD_NUMBER: _ClassVar[int]
    release: str
    effective_date: str
    present: bool
    title: str
    billable: bool
    changes: _containers.RepeatedScalarFieldContainer[CodeChange]
    previous_title: str
    def __init__(self, release: _Optional[str] = ..., effective_date: _Optional[str] = ..., present: _Optional[bool] = ..., title: _Optional[str] = ..., billable: _Optional[bool] = ..., changes: _Optional[_Iterable[_Union[CodeChange, str]]] = ..., previous_title: _Optional[str] = ...) -> None: ...

class GetCodeHistoryResponse(_message.Message):
    __slots__ = ("code", "releases")
    CODE_FIELD_NUMBER: _ClassVar[int]
    RELEASES_FIELD_NUMBER: _ClassVar[int]
    code: str
    releases: _containers.RepeatedCompositeFieldContainer[CodeInRelease]
    def __init__(self, code: _Optional[str] = ..., releases: _Optional[_Iterable[_Union[CodeInRelease, _Mapping]]] = ...) -> None: ...
