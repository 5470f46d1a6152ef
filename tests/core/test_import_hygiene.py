"""The core never imports the UI: each core module, alone in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import okx_wizard.core

CORE_MODULES = sorted(
    f"okx_wizard.core.{m.name}" for m in pkgutil.iter_modules(okx_wizard.core.__path__)
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_ui(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_package_import_is_light() -> None:
    code = (
        "import sys, okx_wizard, okx_wizard.cli\n"
        "heavy = ('textual', 'rich', 'httpx', 'keyring', 'zxcvbn', 'qrcode', 'cryptography',"
        " 'argon2')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "[]", result.stderr
