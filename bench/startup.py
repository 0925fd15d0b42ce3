"""`python -m bench.startup [--bundle DIR | --source-only] [--runs N] [--cases N]`: start-up times.

1. From the command to the unlock window (bundle and source tree), below.
2. From pressing unlock to the home page with the case list's first page, on a copy of the
   benchmarks' demo vault of `--cases` cases (100,000 by default), as the caseworker
   (bench/unlock_probe.py, each run a process of its own): Argon2id, opening, upgrade checks,
   the pages built, the list's first page and its count.

Starts the built bundle as `aftercare selfcheck --startup-probe VAULT`, which builds the
application and the main window the way `aftercare gui VAULT` does and exits at the first
turn of the event loop after the unlock page is shown, printing when that was
(`time.time()`). Start-up is that moment minus the moment just before the process was
started. The same is measured from the source tree for comparison. Prints one JSON object.

Without `--bundle`, the bundle is built first into bench/.cache/bundle (minutes, once).
On a machine without a display Qt draws offscreen, which skips the window system.
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

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
EXE = "aftercare.exe" if sys.platform == "win32" else "aftercare"
SOURCE_CLI = [sys.executable, "-c", "import sys; from ui.entry import main; sys.exit(main())"]


def _headless() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def _make_vault(folder: Path) -> Path:
    from app.vault.kdf import KdfParams
    from app.vault.vault import Vault

    vault = folder / "vault"
    opened, _code = Vault.create(
        vault,
        unit_code="350100-B01",
        unit_name="Bench shelter",
        prefecture="350100",
        admin_name="admin",
        admin_passphrase="bench-startup-lotus-2026",
        kdf_params=KdfParams(),
    )
    opened.lock()
    return vault


def _one_start(command: list[str], vault: Path, env: dict[str, str]) -> float:
    started = time.time()
    done = subprocess.run(
        [*command, "selfcheck", "--startup-probe", str(vault)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.startup: the probe failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["shown_at"] - started


def _bundle(path: Path | None) -> Path:
    if path is not None:
        return path
    bundle = CACHE / "bundle" / "aftercare"
    if not (bundle / EXE).exists():
        sys.path.insert(0, str(ROOT))
        import build_installer

        build_installer.build(CACHE / "bundle", CACHE / "installer-work")
    return bundle


def _unlock_to_home(cases: int, runs: int, env: dict[str, str]) -> list[dict]:
    from bench import vaults

    vaults.ensure_encrypted(cases, lambda message: print(message, file=sys.stderr))
    times = []
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-unlock-", dir=vaults.CACHE) as tmp:
        vault = vaults.work_copy(vaults.encrypted_folder(cases), Path(tmp) / "vault")
        secret = {**env, "AFTERCARE_PASSPHRASE": vaults._passphrase(vaults.BENCH_USER)}
        for _i in range(runs):
            done = subprocess.run(
                [sys.executable, "-m", "bench.unlock_probe", str(vault), vaults.BENCH_USER],
                env=secret,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                raise SystemExit(f"bench.startup: the unlock probe failed: {done.stderr[-500:]}")
            times.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="a built bundle folder (dist/aftercare)")
    parser.add_argument("--source-only", action="store_true", help="no bundle: source tree only")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the unlocked vault")
    args = parser.parse_args(argv)
    bundle = None if args.source_only else _bundle(args.bundle)
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-startup-") as tmp:
        env = {**os.environ, "AFTERCARE_DATA_DIR": str(Path(tmp) / "data")}
        if _headless():
            env["QT_QPA_PLATFORM"] = "offscreen"
        vault = _make_vault(Path(tmp))
        frozen = (
            [_one_start([str(bundle / EXE)], vault, env) for _i in range(args.runs)]
            if bundle is not None
            else []
        )
        source = [
            _one_start(SOURCE_CLI, vault, {**env, "PYTHONPATH": str(ROOT)})
            for _i in range(args.runs)
        ]
        home = _unlock_to_home(args.cases, args.runs, {**env, "PYTHONPATH": str(ROOT)})
    result = {
        "bundle_startup_s": round(statistics.median(frozen), 3) if frozen else None,
        "bundle_startup_first_s": round(frozen[0], 3) if frozen else None,
        "source_startup_s": round(statistics.median(source), 3),
        "unlock_to_home_s": round(statistics.median(h["unlock_to_home_s"] for h in home), 3),
        "pages_preload_s": round(statistics.median(h["preload_s"] for h in home), 3),
        "unlock_to_home_cases": args.cases,
        "runs": args.runs,
        "qt_platform": env.get("QT_QPA_PLATFORM", "default"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus",
        "load_average": round(os.getloadavg()[0], 2),
        "notes": "process start to the first event-loop turn after the unlock window is shown;"
        " medians; the first bundle run may read its files from disk, later ones from the cache;"
        " unlock_to_home_s: unlock pressed to the home page with the case list's first page",
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
