from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class Plan(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_UNSPECIFIED: _ClassVar[Plan]
    PLAN_GUEST: _ClassVar[Plan]
    PLAN_FREE: _ClassVar[Plan]
    PLAN_PRO: _ClassVar[Plan]
    PLAN_PARTNER: _ClassVar[Plan]
    PLAN_INTERNAL: _ClassVar[Plan]
PLAN_UNSPECIFIED: Plan
PLAN_GUEST: Plan
PLAN_FREE: Plan
PLAN_PRO: Plan
PLAN_PARTNER: Plan
PLAN_INTERNAL: Plan
