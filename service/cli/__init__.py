"""The ``atelier`` command line.

Settings are read from the environment here, at the entry point, and handed down. Every
command reports failures as one line on stderr and a non-zero exit code; ``--verbose`` adds
the traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from service.cli.context import CliState, state
from service.cli.output import console, out
from service.errors import AtelierError

#: Commands whose module is imported only when they run: name -> (module, attribute, the line
#: `atelier --help` shows). Importing every command's module took 7 s and 425 MB (torch,
#: LightGBM, the graph store) before any command ran; a command needs only its own.
#: tests/service/test_cli.py checks each line against the command's own help.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": (
        "service.cli.demo",
        "demo",
        "Generate the synthetic demo world (catalogue, photos, feeds, shoppers) and ingest it.",
    ),
    "serve": (
        "service.cli.serve",
        "serve",
        "Serve the API and the storefront at http://HOST:PORT until interrupted.",
    ),
    "tag": (
        "service.cli.vision",
        "tag",
        "Tag every catalogue article with a photo (colours + attributes); skips up-to-date ones.",
    ),
    "tag-images": (
        "service.cli.vision",
        "tag_images",
        "Tag the image files of a folder: one JSON line per file (bad files get an error line).",
    ),
    "train": (
        "service.cli.recommend",
        "train",
        "Train the recommender on the store and make it the current version.",
    ),
    "evaluate": (
        "service.cli.recommend",
        "evaluate",
        "Compare models (with and without the policy) on files or on the store.",
    ),
    "ingest": (
        "service.cli.ingest",
        "app",
        "Load catalogue and interaction files into the catalogue store.",
    ),
    "kg": ("service.cli.kg", "app", "Build, query, validate and export the knowledge graph."),
    "vision": (
        "service.cli.vision",
        "app",
        "Train, evaluate and extend the photo attribute tagger.",
    ),
}


class _Summary(TyperCommand):
    """A command not imported yet: its name and its line in ``atelier --help``."""


class _LazyGroup(TyperGroup):
    """The ``atelier`` group: each command of :data:`LAZY_COMMANDS` is imported when it runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        eager = dict(self.commands)
        self.commands = {
            name: _Summary(name, help=line, short_help=line)
            for name, (_, _, line) in LAZY_COMMANDS.items()
        }
        self.commands.update(eager)

    # click's types are spelled Any: recent typers carry their own copy of click (typer._click),
    # older ones use click itself
    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0] if args else None
        if name in LAZY_COMMANDS and isinstance(self.commands.get(name), _Summary):
            self.commands[name] = load_command(name)
        return super().resolve_command(ctx, args)


def load_command(name: str) -> TyperCommand | TyperGroup:
    """The command ``name`` of :data:`LAZY_COMMANDS`, its module imported."""
    module, attribute, _ = LAZY_COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer()
        single.command(name)(target)
        target = single
    command = typer.main.get_command(target)
    assert isinstance(command, TyperCommand | TyperGroup)
    command.name = name
    return command


app = typer.Typer(
    name="atelier",
    help="Atelier: knowledge-graph-driven fashion recommendations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_LazyGroup,
)
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
    from service.settings import Settings  # pydantic: not needed for --help

    ctx.obj = CliState(settings=Settings(), verbose=verbose)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what the catalogue store holds."""
    from service.store import upgrade
    from service.store.summary import summarise

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
    from service.store import upgrade

    settings = state(ctx).settings
    upgrade(state(ctx).engine())
    out.print(f"catalogue store at {settings.catalogue_url.split('@')[-1]} is up to date")


def _usage_errors() -> tuple[type[Exception], ...]:
    """The ``ClickException`` classes: of typer's own copy of click, where it carries one, and
    of click itself.
    """
    found = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(name).ClickException)
        except ImportError:
            continue
    return tuple(found)


#: Errors in how a command was called (name, option, value): shown as click shows them, with
#: the usage line and exit code 2, not as an unexpected failure.
_USAGE_ERRORS = _usage_errors()


def main() -> None:
    """Run the CLI, turning Atelier's errors into one line and exit code 1."""
    verbose = any(arg in ("--verbose", "-v") for arg in sys.argv[1:])
    try:
        app(standalone_mode=False, prog_name="atelier")
    except AtelierError as exc:
        _fail(exc, verbose)
    except KeyboardInterrupt:
        console.print("interrupted: nothing from the current run was stored")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except _USAGE_ERRORS as exc:  # a mistyped command, option or value: click's own message
        exc.show()  # type: ignore[attr-defined]
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except Exception as exc:  # a bug or an environment problem: still one line by default
        _fail(exc, verbose, prefix=f"unexpected {type(exc).__name__}")


def _fail(exc: BaseException, verbose: bool, prefix: str = "error") -> None:
    if verbose:
        console.print_exception()
    console.print(f"[red]{prefix}:[/red] {exc}", highlight=False, soft_wrap=True)
    sys.exit(1)
