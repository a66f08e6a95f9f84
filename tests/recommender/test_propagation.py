"""The graph models' training schedule is sized to the data; explicit settings are kept."""

from __future__ import annotations

import pytest

from recommender.propagation import (
    BASE_BATCH,
    BASE_RATE,
    EPOCH_RANGE,
    STEPS_PER_EPOCH,
    PropagationConfig,
)


def test_small_data_keeps_the_classic_schedule() -> None:
    plan = PropagationConfig().schedule(3_000)
    assert (plan.batch_size, plan.learning_rate, plan.epochs) == (BASE_BATCH, BASE_RATE, 20)


def test_a_week_of_a_large_retailers_sales_gets_larger_batches_and_fewer_epochs() -> None:
    # 250,000 pairs / 16 steps = 15,625 -> the next power of two, 16,384 (4x the base batch)
    plan = PropagationConfig().schedule(250_000)
    assert plan.batch_size == 16_384
    assert plan.learning_rate == pytest.approx(2 * BASE_RATE)  # sqrt(4) times the base step
    assert plan.epochs == EPOCH_RANGE[0]  # 16 steps an epoch, 160 steps in all


@pytest.mark.parametrize("pairs", [1, 70_000, 1_000_000, 31_800_000])
def test_an_epoch_is_at_most_the_step_cap_and_training_a_bounded_number_of_steps(
    pairs: int,
) -> None:
    plan = PropagationConfig().schedule(pairs)
    steps = -(-pairs // plan.batch_size)
    assert steps <= STEPS_PER_EPOCH
    assert EPOCH_RANGE[0] <= plan.epochs <= EPOCH_RANGE[1]
    assert steps * plan.epochs <= STEPS_PER_EPOCH * EPOCH_RANGE[1]


def test_explicit_settings_are_kept() -> None:
    plan = PropagationConfig(batch_size=64, learning_rate=0.05, epochs=3).schedule(250_000)
    assert (plan.batch_size, plan.learning_rate, plan.epochs) == (64, 0.05, 3)
