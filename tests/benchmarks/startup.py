"""How fast `medcore` starts: whole processes timed from spawn to exit, as a user runs them.

    python tests/benchmarks/startup.py [--runs N] [--command PATH --no-batch]

In a fresh home with the seed graph built: `--help`, `--version`, a usage error, `ask`
without an endpoint (the time to say so), `link` of one text with the embedded server
started and stopped by the process and with it kept up by `medcore db start`, and `link
--input` of 2,000 texts in one process. Each is run N times (default 10); prints the median,
min and max of each in seconds and the exit code, then one JSON object last. Aims (issue 8):
`--help` under 0.4 s, `link` on the seed graph under 1.2 s per process. `--command` times
another installation's `medcore` (an older checkout, say; `--no-batch` when it has no
`link --input`).
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


def _time(command: list[str], args: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    seconds, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run([*command, *args], env=env, cwd=ROOT, capture_output=True).returncode
        seconds.append(time.perf_counter() - start)
    median = round(statistics.median(seconds), 3)
    return {"median": median, "min": round(min(seconds), 3), "max": round(max(seconds), 3), "exit": code}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--command", help="a medcore executable (default: this checkout's python -m reasoning)")
    parser.add_argument("--no-batch", action="store_true", help="skip link --input")
    args = parser.parse_args()
    command = [args.command] if args.command else MEDCORE
    with tempfile.TemporaryDirectory(prefix="mcs-", dir="/tmp") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDCORE_", "OPENAI_"))}
        env["MEDCORE_HOME"] = home
        subprocess.run([*command, "kg", "build", "--json"], env=env, cwd=ROOT, check=True, capture_output=True)
        link = ["link", "fever", "--lang", "en"]
        figures = {
            "link_first_run_index_build": _time(command, link, env, 1),  # builds and saves the lexicon index
            "help": _time(command, ["--help"], env, args.runs),
            "usage_error": _time(command, ["ask", "Homa?", "--lang", "xx"], env, args.runs),
            "ask_without_endpoint": _time(command, ["ask", "Homa?", "--lang", "sw"], env, args.runs),
            "link_one_text": _time(command, link, env, args.runs),
        }
        subprocess.run([*command, "db", "start"], env=env, cwd=ROOT, check=True, capture_output=True)
        try:
            figures["link_one_text_daemon"] = _time(command, link, env, args.runs)
            if not args.no_batch:
                texts = Path(home) / "texts.txt"
                texts.write_text("\n".join(TEXTS[i % len(TEXTS)] for i in range(2000)) + "\n", encoding="utf-8")
                batch = ["link", "--input", str(texts), "--lang", "sw", "-o", str(Path(home) / "out.jsonl")]
                figures["link_2000_texts_daemon"] = _time(command, batch, env, 3)
        finally:
            subprocess.run([*command, "db", "stop"], env=env, cwd=ROOT, check=True, capture_output=True)
    if "link_2000_texts_daemon" in figures:  # what a text costs once the process has started
        extra = figures["link_2000_texts_daemon"]["median"] - figures["link_one_text_daemon"]["median"]
        figures["link_ms_per_text_in_a_batch"] = {"median": round(1000 * extra / 2000, 3)}
    for name, values in figures.items():
        print(f"{name:32} " + "  ".join(f"{k} {v}" for k, v in values.items()))
    print(json.dumps({"machine": platform.machine(), "python": platform.python_version(), **figures}))


if __name__ == "__main__":
    main()
