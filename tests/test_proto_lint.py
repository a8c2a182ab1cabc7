"""Contract checks for proto/.

- `buf lint` (rules in proto/buf.yaml: STANDARD) passes and sees every .proto file;
- the Python stubs checked in under proto/gen are exactly what grpc_tools.protoc
  generates from the .proto files today (regenerate with `make proto`).

buf comes from the npm package @bufbuild/buf, installed by `make tools` under
.tools/. When it is missing the lint tests skip locally and fail in CI (CI set).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
PROTO = REPO / "proto"
GEN = PROTO / "gen"
BUF = REPO / ".tools" / "node_modules" / ".bin" / "buf"
BUF_VERSION = "1.75.0"
BUF_INSTALL = f"make tools  (or: npm install --prefix .tools @bufbuild/buf@{BUF_VERSION})"
STUB_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine, fail in CI, where every tool must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so a missing tool is an error)")
    pytest.skip(reason)


def proto_files() -> list[Path]:
    """Every .proto source, relative to the repository root (proto/gen excluded)."""
    return sorted(
        p.relative_to(REPO)
        for p in PROTO.rglob("*.proto")
        if not p.is_relative_to(GEN) and not any(part.startswith(".") for part in p.parts)
    )


def buf(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not BUF.exists():
        unavailable(f"buf not found at {BUF.relative_to(REPO)}; install it with: {BUF_INSTALL}")
    env = {**os.environ, "BUF_CACHE_DIR": str(tmp_path / "buf-cache")}
    return subprocess.run(
        [str(BUF), *args],
        cwd=PROTO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_there_are_protos() -> None:
    assert proto_files(), "no .proto files under proto/"
    assert (PROTO / "buf.yaml").is_file(), "proto/buf.yaml is missing"


def test_buf_lint(tmp_path: Path) -> None:
    version = buf("--version", tmp_path=tmp_path).stdout.strip()
    run = buf("lint", "--error-format", "text", tmp_path=tmp_path)
    assert run.returncode == 0, (
        f"buf {version} lint (proto/buf.yaml) found problems:\n{run.stdout}{run.stderr}"
    )


def test_buf_lints_every_proto(tmp_path: Path) -> None:
    """buf.yaml must not exclude any contract from lint and breaking checks."""
    run = buf("ls-files", tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    seen = {line.strip() for line in run.stdout.splitlines() if line.strip()}
    expected = {str(p.relative_to("proto")) for p in proto_files()}
    assert expected <= seen, f"buf does not see: {sorted(expected - seen)}"


def test_buf_lint_can_fail(tmp_path: Path) -> None:
    """Guard against a vacuous lint: a badly named package must be reported."""
    module = tmp_path / "module"
    (module / "bad").mkdir(parents=True)
    (module / "buf.yaml").write_text((PROTO / "buf.yaml").read_text(encoding="utf-8"))
    (module / "bad" / "bad.proto").write_text(
        'syntax = "proto3";\npackage Bad;\nmessage lower_case {}\n', encoding="utf-8"
    )
    run = buf("lint", str(module), tmp_path=tmp_path)
    assert run.returncode != 0, "buf lint passed an obviously bad proto file"
    assert "PascalCase" in run.stdout, run.stdout


def test_generated_stubs_are_up_to_date(tmp_path: Path) -> None:
    if not GEN.is_dir():
        pytest.skip("proto/gen does not exist yet; generate the stubs with `make proto`")
    if importlib.util.find_spec("grpc_tools") is None:
        unavailable("grpcio-tools is not installed: pip install -r requirements-dev.txt")
    tools_version = importlib.metadata.version("grpcio-tools")
    out = tmp_path / "gen"
    out.mkdir()
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        "-I",
        "proto",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--pyi_out={out}",
        *(str(p) for p in proto_files()),
    ]
    run = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, f"protoc failed:\n{run.stderr}"

    generated = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert generated, "protoc generated nothing"
    checked_in = {
        p.relative_to(GEN): p.read_bytes()
        for p in GEN.rglob("*")
        if p.is_file() and p.name.endswith(STUB_SUFFIXES)
    }
    hint = (
        f"proto/gen is stale: run `make proto` and commit the result "
        f"(generated here with grpcio-tools {tools_version}; requirements-dev.txt pins "
        f"the version the stubs were made with)"
    )
    missing = sorted(str(p) for p in generated.keys() - checked_in.keys())
    extra = sorted(str(p) for p in checked_in.keys() - generated.keys())
    differ = sorted(
        str(p) for p in generated.keys() & checked_in.keys() if generated[p] != checked_in[p]
    )
    assert not missing, f"{hint}; missing from proto/gen: {missing}"
    assert not extra, f"{hint}; no .proto produces: {extra}"
    assert not differ, f"{hint}; differ: {differ}"
