"""UMLS-format ingest speed: a generated MRCONSO of one million rows into the embedded store.

    python tests/benchmarks/umls_ingest.py [--quick] [--rows N]

Writes MRCONSO.RRF (rows grouped by CUI as in a release: about five atoms per concept in
English, Japanese and Chinese, one preferred English atom each), MRSTY.RRF (one type per
concept) and an MRREL.RRF of one isa row per concept into a temporary directory, then
loads them with `ingest.load_umls` into a fresh embedded FalkorDB. `--quick` writes 50k
rows. Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import tempfile
import time
from pathlib import Path

from ingest import load_umls
from kg import load_settings, open_store

LANGS = [("ENG", "MSH"), ("ENG", "SNOMEDCT_US"), ("JPN", "MDRJPN"), ("CHI", "MSHCHI"), ("ENG", "MTH")]
LETTERS = "abcdefghiklmnoprstuy"


def _text(rng: random.Random, lat: str) -> str:
    if lat == "ENG":
        return " ".join("".join(rng.choices(LETTERS, k=rng.randint(4, 10))) for _ in range(rng.randint(1, 3)))
    low, high = (0x30A1, 0x30F6) if lat == "JPN" else (0x4E00, 0x9FA5)
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(2, 6)))


def write_release(directory: Path, rows: int, rng: random.Random) -> int:
    concepts = rows // len(LANGS)
    with (directory / "MRCONSO.RRF").open("w", encoding="utf-8") as conso:
        for c in range(concepts):
            cui = f"C{c + 1:07d}"
            for a, (lat, sab) in enumerate(LANGS):
                preferred = "Y" if a == 0 else "N"
                ts, stt = ("P", "PF") if a == 0 else ("S", "VO")
                aui = f"A{c * len(LANGS) + a + 1:08d}"
                fields = [
                    cui,
                    lat,
                    ts,
                    f"L{c:07d}",
                    stt,
                    f"S{c * 5 + a:07d}",
                    preferred,
                    aui,
                    "",
                    "",
                    "",
                    sab,
                    "PT" if a == 0 else "SY",
                    f"D{c:06d}",
                    _text(rng, lat),
                    "0",
                    "N",
                    "",
                ]
                conso.write("|".join(fields) + "|\n")
    with (directory / "MRSTY.RRF").open("w", encoding="utf-8") as sty:
        for c in range(concepts):
            sty.write(f"C{c + 1:07d}|T047|B2.2.1.2.1|Disease or Syndrome|AT{c:08d}||\n")
    with (directory / "MRREL.RRF").open("w", encoding="utf-8") as rel:
        for c in range(1, concepts):
            parent = rng.randrange(c)
            fields = [
                f"C{c + 1:07d}",
                "",
                "CUI",
                "PAR",
                f"C{parent + 1:07d}",
                "",
                "CUI",
                "isa",
                f"R{c:08d}",
                "",
                "MSH",
                "MSH",
                "",
                "",
                "N",
                "",
            ]
            rel.write("|".join(fields) + "|\n")
    return concepts * len(LANGS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    n_rows = args.rows or (50_000 if args.quick else 1_000_000)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="mcu-", dir="/tmp") as tmp:
        release = Path(tmp) / "release"
        release.mkdir()
        results["mrconso_rows"] = write_release(release, n_rows, random.Random(7))
        results["mrconso_mb"] = round((release / "MRCONSO.RRF").stat().st_size / 2**20, 1)
        store = open_store(load_settings(home=Path(tmp) / "home"))
        server_pid = store.runner.server.status().pid  # type: ignore[attr-defined]
        start = time.perf_counter()
        summary = load_umls(store, release, ["ENG", "JPN", "CHI"])
        seconds = time.perf_counter() - start
        results["seconds"] = round(seconds, 1)
        results["mrconso_rows_per_s"] = round(int(results["mrconso_rows"]) / seconds)  # type: ignore[call-overload]
        results["loaded"] = summary.counts
        results["counts"] = store.counts().model_dump()
        results["peak_rss_mb_client"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        status = Path(f"/proc/{server_pid}/status").read_text().splitlines()
        results["peak_rss_mb_server"] = next(
            round(int(x.split()[1]) / 1024, 1) for x in status if x.startswith("VmHWM")
        )
        store.close()
    results.update(quick=args.quick, python=platform.python_version())
    print(json.dumps(results))


if __name__ == "__main__":
    main()
