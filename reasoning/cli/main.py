"""The `medcore` entry point: the root options, the command groups, and exit codes.

`main(argv)` returns the exit code (what the tests call): 0 success, 1 a user error
(`ErrorName: message`, no traceback), 2 a usage error (the usage line and the reason),
130 interrupted. `--debug` or `MEDCORE_DEBUG=1` adds the traceback of a user error.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import MedcoreError
from reasoning.cli import ask, config, db, evaluate, graph, info, ingest, link, responder
from reasoning.cli.common import State, state

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="medcore",
    no_args_is_help=True,
    # Tracebacks with local variables could print a password; ours are off (see main).
    # Plain usage errors (the usage line and a one-line reason) and plain, quick help.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Med-CoReasoner: multilingual medical co-reasoning over a knowledge graph. "
    "Root options (--home, --config, --debug) go before the command.",
)
for group in (graph, db, ingest, link, ask, evaluate, responder, info, config):
    group.register(app)


def _plugins() -> None:
    """Commands other packages contribute (entry points of group `medcore.commands`): the
    `queries` package's cypher, query, runs and viz. They plug in rather than being
    imported, so that reasoning does not depend on queries (see the README's Architecture)."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="medcore.commands"):
        entry.load()(app)


_plugins()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"medcore {version('med-coreasoner')} (Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None, typer.Option("--home", help="Data directory (default: $MEDCORE_HOME or the user data dir).")
    ] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    root = state(ctx)
    root.home, root.config, root.debug = home, config_file, root.debug or debug


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the process's arguments) and return the exit code."""
    root = State(debug=os.environ.get("MEDCORE_DEBUG", "") not in ("", "0"))
    command = typer.main.get_command(app)
    usage = typer.Context(command, info_name="medcore", help_option_names=["-h", "--help"])
    if (refused := _not_utf8(usage, sys.argv[1:] if argv is None else argv)) is not None:
        refused.show()
        return 2
    try:
        command.main(args=argv, prog_name="medcore", standalone_mode=True, obj=root)
    except SystemExit as done:  # standalone mode always ends here, usage errors included
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
        if code == 130 and not root.interrupt_reported:
            print("Interrupted.", file=sys.stderr)
        return code
    except MedcoreError as exc:
        return _user_error(exc, root.debug)
    except OSError as exc:  # a full disk, a permission: the environment, not a bug
        return _user_error(exc, root.debug)
    return 0


def _not_utf8(ctx: typer.Context, args: list[str]) -> typer.BadParameter | None:
    """A usage error for the first argument that is not UTF-8. Python hands such bytes on
    as lone surrogates, which fail far from the command line (printing, the graph, the
    lexicon) with a traceback; a path in another encoding is refused the same way."""
    for position, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(arg)[:60]
            return typer.BadParameter(
                f"{shown!r} is not valid UTF-8; give texts and paths as UTF-8",
                ctx=ctx,
                param_hint=f"argument {position}",
            )
    return None


def _user_error(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc)
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
