"""Types that hold secrets: their repr and str never show the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Secret:
    """A string that must not be shown: masked in repr, str, format and tracebacks.

    Call :meth:`reveal` at the one place the value is really needed (signing, the store).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        """The real value. Keep it out of logs, messages and files other than the store."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __format__(self, spec: str) -> str:
        return "********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            import hmac

            return hmac.compare_digest(self._value.encode(), other._value.encode())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled")


def key_hint(api_key: str) -> str:
    """A short, non-secret reminder of an API key: ``8a0f…9d21``."""
    key = api_key.strip()
    if len(key) < 12:
        return "…"
    return f"{key[:4]}…{key[-4:]}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """The three values OKX shows at key creation. ``api_key`` alone is not enough to sign."""

    api_key: str
    secret_key: Secret
    passphrase: Secret

    def __repr__(self) -> str:
        return f"Credentials(api_key={key_hint(self.api_key)!r}, secret_key=****, passphrase=****)"

    __str__ = __repr__

    @property
    def hint(self) -> str:
        return key_hint(self.api_key)

    def to_store(self) -> dict[str, str]:
        """The plain mapping the secure store keeps. Only the store calls this."""
        return {
            "api_key": self.api_key,
            "secret_key": self.secret_key.reveal(),
            "passphrase": self.passphrase.reveal(),
        }

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> Credentials:
        return cls(
            api_key=str(data["api_key"]),
            secret_key=Secret(str(data["secret_key"])),
            passphrase=Secret(str(data["passphrase"])),
        )
