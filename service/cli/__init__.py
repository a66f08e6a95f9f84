"""The ``atelier`` command line.

Settings are read from the environment here, at the entry point, and handed down. Every
command reports failures as one line on stderr and a non-zero exit code; ``--verbose`` adds
the traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from service.cli import demo, ingest, kg, recommend, serve, vision
from service.cli.context import CliState, state
from service.cli.output import console, out
from service.errors import AtelierError
from service.settings import Settings
from service.store import upgrade
from service.store.summary import summarise

app = typer.Typer(
    name="atelier",
    help="Atelier: knowledge-graph-driven fashion recommendations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(ingest.app, name="ingest")
app.add_typer(kg.app, name="kg")
app.command("demo")(demo.demo)
app.command("serve")(serve.serve)
app.command("tag")(vision.tag)
app.command("tag-images")(vision.tag_images)
app.command("train")(recommend.train)
app.command("evaluate")(recommend.evaluate)
app.add_typer(vision.app, name="vision")
db = typer.Typer(help="Manage the catalogue store's schema.", no_args_is_help=True)
app.add_typer(db, name="db")


@app.callback()
def root(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks of errors.")
    ] = False,
) -> None:
    """Atelier: knowledge-graph-driven fashion recommendations.

    State lives under ATELIER_HOME (default ./atelier-home); DATABASE_URL selects a
    PostgreSQL catalogue store instead of the embedded SQLite one.
    """
    ctx.obj = CliState(settings=Settings(), verbose=verbose)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what the catalogue store holds."""
    engine = state(ctx).engine()
    upgrade(engine)
    summary = summarise(engine)
    if as_json:
        out.print_json(json.dumps(summary.to_dict()))
        return
    for key, value in summary.to_dict().items():
        out.print(f"{key:>15}: {value}")


@db.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create the store, or bring its schema up to date (safe to repeat)."""
    settings = state(ctx).settings
    upgrade(state(ctx).engine())
    out.print(f"catalogue store at {settings.catalogue_url.split('@')[-1]} is up to date")


def main() -> None:
    """Run the CLI, turning Atelier's errors into one line and exit code 1."""
    verbose = any(arg in ("--verbose", "-v") for arg in sys.argv[1:])
    try:
        app(standalone_mode=False)
    except AtelierError as exc:
        _fail(exc, verbose)
    except KeyboardInterrupt:
        console.print("interrupted: nothing from the current run was stored")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug or an environment problem: still one line by default
        _fail(exc, verbose, prefix=f"unexpected {type(exc).__name__}")


def _fail(exc: BaseException, verbose: bool, prefix: str = "error") -> None:
    if verbose:
        console.print_exception()
    console.print(f"[red]{prefix}:[/red] {exc}", highlight=False, soft_wrap=True)
    sys.exit(1)
