"""`medcode import`: a bad file or call fails with a reason and leaves the data dir as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode_codes.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ncci"


def test_import_then_reimport_is_a_no_op(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = FIXTURES / "MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
    argv = ["import", "mue", str(table), "--release", "2026-04-01", "--data-dir", str(tmp_path)]
    assert main(argv) == 0
    written = Path(capsys.readouterr().out.strip())
    stamp = written.stat().st_mtime_ns
    assert main(argv) == 0
    assert written.stat().st_mtime_ns == stamp


def test_malformed_file_reports_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "ptp.txt"
    good = (FIXTURES / "ccioph-v321r0-f1.txt").read_text(encoding="cp1252")
    broken.write_text(good.replace("\t0\t", "\t5\t", 1), encoding="cp1252")
    data_dir = tmp_path / "data"
    assert main(["import", "ncci-ptp", str(broken), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "nothing changed" in err and "ptp.txt:" in err
    assert not list(data_dir.rglob("*.sqlite"))


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["import", "hcpcs"], "needs the FILE"),
        (["import", "pfs-rvu", "/nonexistent/file.txt"], "is not a file"),
        (["import", "mue", str(FIXTURES / "README.md")], "needs --release"),
    ],
)
def test_bad_calls_say_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    assert main([*argv, "--data-dir", str(tmp_path)]) == 2
    assert words in capsys.readouterr().err
