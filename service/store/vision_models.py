"""Tables of what vision read from product photos: semantic colours, attribute tags, tag runs.

Every row carries the version of the model that produced it, so a newer tagger can replace
an article's results and readers can tell which model spoke. ``vision_tagged`` records, per
article, which image and model were last used: re-tagging skips articles whose record matches.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.store.models import Base, Id


class VisionColour(Base):
    """One colour of an article's garment, ``rank`` 0 being the dominant one."""

    __tablename__ = "vision_colours"
    __table_args__ = (UniqueConstraint("article_id", "rank"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    model_version: Mapped[str] = mapped_column(String(64))
    rank: Mapped[int] = mapped_column(Integer)
    hex: Mapped[str] = mapped_column(String(7))
    lab_l: Mapped[float] = mapped_column(Float)
    lab_a: Mapped[float] = mapped_column(Float)
    lab_b: Mapped[float] = mapped_column(Float)
    share: Mapped[float] = mapped_column(Float, doc="Fraction (0..1) of the garment's pixels.")
    fine_name: Mapped[str] = mapped_column(String(64), doc="ISCC-NBS name.")
    hue: Mapped[str] = mapped_column(String(32))
    basic: Mapped[str] = mapped_column(String(16), doc="One of the 11 basic colour terms.")


class VisionTag(Base):
    """One attribute value the tagger gave an article, with its score."""

    __tablename__ = "vision_tags"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    attr_group: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    confident: Mapped[bool] = mapped_column(
        Boolean, doc="False when the score is below the label's calibrated threshold."
    )


class VisionTagged(Base):
    """Which model tagged an article from which image, and when."""

    __tablename__ = "vision_tagged"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    model_version: Mapped[str] = mapped_column(String(64))
    image_path: Mapped[str] = mapped_column(String(1024))
    image_bytes: Mapped[int] = mapped_column(BigInteger)
    tagged_at: Mapped[datetime] = mapped_column(DateTime)
