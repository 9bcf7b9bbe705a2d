"""Reads NeuroSweep's output tables into pandas for the notebooks of this folder.

With pyarrow installed, pandas reads the Parquet folders directly. Without it (Debian packages no Parquet reader for
Python), every read goes through `neurosweep sql --format json`, which starts a JVM and Spark: a few seconds a call.

Environment:
  NEUROSWEEP_OUT   output root of the runs (default: <repository>/out/demo, where `scripts/neurosweep demo` writes)
  NEUROSWEEP_RUN   the run to read (default: the most recent run under NEUROSWEEP_OUT)
  NEUROSWEEP_CLI   the command line of the CLI (default: <repository>/scripts/neurosweep)
  NEUROSWEEP_READER  'sql' forces the `neurosweep sql` path even where pyarrow is installed
"""
import io
import json
import os
import shlex
import subprocess
from pathlib import Path

import pandas as pd

HERE = Path.cwd()
ROOT = Path(os.environ.get("NEUROSWEEP_HOME", HERE.parent if HERE.name == "notebooks" else HERE))
OUT = os.environ.get("NEUROSWEEP_OUT", str(ROOT / "out" / "demo"))
CLI = shlex.split(os.environ.get("NEUROSWEEP_CLI", str(ROOT / "scripts" / "neurosweep")))

try:
    if os.environ.get("NEUROSWEEP_READER") == "sql":
        raise ImportError("NEUROSWEEP_READER=sql")
    import pyarrow  # noqa: F401  (pandas.read_parquet's engine)
    READER = "pyarrow"
except ImportError:
    READER = "neurosweep sql"


def sql(query):
    """The rows of a Spark SQL query over every table of OUT (one view per table, ns_* functions), as a DataFrame."""
    cmd = CLI + ["sql", query, "--out", OUT, "--format", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"neurosweep sql exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return pd.DataFrame.from_records(lines)


def latest_run():
    """NEUROSWEEP_RUN, else the run whose manifest was written last."""
    if os.environ.get("NEUROSWEEP_RUN"):
        return os.environ["NEUROSWEEP_RUN"]
    runs = sorted(Path(OUT, "manifest").glob("run=*"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise FileNotFoundError(f"{OUT} has no manifest table: run `scripts/neurosweep demo` first or set NEUROSWEEP_OUT")
    return runs[-1].name[len("run="):]


RUN = latest_run()


def latest_run_of(name):
    """NEUROSWEEP_RUN, else the most recent run that wrote table `name` (a demo has several sweeps), else RUN."""
    if os.environ.get("NEUROSWEEP_RUN"):
        return os.environ["NEUROSWEEP_RUN"]
    runs = sorted(Path(OUT, name).glob("run=*"), key=lambda p: p.stat().st_mtime)
    return runs[-1].name[len("run="):] if runs else RUN


def table(name, columns, run=None):
    """The given columns of table `name` in `run` (default RUN; an empty frame with those columns when it has no rows)."""
    run = run or RUN
    if not Path(OUT, name, f"run={run}").is_dir():
        return pd.DataFrame(columns=columns)
    if READER == "pyarrow":
        return pd.read_parquet(Path(OUT, name, f"run={run}"), columns=columns)
    quoted = ", ".join(f"`{c}`" for c in columns)
    frame = sql(f"SELECT {quoted} FROM {name} WHERE run = '{run}'")
    return frame if not frame.empty else pd.DataFrame(columns=columns)
