"""Make the README's screenshots: drive the app by keys, as a user would, at 80x24.

Runs against the in-process OKX simulator with a throwaway HOME and XDG directories and the
encrypted vault (password from OKX_WIZARD_VAULT_PASSWORD), so nothing of yours is touched.
Saves one SVG per step into screenshots/ (00-start.svg … 07-saved.svg) plus home.svg, and the
automatic path (okx-wizard makes the key with an admin key): auto-*.svg.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--no-color]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path

SIZE = (80, 24)
ROOT = Path(__file__).resolve().parent.parent


def isolate(home: Path) -> None:
    """Point HOME, the XDG dirs and the keyring service at a throwaway place."""
    from scripts.throwaway_home import throwaway_home_env

    service = f"okx-wizard-shots-{uuid.uuid4().hex[:8]}"
    password = "screenshots only, not a real vault"
    os.environ.update(throwaway_home_env(home, service=service, vault_password=password))
    for name in [n for n in os.environ if n.startswith("TEXTUAL")]:
        del os.environ[name]


async def settle(pilot: object, app: object, seconds: float = 0.3) -> None:
    """Let workers finish and the screen repaint."""
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()  # type: ignore[attr-defined]
    await asyncio.sleep(seconds)
    await pilot.pause()  # type: ignore[attr-defined]


async def shoot(out: Path) -> list[Path]:
    from okx_wizard.app import OkxWizardApp
    from okx_wizard.core.api import Context, Workspace
    from okx_wizard.core.simulator import SAMPLE, Simulator

    saved: list[Path] = []
    good = SAMPLE["good"]
    with Simulator() as sim:
        ctx = Context(simulator=True, hosts=dict(sim.urls))
        app = OkxWizardApp(Workspace(ctx), mode="setup", profile=None)

        async with app.run_test(size=SIZE) as pilot:

            async def save(name: str) -> None:
                await settle(pilot, app)
                path = out / f"{name}.svg"
                path.write_text(app.export_screenshot(title=f"okx-wizard — {name}"))
                saved.append(path)

            await settle(pilot, app)
            # 0 start: type a profile name, keep global / live / trading bot.
            await pilot.press(*"bot")
            await save("00-start")
            await pilot.press("enter")
            # 1 before you start: tick the two required items.
            await settle(pilot, app)
            await pilot.press("space", "tab", "space")
            await save("01-before-you-start")
            await pilot.press("enter")
            # 2 sub-account: the dedicated sub-account, named.
            await settle(pilot, app)
            await pilot.press("tab", *"trading2025")
            await save("02-sub-account")
            await pilot.press("enter")
            # 3 permissions: the machine's IP (the simulator's public IP).
            await settle(pilot, app)
            await pilot.press(*"203.0.113.7")
            await save("03-permissions")
            await pilot.press("enter")
            # 4 passphrase: the sample key's, typed twice.
            await settle(pilot, app)
            await pilot.press(*good.passphrase, "enter", *good.passphrase)
            await save("04-passphrase")
            await pilot.press("enter")
            # 5 capture: what OKX showed, pasted.
            await settle(pilot, app)
            await pilot.press(*good.api_key, "tab", *good.secret_key, "tab", *good.passphrase)
            await save("05-capture")
            await pilot.press("enter")
            # 6 test the connection.
            await settle(pilot, app, 1.0)
            await save("06-test-connection")
            await pilot.press("enter")
            # 7 saved.
            await settle(pilot, app, 1.0)
            await save("07-saved")

        app = OkxWizardApp(Workspace(ctx), mode="home", profile=None)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            await pilot.press("c")
            await settle(pilot, app, 1.0)
            await save("home")

        saved += await shoot_automatic(out, Workspace(ctx))
    return saved


async def shoot_automatic(out: Path, workspace: object) -> list[Path]:
    """The automatic path: sub-account with "create the key for me", admin key, live create."""
    from okx_wizard.app import OkxWizardApp

    saved: list[Path] = []
    app = OkxWizardApp(workspace, mode="setup", profile=None)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:

        async def save(name: str, seconds: float = 0.3) -> None:
            await settle(pilot, app, seconds)
            path = out / f"{name}.svg"
            path.write_text(app.export_screenshot(title=f"okx-wizard — {name}"))
            saved.append(path)

        await settle(pilot, app)
        await pilot.press(*"autobot", "enter")
        await settle(pilot, app)
        await pilot.press("space", "tab", "space", "enter")
        await settle(pilot, app)
        await pilot.press("tab", *"SimGood01", "tab", "down")
        await save("auto-02-sub-account")
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press(*"203.0.113.7", "enter")
        await settle(pilot, app)
        await pilot.press("ctrl+t")
        await save("auto-04-admin-key")
        await pilot.press("enter")
        await save("auto-05-create-key", 2.0)
        await pilot.press("enter")
        await save("auto-06-saved", 1.0)
    return saved


def main() -> int:
    """Make the screenshots in a throwaway home; print the files written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--no-color", action="store_true", help="render as with NO_COLOR=1")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.no_color:
        os.environ["NO_COLOR"] = "1"
    with tempfile.TemporaryDirectory(prefix="okx-wizard-shots-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir(mode=0o700)
        sys.path.insert(0, str(ROOT))
        isolate(home)
        for path in asyncio.run(shoot(args.out.resolve())):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
