"""Ingesting a table of customers."""

from __future__ import annotations

from pathlib import Path

from service.ingest.reading import TableReader
from service.ingest.report import BadRow
from service.ingest.run import IngestContext


def ingest_customers(context: IngestContext, path: Path, id_column: str) -> None:
    """Store the customers of a table; every other column is kept as an attribute.

    An ``age`` column, where present, must hold an age in years.
    """
    reader = TableReader(
        path,
        (id_column,),
        lambda bad: context.bad_row(bad, "customers"),
        context.options.chunk_rows,
    )
    seen: dict[str, int] = {}
    with context.progress.task(f"customers in {path.name}", reader.size) as task:
        for chunk in reader.chunks():
            batch = []
            for line, values in zip(chunk.lines, chunk.rows, strict=True):
                data = {c: v.strip() for c, v in zip(chunk.columns, values, strict=True) if v}
                customer = data.pop(id_column, "")
                problem = _customer_problem(customer, data, seen, id_column)
                if problem:
                    context.bad_row(BadRow(str(path), line, problem), "customers")
                    continue
                seen[customer] = line
                batch.append((customer, data))
            context.writer.write_customers(batch)
            task.update(chunk.position)


def _customer_problem(
    customer: str, data: dict[str, str], seen: dict[str, int], id_column: str
) -> str | None:
    if not customer:
        return f"missing {id_column}"
    if customer in seen:
        return f"duplicate {id_column} {customer!r} (first on line {seen[customer]})"
    age = data.get("age")
    if age is not None:
        try:
            years = float(age)
        except ValueError:
            return f"age {age!r} is not a number"
        if not 0 <= years <= 130:
            return f"age {years:g} is not an age in years"
    return None
