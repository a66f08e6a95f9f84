"""Strip outputs and execution counts from notebooks, nbstripout-style (``make strip-notebooks``).

Notebooks are committed without outputs: a diff then shows code, not pictures, and the test
suite proves they still run by executing them. ``python tests/notebooks/strip.py FILE...``
rewrites the files in place; ``--check`` only lists the ones that need stripping (exit 1).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat
from nbformat import NotebookNode

#: Metadata keys that record a run rather than the notebook (nbstripout drops the same ones).
RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def stripped(notebook: NotebookNode) -> NotebookNode:
    """A copy of ``notebook`` without outputs, execution counts or run metadata."""
    clean = copy.deepcopy(notebook)
    for cell in clean.cells:
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    clean.metadata.pop("widgets", None)
    return clean


def needs_stripping(path: Path) -> bool:
    """Whether the notebook at ``path`` holds outputs, execution counts or run metadata."""
    notebook = nbformat.read(path, as_version=4)
    return bool(stripped(notebook) != notebook)


def strip_file(path: Path) -> bool:
    """Strip the notebook at ``path`` in place; True when it changed."""
    notebook = nbformat.read(path, as_version=4)
    clean = stripped(notebook)
    if clean == notebook:
        return False
    nbformat.write(clean, path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Strip (or with ``--check``, list) the given notebooks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if any")
    args = parser.parse_args(argv)
    dirty = [p for p in args.notebooks if (needs_stripping(p) if args.check else strip_file(p))]
    for path in dirty:
        print(f"{'has outputs' if args.check else 'stripped'}: {path}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
