"""The hostile-input suite, one file at a time through the real command line:
case -> outcome, time, peak memory.

    .venv/bin/python benchmarks/hostile.py                 # the red-team sizes (1 GB streams ...), default limits
    .venv/bin/python benchmarks/hostile.py --small         # the test suite's sizes and limits (tests/hostile_cases.py)
    .venv/bin/python benchmarks/hostile.py --only docx     # cases whose name contains "docx"

Each case runs as `vanban extract --json --workers 1 FILE` in its own process,
with the default per-file limits (time, memory, sizes); the peak resident
memory is that of the command and its worker (the most any of them held,
from wait4). The outcome is "ok" (a record), the error printed on stderr, or
what went wrong: a traceback, a time-out, the memory limit, a crash. A case
whose outcome is not the one tests/hostile_cases.py expects is marked.

Writes benchmarks/results/hostile.json and prints a Markdown table. Peak RSS is
reported in MB; the target is <= 1536 MB for every input within the limits.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_cases as H  # noqa: E402

from vanban.pipeline.batch import shown  # noqa: E402

TARGET_MB = 1536
BAD = ("Traceback", "timed out after", "memory limit", "the worker process died")


# A small process starts the command and reports wait4's peak RSS of it (the
# command and the workers it waited for). Started from here directly, the
# command would count this process's memory too: a forked child's peak starts at
# its parent's, and this process holds the large cases it generated.
_LAUNCH = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss], f)
"""


def run_case(case: H.Case, path: Path, env: dict[str, str], timeout: float, scratch: Path) -> dict:
    out_f, err_f, rep = scratch / "stdout", scratch / "stderr", scratch / "rusage.json"
    rep.unlink(missing_ok=True)
    t0 = time.monotonic()
    with open(out_f, "wb") as so, open(err_f, "wb") as se:
        p = subprocess.Popen([sys.executable, "-c", _LAUNCH, str(rep), sys.executable, "-m", "vanban", "extract",
                              "--json", "--workers", "1", str(path)], stdout=so, stderr=se, env=env, cwd=ROOT,
                             start_new_session=True)
        try:
            p.wait(timeout=timeout)
            hung = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            hung = True
    seconds = time.monotonic() - t0
    if hung or not rep.exists():
        return {"case": case.name, "outcome": f"HANG (killed after {timeout:g} s)" if hung else "launcher failed",
                "seconds": round(seconds, 2), "peak_mb": None, "expected": False, "exit": None}
    code, maxrss = json.loads(rep.read_text())
    peak = round(maxrss / 1024)
    p.returncode = code
    out_s = out_f.read_text(encoding="utf-8", errors="replace")
    err_s = err_f.read_text(encoding="utf-8", errors="replace")
    name = shown(str(path))
    lines = [ln for ln in err_s.splitlines() if ln.strip()]
    if "Traceback" in err_s:
        outcome = "TRACEBACK"
    elif out_s.strip():
        rec = json.loads(out_s.splitlines()[0])
        outcome = f"ok ({len(rec['citations'])} citations, {len(rec['dates'])} dates" + \
                  (f"; warning: {rec['warnings'][0][:60]}" if rec["warnings"] else "") + ")"
    elif lines:
        msg = lines[-1]
        msg = msg[len(f"vanban: {name}: "):] if msg.startswith(f"vanban: {name}: ") else msg
        outcome = "error: " + msg
    else:
        outcome = f"nothing printed (exit {p.returncode})"
    return {"case": case.name, "outcome": outcome, "seconds": round(seconds, 2), "peak_mb": peak,
            "expected": _as_expected(case, out_s, lines, name), "exit": p.returncode}


def _as_expected(case: H.Case, out: str, err: list[str], name: str) -> bool:
    errors = [ln for ln in err if ln.startswith(f"vanban: {name}: ")]
    if any(b in ln for ln in err for b in BAD):
        return False
    if case.expect == "ok":
        return bool(out.strip()) and not errors and (not case.match or re.search(case.match, out) is not None)
    if case.expect == "error":
        return not out.strip() and len(errors) == 1 and re.search(case.match or "", errors[0]) is not None
    return bool(out.strip()) != bool(errors)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="the test suite's sizes and its limits (SUITE_ENV)")
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    ap.add_argument("--timeout", type=float, default=600.0, help="kill a case after this long (a hang)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hostile.json")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.small:
        env.update(H.SUITE_ENV)
    tmp = Path(tempfile.mkdtemp(prefix="vanban-hostile-"))
    scratch = tmp / "scratch"
    scratch.mkdir()
    results = []
    try:
        for i, case in enumerate(H.CASES):
            if args.only and args.only not in case.name:
                continue
            d = tmp / f"{i:03d}"
            d.mkdir()
            t0 = time.monotonic()
            path = case.make(d, not args.small)
            made = time.monotonic() - t0
            size = path.stat().st_size if path.is_file() and not path.is_symlink() else None
            res = run_case(case, path, env, args.timeout, scratch)
            res["file_mb"] = round(size / (1 << 20), 2) if size is not None else None
            res["made_s"] = round(made, 1)
            results.append(res)
            print(f"{case.name:55s} {res['seconds']:7.2f} s {res['peak_mb']:>6} MB  "
                  f"{'' if res['expected'] else 'UNEXPECTED '}{res['outcome'][:90]}", file=sys.stderr, flush=True)
            shutil.rmtree(d, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"small": args.small, "results": results}, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print("| case | file MB | outcome | time s | peak RSS MB |")
    print("| --- | ---: | --- | ---: | ---: |")
    for r in results:
        mark = "" if r["expected"] else " **(unexpected)**"
        outcome = r["outcome"].replace("|", "\\|")
        print(f"| {r['case']} | {r['file_mb'] if r['file_mb'] is not None else '-'} | {outcome}{mark} | "
              f"{r['seconds']} | {r['peak_mb']} |")
    bad = [r for r in results if not r["expected"]]
    peaks = [r["peak_mb"] for r in results if r["peak_mb"] is not None]
    print(f"\n{len(results)} cases; {len(bad)} not as expected; "
          f"{sum('TRACEBACK' in r['outcome'] for r in results)} tracebacks; "
          f"{sum('HANG' in r['outcome'] for r in results)} hangs (killed by this script); "
          f"{sum('timed out' in r['outcome'] for r in results)} stopped by the per-file time limit; "
          f"peak RSS {max(peaks) if peaks else '-'} MB (target <= {TARGET_MB} MB)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
