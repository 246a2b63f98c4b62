"""`dbt build` in the refresh's own process, through dbt's Python API (`dbtRunner`).

dagster-dbt runs dbt as a subprocess: a second Python that imports dbt (1.5 s), loads the project
(1.25 s warm; a full parse, 5 s, in every new warehouse, since dbt hashes the build file's path
into its parse state), writes every event to its stdout as JSON for Dagster to parse back, and
tears its interpreter down at the end (0.6-0.9 s). Here dagster-dbt has imported most of dbt, and
the manifest `make install` parsed is loaded instead of parsed (0.2-0.4 s), when it is still the
project's (`shipped_manifest`); otherwise dbt parses as usual. On Spark (dbt-spark's session
method) dbt builds in the Spark session the refresh's landing started in this process: one JVM
and one interpreter for a refresh, where a child process for the landing and dbt's subprocess
each started their own.

The events are dagster-dbt's own (`DbtCoreCliEventMessage`, built from the same dictionaries its
JSON lines hold), and the selection of a subset run is dagster-dbt's, so the Dagster events and
checks are those of `DbtCliResource.cli`.
"""

from __future__ import annotations

import ctypes
import json
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject
from dagster_dbt.asset_utils import (
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCliEventMessage, DbtCoreCliEventMessage
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.project import DBT_PROJECT_DIR, DBT_TARGET_PATH

# The manifest `make install` parsed (its `dbt parse`, no vars), copied beside dbt's own
# partial-parse file, which any `dbt` run in the project rewrites with its own vars.
SHIPPED_PARSE = DBT_PROJECT_DIR / DBT_TARGET_PATH / "icp_shipped_manifest.msgpack"
# The project's folders dbt does not parse: its outputs and installed packages.
NOT_PARSED = frozenset({DBT_TARGET_PATH.name, "logs", "dbt_packages"})
# The vars dbt reads while parsing: the CRM and billing systems decide the connector models'
# lineage, `icp check`'s input_check a test's severity. A run that sets one parses; every other var
# is read only when a node compiles (tests/test_dbt_parse.py parses with all of them changed).
PARSED_VARS = frozenset({"crm", "billing", "input_check"})
# dbt's debug-level events are for its log file; Dagster reads the others, as from dbt's stdout.
STREAMED_LEVELS = frozenset({"info", "warn", "error"})
# How long an interrupted refresh waits for dbt to stop its queries (dagster-dbt waits 25 s for
# its dbt process).
STOP_TIMEOUT_SECONDS = 30.0
# dbt's flags, event manager and adapters are the process's: one invocation at a time.
_ONE_AT_A_TIME = threading.Lock()
_DONE = object()


def project_changed_since(parsed: Path, project_dir: Path = DBT_PROJECT_DIR) -> bool:
    """Whether a file dbt parses changed after `parsed` was written: `make install` parses again
    when one does, but a person editing a model and running `icp refresh` has not. Folders count
    too: deleting or renaming a model leaves its folder newer (the project folder itself does
    not: dbt creates `logs/` in it)."""
    written = parsed.stat().st_mtime
    for entry in project_dir.iterdir():
        if entry.name in NOT_PARSED or entry.name.startswith("."):
            continue
        files = entry.rglob("*") if entry.is_dir() else (entry,)
        if any(path.stat().st_mtime > written for path in files):
            return True
    return False


def shipped_manifest(
    catalog: str | None,
    run_vars: Mapping[str, object],
    environ: Mapping[str, str],
    parsed: Path = SHIPPED_PARSE,
) -> Any | None:
    """The manifest `make install` parsed (`parsed`), when a parse now would give the same one;
    else None, and dbt parses. What a parse depends on here: the project's files, dbt's version,
    the catalog dbt qualifies every relation with (DuckDB names it after the build file; None for
    an engine the shipped parse was not made for), the vars of PARSED_VARS and the environment
    variables the project read while parsing."""
    from dbt.constants import DEFAULT_ENV_PLACEHOLDER
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder
    from dbt.version import __version__ as dbt_version

    if catalog is None or PARSED_VARS & run_vars.keys():
        return None
    if not parsed.exists() or project_changed_since(parsed):
        return None
    try:
        manifest = Manifest.from_msgpack(parsed.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception:  # not a manifest this dbt can read: dbt parses instead
        return None
    catalogs = {node.database for node in manifest.nodes.values()}
    env_changed = any(
        environ.get(name, DEFAULT_ENV_PLACEHOLDER) != value
        for name, value in manifest.env_vars.items()
    )
    if manifest.metadata.dbt_version != dbt_version or catalogs != {catalog} or env_changed:
        return None
    manifest.build_flat_graph()
    return manifest


def run_vars_of(args: Sequence[str]) -> dict[str, object]:
    """The `--vars` of dbt arguments."""
    return json.loads(args[args.index("--vars") + 1]) if "--vars" in args else {}


@dataclass
class InProcessInvocation:
    """A dbt invocation running in a thread of this process, with the attributes of
    dagster-dbt's `DbtCliInvocation` that turn its events into Dagster events."""

    args: list[str]
    manifest: Mapping[str, Any]
    dagster_dbt_translator: DagsterDbtTranslator
    target_path: Path
    project: DbtProject | None
    context: dg.AssetExecutionContext | None = field(default=None, repr=False)
    _events: queue.SimpleQueue = field(init=False, default_factory=queue.SimpleQueue, repr=False)
    _thread: threading.Thread | None = field(init=False, default=None, repr=False)
    _result: Any = field(init=False, default=None)
    _crash: BaseException | None = field(init=False, default=None)

    def start(self, dbt_manifest: Any | None) -> InProcessInvocation:
        self._thread = threading.Thread(target=self._run, args=(dbt_manifest,), daemon=True)
        self._thread.start()
        return self

    def _run(self, dbt_manifest: Any | None) -> None:
        try:
            with _ONE_AT_A_TIME:
                self._invoke(dbt_manifest)
        except BaseException as crash:  # for the consumer to raise: a thread's own is lost
            self._crash = crash
        finally:
            self._events.put(_DONE)

    def _invoke(self, dbt_manifest: Any | None) -> None:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.base_types import EventMsg
        from dbt_common.events.functions import msg_to_dict

        def on_event(event: EventMsg) -> None:
            if event.info.level in STREAMED_LEVELS:
                self._events.put(msg_to_dict(event))

        try:
            self._result = dbtRunner(manifest=dbt_manifest, callbacks=[on_event]).invoke(self.args)
        finally:
            close_duckdb_file()

    def stream_raw_events(self) -> Iterator[DbtCliEventMessage]:
        """dbt's events as they happen; raises dagster-dbt's error when the build failed. If the
        consumer stops early (an interrupt, an error downstream), dbt is stopped as on Ctrl-C and
        its thread awaited, so the warehouse lock is not released under a running build."""
        errors: list[str] = []
        try:
            while (raw := self._events.get()) is not _DONE:
                if raw["info"]["level"] == "error":
                    errors.append(raw["info"]["msg"])
                yield DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
        except BaseException:
            self._stop()
            raise
        if self._crash is not None:
            raise self._crash
        if not self._result.success:
            reason = self._result.exception or "\n".join(errors) or "a node failed"
            raise DagsterDbtCliRuntimeError(
                description=f"dbt {self.args[0]} failed: {reason}; dbt's log: "
                f"{self.target_path / 'dbt.log'}"
            )

    def _stop(self) -> None:
        """Stop dbt as Ctrl-C stops a dbt process: a KeyboardInterrupt in the thread that runs
        it, which dbt handles by cancelling its queries and skipping the nodes left (it receives
        it when it next wakes, at the latest when a running node ends)."""
        thread = self._thread
        if thread is None or thread.ident is None or not thread.is_alive():
            return
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(KeyboardInterrupt)
        )
        thread.join(STOP_TIMEOUT_SECONDS)


def close_duckdb_file() -> None:
    """dbt-duckdb keeps the database open in a class attribute until the process exits; close it
    so the refresh can open the build file (DuckDB refuses a second, read-only handle)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()


def dbt_in_process(
    args: Sequence[str],
    *,
    context: dg.AssetExecutionContext,
    target: str | None,
    target_path: Path,
    catalog: str | None,
    environ: Mapping[str, str],
    log_levels: tuple[str, str],
) -> InProcessInvocation:
    """Start `dbt <args>` for the assets `context` runs, as `DbtCliResource.cli` would: the
    selection of a subset run and the project (a temporary copy for a large selection) are
    dagster-dbt's; `log_levels` are dbt's on stdout and in its log file."""
    cleaned, selects, excludes = extract_runtime_selection_from_args(args)
    params = get_updated_cli_invocation_params_for_context(
        context=context,
        manifest={},
        dagster_dbt_translator=DagsterDbtTranslator(),
        runtime_selects=selects,
        runtime_excludes=excludes,
    )
    project = params.dbt_project
    assert project is not None, "dbt runs in process for the assets of @dbt_assets only"
    full_args = [
        *cleaned,
        *params.selection_args,
        *(["--indirect-selection", params.indirect_selection] if params.indirect_selection else []),
        *(["--target", target] if target else []),
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(target_path),
        "--log-level",
        log_levels[0],
        "--log-level-file",
        log_levels[1],
        "--log-path",
        str(target_path),
        "--log-format-file",
        "json",
        "--no-send-anonymous-usage-stats",
    ]
    invocation = InProcessInvocation(
        args=full_args,
        manifest=params.manifest,
        dagster_dbt_translator=params.dagster_dbt_translator,
        target_path=target_path,
        project=project,
        context=context,
    )
    return invocation.start(shipped_manifest(catalog, run_vars_of(cleaned), environ))
