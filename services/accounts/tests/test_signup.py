"""Sign-up by email confirmation: the same answer for every address, a single-use expiring link,
no account (and no views) before it is opened."""

from __future__ import annotations

import grpc
from sqlalchemy import func, select

from medcode.accounts.v1 import accounts_service_pb2 as pb
from medcode_accounts.models import OutboxEvent, OutboxMail, SignUp, User
from medcode_accounts.signups import token_hash

from .conftest import PASSWORD, Running, StartServer, code_of
from .test_outbox import wait_for


def rows(server: Running, table: type) -> int:
    with server.runtime.backend.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def login(server: Running, email: str, password: str = PASSWORD) -> pb.LoginResponse:
    return server.stub.Login(pb.LoginRequest(email=email, password=password), timeout=30)


def test_known_and_new_addresses_get_the_same_answer_and_the_same_work(server: Running) -> None:
    server.sign_up("owner@example.com")
    hashing = server.runtime.backend.accounts.hashing
    before = hashing.hashes
    known = server.register("OWNER@example.com", "a different passphrase 7")
    after_known = hashing.hashes
    new = server.register("newcomer@example.com", "a different passphrase 7")
    assert known == new == pb.RegisterResponse(confirm_within_seconds=86_400)
    assert not known.HasField("user") and not known.HasField("tokens")
    assert (after_known - before, hashing.hashes - after_known) == (1, 1)
    # The owner hears about it; nothing else changed, and no link was made for the attempt.
    note = server.mail.wait_for("owner@example.com", count=2)
    text = note.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "tried to sign up" in str(note["Subject"]) and "token=" not in text
    assert login(server, "owner@example.com").user.email == "owner@example.com"
    assert code_of(lambda: login(server, "owner@example.com", "a different passphrase 7"))[0] == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    assert rows(server, User) == 1


def test_nothing_exists_until_the_link_is_opened(server: Running) -> None:
    server.register("kim@example.com", guest_id="guest-7")
    assert (rows(server, User), rows(server, OutboxEvent)) == (0, 0)
    # The right password says why it cannot sign in yet; a wrong one looks like any other.
    status, message = code_of(lambda: login(server, "kim@example.com"))
    assert status == grpc.StatusCode.PERMISSION_DENIED and "not confirmed" in message
    wrong = code_of(lambda: login(server, "kim@example.com", "not the passphrase"))
    assert wrong == code_of(lambda: login(server, "nobody@example.com"))
    message_ = server.mail.wait_for("kim@example.com")
    assert str(message_["Subject"]) == "Confirm your email for MedCode"
    text = message_.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "http://127.0.0.1:8000/v1/auth/confirm?token=mcc_" in text
    assert "On 2026-03-01 at 12:00 UTC someone" in text  # the (manual) clock of the sign-up
    user = server.confirm(server.link_token("kim@example.com")).user
    assert user.email == "kim@example.com"
    assert login(server, "kim@example.com").user.user_id == user.user_id
    assert (rows(server, User), rows(server, OutboxEvent)) == (1, 1)


def test_a_link_works_once(server: Running) -> None:
    server.register("lou@example.com")
    token = server.link_token("lou@example.com")
    server.confirm(token)
    status, message = code_of(lambda: server.confirm(token))
    assert status == grpc.StatusCode.NOT_FOUND and "already used" in message
    assert rows(server, User) == 1


def test_a_link_expires(server: Running) -> None:
    server.register("max@example.com")
    token = server.link_token("max@example.com")
    server.clock.advance(86_400)
    status, message = code_of(lambda: server.confirm(token))
    assert status == grpc.StatusCode.NOT_FOUND and "expired" in message
    assert rows(server, User) == 0


def test_only_the_newest_link_works(server: Running) -> None:
    server.register("ned@example.com", "first passphrase here")
    old = server.link_token("ned@example.com")
    server.register("ned@example.com", "second passphrase here")
    new = server.link_token("ned@example.com", count=2)
    assert code_of(lambda: server.confirm(old))[0] == grpc.StatusCode.NOT_FOUND
    server.confirm(new)
    assert login(server, "ned@example.com", "second passphrase here").user.email


def test_bad_tokens_are_refused_and_change_nothing(server: Running) -> None:
    server.register("ola@example.com")
    cases = {
        "": grpc.StatusCode.INVALID_ARGUMENT,
        "mcc_short": grpc.StatusCode.INVALID_ARGUMENT,
        "x" * 5000: grpc.StatusCode.INVALID_ARGUMENT,
        "mcc_" + "A" * 43: grpc.StatusCode.NOT_FOUND,
    }
    for token, status in cases.items():
        assert code_of(lambda token=token: server.confirm(token))[0] == status
    assert rows(server, User) == 0


def test_the_token_is_stored_hashed_and_the_sent_mail_is_emptied(server: Running) -> None:
    server.register("pia@example.com")
    token = server.link_token("pia@example.com")
    mailer = server.runtime.mailer
    assert mailer is not None
    wait_for(lambda: mailer.sent == 1, "the row to be marked sent")
    with server.runtime.backend.db.read() as session:
        sign_up = session.scalars(select(SignUp)).one()
        mail = session.scalars(select(OutboxMail)).one()
    assert sign_up.token_hash == token_hash(token) and token not in sign_up.token_hash
    assert mail.sent_at is not None and mail.message == b"" and mail.attempts == 1


def test_an_inbox_gets_a_bounded_number_of_sign_up_mails(start_server: StartServer) -> None:
    server = start_server(signup_max_mails_per_address=2)
    answers = [server.register("quin@example.com") for _ in range(4)]
    assert all(answer == answers[0] for answer in answers)
    last_mailed = server.link_token("quin@example.com", count=2)
    wait_for(lambda: server.runtime.mailer is not None and server.runtime.mailer.sent >= 2, "mail")
    assert rows(server, OutboxMail) == 2
    assert len(server.mail.messages("quin@example.com")) == 2
    # The sign-ups beyond the cap were not mailed, yet they voided the links that were: the
    # last link an owner received is never one a flood left behind.
    assert code_of(lambda: server.confirm(last_mailed))[0] == grpc.StatusCode.NOT_FOUND
    server.clock.advance(3600)
    server.register("quin@example.com")
    server.confirm(server.link_token("quin@example.com", count=3))
    server.clock.advance(3600)
    server.register("quin@example.com")
    assert "tried to sign up" in str(server.mail.wait_for("quin@example.com", count=4)["Subject"])
