"""Case2Code: ICD-10-CM (and PCS/CPT/HCPCS) codes suggested for clinical text, with evidence."""

from medcode_assistant.case2code.coder import Case2Coder
from medcode_assistant.case2code.search import CodeSearch, GrpcCodeSearch, SearchHit

__all__ = ["Case2Coder", "CodeSearch", "GrpcCodeSearch", "SearchHit"]
