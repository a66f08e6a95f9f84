"""Graphs for LightGCN-style propagation: users, articles and knowledge entities as nodes.

Node numbering: users ``[0, n_users)``, items ``[n_users, n_users + n_items)``, then knowledge
entities (styles, categories, colours, materials, ... and their broader concepts). Edges are
undirected; the propagation matrix is the symmetric-normalised adjacency ``D^-1/2 A D^-1/2``
of LightGCN, computed once with PyG's ``gcn_norm`` (no self-loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from torch_geometric.nn.conv.gcn_conv import gcn_norm
from torch_geometric.utils import to_torch_csr_tensor

from recommender.data import Vocabulary
from recommender.knowledge import CatalogueKnowledge


@dataclass(frozen=True)
class Graph:
    """An undirected graph over users, items and entities.

    Attributes:
        n_users: Users (the first nodes).
        n_items: Items (the next nodes).
        n_nodes: All nodes, entities included.
        edges: (2, E) int64 node pairs, each undirected edge once.
    """

    n_users: int
    n_items: int
    n_nodes: int
    edges: np.ndarray

    def adjacency(self) -> sp.csr_matrix:
        """The normalised propagation matrix ``D^-1/2 A D^-1/2`` (symmetric, float32 CSR)."""
        both = np.concatenate([self.edges, self.edges[::-1]], axis=1)
        index, weight = gcn_norm(
            torch.from_numpy(both).long(), None, self.n_nodes, add_self_loops=False
        )
        rows, cols = index.numpy()
        shape = (self.n_nodes, self.n_nodes)
        matrix = sp.csr_matrix((weight.numpy().astype(np.float32), (rows, cols)), shape=shape)
        matrix.sum_duplicates()
        return matrix


class Propagator:
    """Multiplies embeddings by the symmetric propagation matrix, with a cheap backward.

    Because the matrix is symmetric its transpose is itself, so the gradient is one more
    product with the same matrix. On CPU scipy's sparse product is several times faster than
    torch's sparse autograd (measured on the 2-core box); on CUDA torch's CSR product is used.
    """

    def __init__(self, matrix: sp.csr_matrix, device: torch.device) -> None:
        self.device = device
        self.matrix = matrix
        self.tensor: torch.Tensor | None = None
        if device.type != "cpu":
            coo = matrix.tocoo()
            index = torch.from_numpy(np.stack([coo.row, coo.col]).astype(np.int64))
            values = torch.from_numpy(coo.data)
            self.tensor = to_torch_csr_tensor(index, values, size=matrix.shape).to(device)

    def product(self, x: torch.Tensor) -> torch.Tensor:
        """``Â x`` without autograd."""
        if self.tensor is not None:
            result: torch.Tensor = torch.sparse.mm(self.tensor, x)
            return result
        product = np.asarray(self.matrix @ x.numpy(), dtype=np.float32)
        return torch.from_numpy(product)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """``Â x`` with autograd."""
        result = _Symmetric.apply(x, self)  # type: ignore[no-untyped-call]
        assert isinstance(result, torch.Tensor)
        return result


class _Symmetric(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, propagator: Propagator) -> torch.Tensor:
        ctx.propagator = propagator
        return propagator.product(x.detach())

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return ctx.propagator.product(grad.contiguous()), None


def user_item_edges(matrix: sp.csr_matrix) -> np.ndarray:
    """(2, nnz) user-node/item-node pairs of every non-zero of the users × items matrix."""
    coo = matrix.tocoo()
    return np.stack([coo.row.astype(np.int64), coo.col.astype(np.int64) + matrix.shape[0]])


def bipartite_graph(matrix: sp.csr_matrix) -> Graph:
    """The user-item graph of LightGCN."""
    n_users, n_items = matrix.shape
    return Graph(n_users, n_items, n_users + n_items, user_item_edges(matrix))


def knowledge_graph(
    matrix: sp.csr_matrix, items: Vocabulary, knowledge: CatalogueKnowledge
) -> Graph:
    """The collaborative knowledge graph: user-item edges, item-fact edges, concept hierarchy.

    Entities are keyed by relation and concept (``"colour:navy"``) so a colour and a category
    with the same name stay apart; broader concepts keep their child's relation.
    """
    n_users, n_items = matrix.shape
    entities: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []

    def node(key: str) -> int:
        return entities.setdefault(key, n_users + n_items + len(entities))

    for row, item in enumerate(items.ids):
        for relation, concepts in knowledge.item_facts(item).items():
            for concept in concepts:
                pairs.append((n_users + row, node(f"{relation}:{concept}")))
    for key in list(entities):
        relation, concept = key.split(":", 1)
        for parent in knowledge.broader(concept):
            pairs.append((entities[key], node(f"{relation}:{parent}")))
    facts = np.array(pairs, dtype=np.int64).T.reshape(2, -1)
    edges = np.concatenate([user_item_edges(matrix), facts], axis=1)
    return Graph(n_users, n_items, n_users + n_items + len(entities), edges)
