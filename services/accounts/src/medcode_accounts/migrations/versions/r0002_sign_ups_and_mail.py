"""Sign-ups waiting for email confirmation, the sign-up throttle log and the mail outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sign_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("guest_id", sa.String(length=128), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ups")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_ups_token_hash")),
    )
    op.create_index(op.f("ix_sign_ups_email_key"), "sign_ups", ["email_key"])
    op.create_index(op.f("ix_sign_ups_expires_at"), "sign_ups", ["expires_at"])
    op.create_table(
        "sign_up_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        _when("attempted_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_up_attempts")),
    )
    op.create_index(op.f("ix_sign_up_attempts_attempted_at"), "sign_up_attempts", ["attempted_at"])
    op.create_index(
        "ix_sign_up_attempts_key_attempted_at", "sign_up_attempts", ["key", "attempted_at"]
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("message", sa.LargeBinary(), nullable=False),
        _when("created_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        _when("sent_at", nullable=True),
        _when("failed_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index(op.f("ix_mail_outbox_next_attempt_at"), "mail_outbox", ["next_attempt_at"])
    op.create_index(op.f("ix_mail_outbox_sent_at"), "mail_outbox", ["sent_at"])


def downgrade() -> None:
    for table in ("mail_outbox", "sign_up_attempts", "sign_ups"):
        op.drop_table(table)
