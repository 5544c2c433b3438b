#!/usr/bin/env python3
"""`make bench`: django-live-views beside its Django peers, measured in one run.

1. Assembles a work dir (bench/.work/, git-ignored) from the shared peer harness
   (../shared/bench-peers/, read only, never edited) plus this folder's own pieces: the adapter
   (adapters/), the app (apps/), the venv pins (requirements/) and targets.json. `--overlay DIR`
   adds another library's pieces laid out the same way (see bench/README.md).
2. Builds one venv per requirements file (again only when the file changed) and migrates each app.
3. Runs the shared run_bench.py (every target, peers and ours, one after the other, server on
   CPU 0, client on CPU 1), then our extra phases (extra.py), then the shared report.py.
4. Writes bench/RESULTS.md and the chart bench/results/benchmarks.png (report.py here).

    python3 bench/run.py                 # full run (~13-15 min)
    python3 bench/run.py --quick         # smoke run, tiny sizes: bench/.work/RESULTS.quick.md
    python3 bench/run.py --peers all     # every peer server, not only each peer's best one
    python3 bench/run.py --report-only   # re-render RESULTS.md and the chart from the last run
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS = Path(os.environ.get("BENCH_PEERS_DIR", REPO.parent / "shared" / "bench-peers"))
WORK = BENCH / ".work"
PYTHON = os.environ.get("PYTHON", "python3")

# Each peer's fastest server in the shared RESULTS.md (throughput and latency): the default set,
# so a full run stays near 15 minutes. `--peers all` runs all eight peer targets.
BEST_PEERS = ["liveview-uvicorn", "reactor-uvicorn", "unicorn-gunicorn", "djust-uvicorn"]
HARNESS_FILES = ["client.py", "run_bench.py", "report.py", "NOTES.md", "README.md", "run_all.sh"]
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3", "*.sqlite3")


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


def copy_tree(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=SKIP, copy_function=shutil.copyfile)
    for path in [dst, *dst.rglob("*")]:  # the shared copy is read-only; our copy is not
        path.chmod(0o755 if path.is_dir() else 0o644)


def assemble(peers: str, overlays: list[Path]) -> list[dict]:
    """Fill WORK with the shared harness plus each overlay; return the targets to run."""
    WORK.mkdir(exist_ok=True)
    for name in HARNESS_FILES:
        shutil.copyfile(PEERS / name, WORK / name)
    for sub in ("adapters", "apps", "requirements"):
        copy_tree(PEERS / sub, WORK / sub)
    shared_targets = json.loads((PEERS / "targets.json").read_text())["targets"]
    if peers == "all":
        targets = list(shared_targets)
    elif peers == "none":
        targets = []
    else:
        wanted = BEST_PEERS if peers == "best" else peers.split(",")
        unknown = set(wanted) - {t["name"] for t in shared_targets}
        if unknown:
            raise SystemExit(f"unknown peer targets {sorted(unknown)}; see {PEERS}/targets.json")
        targets = [t for t in shared_targets if t["name"] in wanted]
    for overlay in overlays:
        for adapter in (overlay / "adapters").glob("*.py"):
            shutil.copyfile(adapter, WORK / "adapters" / adapter.name)
        for app in (overlay / "apps").iterdir():
            if app.is_dir():
                copy_tree(app, WORK / "apps" / app.name)
        for req in (overlay / "requirements").glob("*.txt"):
            text = req.read_text().replace("{overlay}", str(overlay.resolve()))
            (WORK / "requirements" / req.name).write_text(text)
        targets += json.loads((overlay / "targets.json").read_text())["targets"]
    (WORK / "targets.json").write_text(json.dumps({"targets": targets}, indent=2))
    return targets


def make_venv(name: str) -> None:
    """Same rule as the shared run_all.sh: rebuilt only when its requirements file changed."""
    req = WORK / "requirements" / f"{name}.txt"
    venv = WORK / "venvs" / name
    stamp = venv / ".requirements.sha256"
    want = hashlib.sha256(req.read_bytes()).hexdigest()
    if (venv / "bin" / "python").exists() and stamp.exists() and stamp.read_text().strip() == want:
        return
    log(f"creating venvs/{name} from requirements/{name}.txt")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
    pip_log = WORK / "venvs" / f".{name}.pip.log"
    with pip_log.open("wb") as out:
        result = subprocess.run(
            [str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check", "-r", str(req)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        raise SystemExit(f"pip failed for venvs/{name}:\n{pip_log.read_text()[-3000:]}")
    stamp.write_text(want + "\n")


def migrate(targets: list[dict]) -> None:
    for venv, app in dict.fromkeys((t["venv"], t["app"]) for t in targets):
        subprocess.run(
            [str(WORK / venv / "bin/python"), "manage.py", "migrate", "-v0"],
            cwd=WORK / app,
            check=True,
        )


def packages(targets: list[dict]) -> dict[str, str]:
    """adapter -> pip name, for the version columns (targets may name a "package")."""
    return {t["adapter"]: t["package"] for t in targets if t.get("package")}


def run_shared_bench(targets: list[dict], out: str, quick: bool, phases: str | None) -> None:
    # The shared run_bench.py, imported unchanged; only its list of reported versions grows.
    code = (
        "import sys; sys.path.insert(0, '.'); import run_bench; "
        f"run_bench.VERSION_PKGS += {sorted(set(packages(targets).values()))!r}; run_bench.main()"
    )
    args = ["--out", out, "--targets", ",".join(t["name"] for t in targets)]
    if quick:
        args.append("--quick")
    if phases:
        args += ["--phases", phases]
    subprocess.run([str(WORK / "venvs/bench/bin/python"), "-c", code, *args], cwd=WORK, check=True)


def run_shared_report(targets: list[dict], raw: str, out: str, runtime: str) -> None:
    code = (
        "import sys; sys.path.insert(0, '.'); import report; "
        f"report.LIB_PKG.update({packages(targets)!r}); report.main()"
    )
    args = ["--raw", raw, "--out", out, "--runtime", runtime]
    subprocess.run([str(WORK / "venvs/bench/bin/python"), "-c", code, *args], cwd=WORK, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    ap.add_argument("--peers", default="best", help="best (default), all, none, or target names")
    ap.add_argument(
        "--overlay",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="another library's bench folder (adapters/, apps/, requirements/, "
        "targets.json), added like this one",
    )
    ap.add_argument("--phases", default=None, help="shared phases to run (default: all)")
    ap.add_argument(
        "--extras",
        default=None,
        help="extra phases to run, comma-separated (default: each target's 'extras')",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="only re-render the reports from the last run's raw results",
    )
    args = ap.parse_args()

    # 10,000 sockets in the server and as many in the client: as many descriptors as allowed.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started = time.time()
    quick = args.quick
    raw, extras = ("raw_quick", "extras_quick") if quick else ("raw", "extras")
    overlays = [BENCH, *args.overlay]
    tpath = WORK / "targets.json"
    if args.report_only:
        targets = json.loads(tpath.read_text())["targets"]
    else:
        targets = assemble(args.peers, overlays)
        names = {"bench", "tools"} | {Path(t["venv"]).name for t in targets}
        log(f"targets: {', '.join(t['name'] for t in targets)}")
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(make_venv, sorted(names)))
        migrate(targets)
        shutil.rmtree(WORK / raw, ignore_errors=True)
        shutil.rmtree(WORK / extras, ignore_errors=True)
        load0 = os.getloadavg()
        run_shared_bench(targets, raw, quick, args.phases)
        cmd = [
            str(WORK / "venvs/bench/bin/python"),
            str(BENCH / "extra.py"),
            "--work",
            str(WORK),
            "--out",
            str(WORK / extras),
        ]
        if quick:
            cmd.append("--quick")
        if args.extras is not None:
            cmd += ["--only", args.extras]
        subprocess.run(cmd, check=True)
        secs = int(time.time() - started)
        runtime = f"{secs // 60} min {secs % 60} s"
        (WORK / extras / "run.json").write_text(
            json.dumps(
                {
                    "runtime": runtime,
                    "loadavg_before": load0,
                    "loadavg_after": os.getloadavg(),
                    "quick": quick,
                    "peers": args.peers,
                },
                indent=2,
            )
        )
    run_info = json.loads((WORK / extras / "run.json").read_text())
    shared_out = "RESULTS.quick.md" if quick else "RESULTS.md"
    run_shared_report(targets, raw, shared_out, run_info["runtime"])
    out = WORK / "RESULTS.quick.md" if quick else BENCH / "RESULTS.md"
    chart = WORK / "benchmarks.quick.png" if quick else BENCH / "results" / "benchmarks.png"
    subprocess.run(
        [
            str(WORK / "venvs/tools/bin/python"),
            str(BENCH / "report.py"),
            "--work",
            str(WORK),
            "--raw",
            raw,
            "--extras",
            extras,
            "--shared-report",
            shared_out,
            "--out",
            str(out),
            "--chart",
            str(chart),
        ],
        check=True,
    )
    if not quick:
        dest = BENCH / "results" / "raw"
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(WORK / raw, dest)
        shutil.copytree(WORK / extras, dest / "extras")
    log(
        f"wrote {out.relative_to(REPO)} and {chart.relative_to(REPO)} "
        f"({int(time.time() - started)} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
