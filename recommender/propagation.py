"""Training LightGCN-style embeddings with the BPR loss (He et al. 2020).

One loop serves both graph models: the propagation matrix is built once, each step propagates
the embedding table ``num_layers`` times (``E_{l+1} = Â E_l``), averages the layers, and scores
sampled (user, bought item, random item) triples. The device is one switch: ``cpu``, ``cuda``
or ``auto``.

Each step propagates the whole graph, so an epoch of fixed-size batches costs in proportion to
the number of interactions: at a retailer's week of sales (≈ 250,000 pairs) 20 epochs of
4,096 triples took minutes on two cores. The default schedule is therefore sized to the data
(:meth:`PropagationConfig.schedule`): batches grow so that an epoch is at most
``STEPS_PER_EPOCH`` steps, the Adam step grows with the square root of the batch (as the
variance of the gradient falls), and the number of epochs aims at ``STEP_BUDGET`` steps in all,
within ``EPOCH_RANGE``. Explicit settings are kept as given.

The steps are bounded, their cost is not: a step propagates every interaction. A large
retailer's whole history (31.8M purchases at H&M's size) costs about 22 s a step on two cores,
hours a fit, so a fit learns from the newest ``max_events`` events only (:func:`newest_events`);
the items keep their vectors for the whole catalogue and every shopper is folded in from their
own history when scored, so shoppers of older events are served as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
import torch

from recommender.base import TrainingSet
from recommender.data import Interactions
from recommender.graph import Graph, Propagator

#: The batch and Adam step of the classic schedule, which small data keeps.
BASE_BATCH = 4096
BASE_RATE = 0.01
#: The most optimiser steps (full propagations) in one epoch of the data-sized schedule.
STEPS_PER_EPOCH = 16
#: About how many steps the data-sized schedule trains for, and its fewest and most epochs.
STEP_BUDGET = 160
EPOCH_RANGE = (10, 20)


@dataclass(frozen=True)
class PropagationConfig:
    """Hyper-parameters of LightGCN-style training."""

    dim: int = 64
    """Embedding length."""
    layers: int = 2
    """Propagation layers."""
    epochs: int = 0
    """Passes over the interactions (0: sized to the data, see :meth:`schedule`)."""
    batch_size: int = 0
    """Triples per optimiser step (0: sized to the data)."""
    learning_rate: float = 0.0
    """Adam step (0: ``BASE_RATE`` scaled by the square root of the batch's growth)."""
    weight_decay: float = 1e-4
    """L2 penalty on the batch's layer-0 embeddings."""
    seed: int = 0
    """Random seed of the initial table and the sampling."""
    device: str = "auto"
    """``cpu``, ``cuda`` or ``auto`` (CUDA when available)."""
    threads: int = 1
    """CPU threads of torch while training (small batches run fastest on one; 0: leave as is)."""
    max_events: int = 1_000_000
    """Most events a fit learns from, the newest (0: all of them). A million is about three
    weeks of sales at H&M's full size, a few minutes a fit on two cores (the whole two years:
    hours); a week of a large retailer's sales is well under it."""

    def schedule(self, pairs: int) -> PropagationConfig:
        """This config with the data-sized settings filled in for ``pairs`` interactions.

        A small catalogue keeps the classic schedule (batches of ``BASE_BATCH``, Adam step
        ``BASE_RATE``, 20 epochs); a large one gets batches of up to ``pairs / STEPS_PER_EPOCH``
        (a power of two), a larger step and fewer epochs, so its training costs about
        ``STEP_BUDGET`` propagations, not a number that grows with the interactions.
        """
        batch = self.batch_size or max(
            BASE_BATCH, 1 << max(0, math.ceil(math.log2(max(pairs, 1) / STEPS_PER_EPOCH)))
        )
        rate = self.learning_rate or BASE_RATE * math.sqrt(batch / BASE_BATCH)
        steps = max(1, math.ceil(pairs / batch))
        low, high = EPOCH_RANGE
        epochs = self.epochs or min(high, max(low, math.ceil(STEP_BUDGET / steps)))
        return replace(self, batch_size=batch, learning_rate=rate, epochs=epochs)


def newest_events(data: TrainingSet, most: int) -> TrainingSet:
    """``data`` cut to its ``most`` newest events (all of it when it holds no more, or ``most``
    is 0); events at one time keep their order, so an untimed feed keeps its last rows.
    """
    frame = data.interactions.frame
    if most <= 0 or len(frame) <= most:
        return data
    order = np.argsort(frame["timestamp"].to_numpy(), kind="stable")
    kept = frame.iloc[np.sort(order[-most:])]
    return data.with_interactions(Interactions(kept))


def resolve_device(name: str) -> torch.device:
    """The torch device of the one switch.

    Raises:
        ValueError: When ``name`` is not cpu, cuda or auto, or CUDA is asked for but absent.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"device must be cpu, cuda or auto, not {name!r}")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda was asked for but torch sees no CUDA device")
    return torch.device(name)


def propagate(table: torch.Tensor, adjacency: Propagator, layers: int) -> torch.Tensor:
    """Mean of the layer embeddings: (n_nodes, dim) -> (n_nodes, dim)."""
    total, current = table, table
    for _ in range(layers):
        current = adjacency(current)
        total = total + current
    return total / (layers + 1)


def bpr_step(
    final: torch.Tensor,
    table: torch.Tensor,
    users: torch.Tensor,
    positives: torch.Tensor,
    negatives: torch.Tensor,
    weight_decay: float,
) -> torch.Tensor:
    """The BPR loss of a batch of (user node, positive node, negative node) triples."""
    user = final[users]
    margin = (user * final[positives]).sum(-1) - (user * final[negatives]).sum(-1)
    regular = table[users].pow(2).sum() + table[positives].pow(2).sum()
    regular = regular + table[negatives].pow(2).sum()
    return -torch.nn.functional.logsigmoid(margin).mean() + weight_decay * regular / len(users)


@contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Run with ``threads`` torch CPU threads, restoring the previous count afterwards."""
    before = torch.get_num_threads()
    if threads > 0:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_embeddings(graph: Graph, matrix: sp.csr_matrix, config: PropagationConfig) -> np.ndarray:
    """Train and return the propagated item embeddings, (n_items, dim) float32."""
    with torch_threads(config.threads):
        return _train(graph, matrix, config.schedule(matrix.nnz))


def _train(graph: Graph, matrix: sp.csr_matrix, config: PropagationConfig) -> np.ndarray:
    device = resolve_device(config.device)
    generator = torch.Generator().manual_seed(config.seed)
    adjacency = Propagator(graph.adjacency(), device)
    table = torch.nn.Parameter(
        torch.empty(graph.n_nodes, config.dim).normal_(0.0, 0.1, generator=generator).to(device)
    )
    optimiser = torch.optim.Adam([table], lr=config.learning_rate)
    coo = matrix.tocoo()
    users = torch.from_numpy(coo.row.astype(np.int64))
    items = torch.from_numpy(coo.col.astype(np.int64)) + graph.n_users
    for _ in range(config.epochs if users.numel() else 0):
        run_epoch(table, adjacency, optimiser, (users, items), graph, config, generator)
    with torch.no_grad():
        final = propagate(table, adjacency, config.layers)
    start = graph.n_users
    return final[start : start + graph.n_items].cpu().numpy().astype(np.float32)


def run_epoch(
    table: torch.nn.Parameter,
    adjacency: Propagator,
    optimiser: torch.optim.Optimizer,
    pairs: tuple[torch.Tensor, torch.Tensor],
    graph: Graph,
    config: PropagationConfig,
    generator: torch.Generator,
) -> float:
    """One pass over the interactions in shuffled batches; returns the mean loss."""
    users, items = pairs
    order = torch.randperm(users.numel(), generator=generator)
    losses = []
    for start in range(0, order.numel(), config.batch_size):
        batch = order[start : start + config.batch_size]
        negatives = torch.randint(graph.n_items, (batch.numel(),), generator=generator)
        final = propagate(table, adjacency, config.layers)
        loss = bpr_step(
            final,
            table,
            users[batch].to(table.device),
            items[batch].to(table.device),
            (negatives + graph.n_users).to(table.device),
            config.weight_decay,
        )
        optimiser.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        losses.append(float(loss.detach()))
    return float(np.mean(losses)) if losses else 0.0
