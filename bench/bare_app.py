"""The baseline for the gateway benchmark: a bare FastAPI JSON endpoint, no gRPC behind it.

It returns a body shaped and sized like a real code record, so the ratio measures what the
gateway adds (a gRPC round trip to the codes service and the conversion), not JSON size.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()

_BODY: dict[str, Any] = {
    "system": "icd10cm",
    "code": "E11.9",
    "title": "Type 2 diabetes mellitus without complications",
    "kind": "code",
    "billable": True,
    "release": "2026-04-01",
    "parent": {
        "code": "E11",
        "title": "Type 2 diabetes mellitus",
        "kind": "category",
        "billable": False,
    },
    "ancestors": [
        {
            "code": "4",
            "title": "Endocrine, nutritional and metabolic diseases (E00-E89)",
            "kind": "chapter",
            "billable": False,
        },
        {
            "code": "E08-E13",
            "title": "Diabetes mellitus (E08-E13)",
            "kind": "section",
            "billable": False,
        },
        {"code": "E11", "title": "Type 2 diabetes mellitus", "kind": "category", "billable": False},
    ],
    "children": [],
    "notes": {
        "includes": [
            {
                "text": "diabetes (mellitus) due to insulin secretory defect",
                "source": "E11",
                "inherited": True,
            }
        ]
        * 6
    },
    "seventh_characters": [],
}


@app.get("/v1/codes/{system}/{code}")
async def lookup(system: str, code: str) -> JSONResponse:
    """Echo the path into a fixed record (JSONResponse, as the gateway answers)."""
    return JSONResponse({**_BODY, "system": system, "code": code})
