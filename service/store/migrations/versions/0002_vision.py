"""Vision: semantic colours, attribute tags and tagging runs of articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "vision_colours",
        sa.Column("id", _ID, nullable=False),
        sa.Column("article_id", _ID, nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("hex", sa.String(length=7), nullable=False),
        sa.Column("lab_l", sa.Float(), nullable=False),
        sa.Column("lab_a", sa.Float(), nullable=False),
        sa.Column("lab_b", sa.Float(), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("fine_name", sa.String(length=64), nullable=False),
        sa.Column("hue", sa.String(length=32), nullable=False),
        sa.Column("basic", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_vision_colours_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vision_colours")),
        sa.UniqueConstraint("article_id", "rank", name=op.f("uq_vision_colours_article_id")),
    )
    op.create_table(
        "vision_tags",
        sa.Column("id", _ID, nullable=False),
        sa.Column("article_id", _ID, nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("attr_group", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_vision_tags_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vision_tags")),
    )
    with op.batch_alter_table("vision_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vision_tags_article_id"), ["article_id"], unique=False)
    op.create_table(
        "vision_tagged",
        sa.Column("article_id", _ID, nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("image_path", sa.String(length=1024), nullable=False),
        sa.Column("image_bytes", sa.BigInteger(), nullable=False),
        sa.Column("tagged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_vision_tagged_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_vision_tagged")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("vision_tagged")
    with op.batch_alter_table("vision_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vision_tags_article_id"))
    op.drop_table("vision_tags")
    op.drop_table("vision_colours")
