"""How fast `medcore` starts: whole processes timed from spawn to exit, as a user runs them.

    python tests/benchmarks/startup.py [--runs N]

In a fresh home with the seed graph built: `--help`, `--version`, a usage error, `ask`
without an endpoint (the time to say so), `link` of one text with the embedded server
started and stopped by the process and with it kept up by `medcore db start`, and `link
--input` of 2,000 texts in one process. Each is run N times (default 10); prints the median,
min and max of each in seconds, then one JSON object last. Aims (issue 8): `--help` under
0.4 s, `link` on the seed graph under 1.2 s per process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDCORE = [sys.executable, "-m", "reasoning"]
TEXTS = [
    "Mtoto ana homa na malaria",
    "患者患有疟疾和糖尿病。",
    "マラリアの患者",
    "말라리아 환자",
    "ผู้ป่วยมาลาเรีย",
    "Àrùn àtọ̀gbẹ",
    "Fever and cough for three weeks with night sweats",
    "the weather is fine",
]


def _time(args: list[str], env: dict[str, str], runs: int, expect: int = 0) -> dict[str, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*MEDCORE, *args], env=env, cwd=ROOT, capture_output=True, text=True)
        seconds.append(time.perf_counter() - start)
        if done.returncode != expect:
            raise SystemExit(f"medcore {' '.join(args)} exited {done.returncode}: {done.stderr[-500:]}")
    return {
        "median": round(statistics.median(seconds), 3),
        "min": round(min(seconds), 3),
        "max": round(max(seconds), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mcs-", dir="/tmp") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDCORE_", "OPENAI_"))}
        env["MEDCORE_HOME"] = home
        subprocess.run([*MEDCORE, "kg", "build", "-q", "--json"], env=env, cwd=ROOT, check=True, capture_output=True)
        first = _time(["link", "fever", "--lang", "en"], env, 1)  # builds and saves the lexicon index
        texts = Path(home) / "texts.txt"
        texts.write_text("\n".join(TEXTS[i % len(TEXTS)] for i in range(2000)) + "\n", encoding="utf-8")
        figures = {
            "help": _time(["--help"], env, args.runs),
            "version": _time(["--version"], env, args.runs),
            "usage_error": _time(["ask", "Homa?", "--lang", "xx"], env, args.runs, expect=2),
            "ask_without_endpoint": _time(["ask", "Homa?", "--lang", "sw"], env, args.runs, expect=1),
            "link_first_run_index_build": first,
            "link_one_text": _time(["link", "fever", "--lang", "en"], env, args.runs),
        }
        subprocess.run([*MEDCORE, "db", "start"], env=env, cwd=ROOT, check=True, capture_output=True)
        try:
            figures["link_one_text_daemon"] = _time(["link", "fever", "--lang", "en"], env, args.runs)
            batch = _time(["link", "--input", str(texts), "--lang", "sw", "-o", str(Path(home) / "out.jsonl")], env, 3)
        finally:
            subprocess.run([*MEDCORE, "db", "stop"], env=env, cwd=ROOT, check=True, capture_output=True)
    figures["link_2000_texts_one_process_daemon"] = batch
    figures["link_texts_per_s_daemon"] = {"median": round(2000 / batch["median"])}
    for name, values in figures.items():
        print(f"{name:40} " + "  ".join(f"{k} {v}" for k, v in values.items()))
    print(json.dumps({"machine": platform.machine(), "python": platform.python_version(), **figures}))


if __name__ == "__main__":
    main()
