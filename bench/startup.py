"""`python -m bench.startup [--bundle DIR] [--runs N]`: the bundle's start-up time to the unlock window.

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="a built bundle folder (dist/aftercare)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    bundle = _bundle(args.bundle)
    with tempfile.TemporaryDirectory(prefix="aftercare-bench-startup-") as tmp:
        env = {**os.environ, "AFTERCARE_DATA_DIR": str(Path(tmp) / "data")}
        if _headless():
            env["QT_QPA_PLATFORM"] = "offscreen"
        vault = _make_vault(Path(tmp))
        frozen = [_one_start([str(bundle / EXE)], vault, env) for _i in range(args.runs)]
        source = [
            _one_start(SOURCE_CLI, vault, {**env, "PYTHONPATH": str(ROOT)})
            for _i in range(args.runs)
        ]
    result = {
        "bundle_startup_s": round(statistics.median(frozen), 3),
        "bundle_startup_first_s": round(frozen[0], 3),
        "source_startup_s": round(statistics.median(source), 3),
        "runs": args.runs,
        "qt_platform": env.get("QT_QPA_PLATFORM", "default"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus",
        "notes": "process start to the first event-loop turn after the unlock window is shown;"
        " medians; the first bundle run may read its files from disk, later ones from the cache",
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
