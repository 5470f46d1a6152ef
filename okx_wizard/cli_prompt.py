"""Hidden questions on the terminal: the vault password, and keys typed for ``login --stdin``.

Asked on /dev/tty (never on stdin, which may carry a script's data), with echo off, one line
each. No terminal: a clear error that names the automation alternative.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okx_wizard.core.secret import Secret

MIN_NEW_VAULT_PASSWORD = 10
_MAX_LINE = 4096


class NoTerminal(OSError):
    """There is no controlling terminal to ask on."""


def read_hidden(prompt: str) -> str:
    """One line typed on the terminal with echo off (the newline is not part of it)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        raise NoTerminal("no terminal") from None
    try:
        import termios

        try:
            old = termios.tcgetattr(fd)
        except termios.error:
            raise NoTerminal("not a terminal") from None
        hidden = termios.tcgetattr(fd)
        hidden[3] &= ~(termios.ECHO | termios.ECHONL)
        # Echo off first, then the prompt: what is typed once the prompt shows is never echoed.
        termios.tcsetattr(fd, termios.TCSAFLUSH, hidden)
        os.write(fd, prompt.encode("utf-8", "replace"))
        data = b""
        try:
            while not data.endswith(b"\n") and len(data) <= _MAX_LINE:
                chunk = os.read(fd, 1024)
                if not chunk:
                    break
                data += chunk
        finally:
            termios.tcsetattr(fd, termios.TCSAFLUSH, old)
            os.write(fd, b"\n")
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace").rstrip("\r\n")


def prompt_password(purpose: str, *, new: bool | None = None) -> Secret:
    """Ask for the vault password; for a new vault, twice and at least 10 characters.

    ``new`` says whether the vault is being created; when the caller does not say, the store's
    prompt text tells ("Choose a password for the new encrypted vault …").
    """
    from okx_wizard.core.errors import StorageError
    from okx_wizard.core.secret import Secret

    if new is None:
        new = purpose.lower().startswith("choose")
    label = (
        purpose
        if purpose.lower().startswith(("vault", "choose"))
        else f"Vault password ({purpose})"
    )
    try:
        if not new:
            return Secret(read_hidden(f"{label}: "))
        for _attempt in range(3):
            first = read_hidden(f"{label}: ")
            if len(first) < MIN_NEW_VAULT_PASSWORD:
                print_tty(f"The vault password needs at least {MIN_NEW_VAULT_PASSWORD} characters.")
                continue
            if read_hidden("The same password again: ") != first:
                print_tty("The two passwords differ. Try again.")
                continue
            return Secret(first)
    except NoTerminal:
        raise StorageError(
            "The encrypted vault needs its password and there is no terminal to ask on.",
            "Set OKX_WIZARD_VAULT_PASSWORD_FILE (or OKX_WIZARD_VAULT_PASSWORD) for automation.",
        ) from None
    raise StorageError(
        "No vault password was chosen.",
        f"Type the same password of {MIN_NEW_VAULT_PASSWORD} or more characters twice.",
    )


def print_tty(message: str) -> None:
    """A line for the person at the terminal (not on stdout, which a script may read)."""
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        return
    try:
        os.write(fd, (message + "\n").encode("utf-8", "replace"))
    finally:
        os.close(fd)


def ask_credentials() -> bytes:
    """The three values of a key typed on the terminal, hidden, as ``login --stdin`` lines."""
    values = [
        read_hidden("API key: "),
        read_hidden("Secret key: "),
        read_hidden("Passphrase: "),
    ]
    return ("\n".join(values) + "\n").encode("utf-8")
