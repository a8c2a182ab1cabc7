"""Property: importing the same file again changes nothing; the stored rows equal the file's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_codes.datasets.store import DatasetCatalog
from medcode_codes.importers import operator
from medcode_codes.importers.ncci_ptp import parse_ptp

HEADER = "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\t"
HEADER += "Modifier\tPTP Edit Rationale\n"
codes = st.from_regex(r"[0-9]{4}[0-9FTU]|[A-V][0-9]{4}", fullmatch=True)
dates = st.dates(min_value=dt.date(1996, 1, 1), max_value=dt.date(2030, 12, 31))
edits = st.tuples(codes, codes, st.booleans(), dates, st.none() | dates, st.sampled_from("019"))


@settings(max_examples=30, deadline=None)
@given(st.lists(edits, min_size=1, max_size=40))
def test_reimport_is_a_no_op(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("reimport")
    source = folder / "ptp.txt"
    lines = [
        f"{a}\t{b}\t{'*' if old else ''}\t{eff:%Y%m%d}\t{'*' if dele is None else f'{dele:%Y%m%d}'}"
        f"\t{ind}\tMutually exclusive procedures\n"
        for a, b, old, eff, dele, ind in rows
    ]
    source.write_text("CPT only copyright\n" + HEADER + "".join(lines))
    data_dir = folder / "data"
    first = operator.import_ncci_ptp(data_dir, source, setting="hospital", release="2026-01-01")
    stamp, content = first.stat().st_mtime_ns, first.read_bytes()
    second = operator.import_ncci_ptp(data_dir, source, setting="hospital", release="2026-01-01")
    assert second == first and second.stat().st_mtime_ns == stamp
    assert second.read_bytes() == content
    dataset = DatasetCatalog.open_dir(data_dir).select("ncci-ptp-hospital")
    assert dataset is not None and dataset.meta.row_count == len(rows)
    parsed = list(parse_ptp(source))
    for edit in parsed:
        found = dataset.rows(edit.column1, edit.column2)
        assert {"modifier_indicator": edit.modifier_indicator} in [
            {"modifier_indicator": f["modifier_indicator"]} for f in found
        ]


def test_changed_file_is_reimported(tmp_path: Path) -> None:
    source = tmp_path / "ptp.txt"
    source.write_text(HEADER + "64490\t64493\t\t20100101\t*\t1\tStandards\n")
    first = operator.import_ncci_ptp(tmp_path, source, setting="hospital", release="2026-01-01")
    source.write_text(HEADER + "64490\t64493\t\t20100101\t*\t0\tStandards\n")
    operator.import_ncci_ptp(tmp_path, source, setting="hospital", release="2026-01-01")
    dataset = DatasetCatalog.open_dir(tmp_path).select("ncci-ptp-hospital")
    assert dataset is not None and dataset.path == first
    assert dataset.rows("64490", "64493")[0]["modifier_indicator"] == "0"
