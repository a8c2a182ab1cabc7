"""The shared log set-up: text or JSON lines, each with the request id of its request."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_common.json_logs import JsonFormatter
from medcode_common.logs import build_handler, configure_logging
from medcode_common.request_ids import bound_request_id


@pytest.fixture
def captured() -> Iterator[tuple[io.StringIO, logging.Logger]]:
    """A logger writing through a JSON handler into a buffer (root untouched)."""
    stream = io.StringIO()
    logger = logging.getLogger("medcode.test.logs")
    handler = build_handler("json", stream)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield stream, logger
    logger.removeHandler(handler)
    logger.propagate = True


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_bound_request_id_and_extras(
    captured: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, logger = captured
    logger.info("outside any request")
    with bound_request_id("req-42"):
        logger.warning(
            "GET %s %d", "/v1/x", 503, extra={"route": "/v1/x", "status": 503, "duration_ms": 1.5}
        )
    first, second = lines(stream)
    assert first["request_id"] == "-" and first["message"] == "outside any request"
    assert second["request_id"] == "req-42"
    assert second["message"] == "GET /v1/x 503"
    assert (second["level"], second["logger"]) == ("WARNING", "medcode.test.logs")
    assert (second["route"], second["status"], second["duration_ms"]) == ("/v1/x", 503, 1.5)
    assert str(second["time"]).endswith("+00:00")


def test_json_lines_keep_exceptions_and_odd_extras(
    captured: tuple[io.StringIO, logging.Logger],
) -> None:
    stream, logger = captured
    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        logger.exception("failed", extra={"where": set})
    (entry,) = lines(stream)
    assert "RuntimeError: boom" in str(entry["exception"])
    assert entry["where"] == "<class 'set'>"  # written as text, not dropped


def test_text_lines_show_the_request_id() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("medcode.test.text")
    handler = build_handler("text", stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with bound_request_id("abc123"):
            logger.error("upstream down")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert " ERROR medcode.test.text [abc123]: upstream down" in stream.getvalue()


def test_configure_logging_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        monkeypatch.setenv("MEDCODE_LOG_FORMAT", "json")
        monkeypatch.setenv("MEDCODE_LOG_LEVEL", "warning")
        configure_logging()
        assert root.level == logging.WARNING
        (handler,) = root.handlers
        assert type(handler.formatter).__name__ == "JsonFormatter"
        configure_logging(log_format="text", level="DEBUG")
        assert root.level == logging.DEBUG
        assert type(root.handlers[0].formatter) is logging.Formatter
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [("MEDCODE_LOG_FORMAT", "xml", "MEDCODE_LOG_FORMAT"), ("MEDCODE_LOG_LEVEL", "loud", "loud")],
)
def test_a_bad_setting_is_a_clear_error_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    root = logging.getLogger()
    before = root.handlers[:]
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=says):
        configure_logging()
    assert root.handlers == before


@given(
    message=st.text(),
    extras=st.dictionaries(
        st.sampled_from(["route", "status", "duration_ms", "client", "code"]),
        st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()),
    ),
)
def test_any_record_is_one_parseable_json_line(message: str, extras: dict[str, object]) -> None:
    record = logging.LogRecord("medcode.test", logging.INFO, __file__, 1, "%s", (message,), None)
    for key, value in extras.items():
        setattr(record, key, value)
    line = JsonFormatter().format(record)
    assert "\n" not in line, "a message with newlines must stay one line"
    entry = json.loads(line)
    assert entry["message"] == message and entry["request_id"] == "-"
    assert {key: entry[key] for key in extras} == extras


def test_the_default_handler_follows_sys_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test runner swaps sys.stderr per test: lines go to the current one, never a closed one."""
    handler = build_handler("text")
    logger = logging.getLogger("medcode.test.stderr")
    logger.addHandler(handler)
    logger.propagate = False
    first, second = io.StringIO(), io.StringIO()
    try:
        monkeypatch.setattr(sys, "stderr", first)
        logger.warning("one")
        assert "one" in first.getvalue()
        first.close()
        monkeypatch.setattr(sys, "stderr", second)
        logger.warning("two")
        assert "two" in second.getvalue()
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
