"""Passphrase strength (zxcvbn plus OKX's rules) and a generator whose output passes both.

zxcvbn is imported inside the functions that need it, so importing this module costs nothing.
Nothing here keeps a passphrase: no cache, no module state.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import (
    PASSPHRASE_MAX,
    SHELL_UNSAFE,
    Rule,
    okx_passphrase_rules,
    shell_unsafe_chars,
)

SCORE_LABELS: tuple[str, ...] = ("very weak", "weak", "fair", "strong", "very strong")

#: Words that make a passphrase guessable for this purpose; zxcvbn penalises them.
CONTEXT_WORDS: tuple[str, ...] = ("okx", "okex", "okxwizard", "wizard", "api", "passphrase")

# The generator's alphabet. Left out: characters that look alike (0/O, 1/l/I) and every
# character that needs quoting somewhere a passphrase travels:
#   $ ` \ " ' & and space   shells and env files (SPEC §3.4)
#   #   starts a comment in .env files and shell words;  !  bash history expansion
#   * ? ~ ^   globbing, tilde expansion, zsh extended globs, cmd.exe's escape
#   %   configparser interpolation, cmd.exe variables, systemd specifiers
#   =   naive KEY=VALUE parsers split on every '='
#   , /  list separators and path-like values in config files
# The specials kept are safe unquoted in sh, dotenv, YAML (not first, which the generator
# guarantees), TOML strings and JSON.
GENERATOR_LOWER = "".join(c for c in string.ascii_lowercase if c not in "lo")
GENERATOR_UPPER = "".join(c for c in string.ascii_uppercase if c not in "IO")
GENERATOR_DIGITS = "23456789"
GENERATOR_SPECIALS = "+-.:@_"
GENERATOR_MIN_LENGTH = 12
GENERATOR_ALPHABET = GENERATOR_LOWER + GENERATOR_UPPER + GENERATOR_DIGITS + GENERATOR_SPECIALS
assert not set(GENERATOR_ALPHABET) & SHELL_UNSAFE


@dataclass(frozen=True, slots=True)
class Strength:
    """How strong a passphrase is, by zxcvbn, and whether it meets OKX's rules.

    ``crack_time_display`` assumes an offline attack on a slow hash (10⁴ guesses per second),
    the realistic threat if a hashed passphrase leaks.
    """

    score: int
    crack_time_display: str
    warning: str = ""
    suggestions: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    unsafe: frozenset[str] = frozenset()
    length: int = 0

    @property
    def label(self) -> str:
        """The score in words: very weak … very strong."""
        return SCORE_LABELS[self.score]

    @property
    def meets_rules(self) -> bool:
        """True when every OKX rule is met."""
        return all(rule.ok for rule in self.rules)


def score_passphrase(passphrase: Secret | str, user_inputs: Sequence[str] = ()) -> Strength:
    """Estimate a passphrase's strength with zxcvbn and check OKX's rules.

    ``user_inputs`` are words an attacker may know (profile name, sub-account name); they
    are added to :data:`CONTEXT_WORDS`.
    """
    text = passphrase.reveal() if isinstance(passphrase, Secret) else passphrase
    rules = okx_passphrase_rules(text)
    unsafe = frozenset(shell_unsafe_chars(text))
    if not text:
        return Strength(0, "", "", [], rules, unsafe, 0)
    from zxcvbn import zxcvbn  # lazy: loads large word lists

    # zxcvbn's matching grows fast with length; OKX's limit is 32, so 100 judges anything real.
    result = zxcvbn(text[:100], user_inputs=[*CONTEXT_WORDS, *(u for u in user_inputs if u)])
    feedback = result.get("feedback") or {}
    return Strength(
        score=int(result["score"]),
        crack_time_display=str(
            result["crack_times_display"]["offline_slow_hashing_1e4_per_second"]
        ),
        warning=str(feedback.get("warning") or ""),
        suggestions=[str(s) for s in feedback.get("suggestions") or []],
        rules=rules,
        unsafe=unsafe,
        length=len(text),
    )


def same_passphrase(typed: Secret | str, expected: Secret | str) -> bool:
    """Whether two passphrases are the same, compared in constant time (for "✓ Same")."""
    import hmac

    first = typed.reveal() if isinstance(typed, Secret) else typed
    second = expected.reveal() if isinstance(expected, Secret) else expected
    return hmac.compare_digest(first.encode(), second.encode())


def _candidate(length: int) -> str:
    """One random passphrase with every character class, starting with a letter."""
    rng = secrets.SystemRandom()
    chars = [
        secrets.choice(GENERATOR_UPPER),
        secrets.choice(GENERATOR_LOWER),
        secrets.choice(GENERATOR_DIGITS),
        secrets.choice(GENERATOR_SPECIALS),
    ]
    chars += [secrets.choice(GENERATOR_ALPHABET) for _ in range(length - 1 - len(chars))]
    rng.shuffle(chars)
    first = secrets.choice(GENERATOR_LOWER + GENERATOR_UPPER)
    return first + "".join(chars)


def generate_passphrase(length: int = 24) -> Secret:
    """A random passphrase that meets OKX's rules, has zxcvbn score 4 and needs no quoting.

    Uses :mod:`secrets`; the alphabet has no look-alike characters and no character that
    shells, env files, YAML or TOML treat specially (see ``GENERATOR_SPECIALS``).
    """
    if not GENERATOR_MIN_LENGTH <= length <= PASSPHRASE_MAX:
        raise ValueError(
            f"length must be {GENERATOR_MIN_LENGTH}–{PASSPHRASE_MAX}: OKX takes at most "
            f"{PASSPHRASE_MAX}, and zxcvbn scores random strings under 11 below 4"
        )
    for _ in range(200):
        candidate = _candidate(length)
        strength = score_passphrase(candidate)
        if strength.score == 4 and strength.meets_rules and not strength.unsafe:
            return Secret(candidate)
    raise RuntimeError("could not generate a passphrase with score 4")  # pragma: no cover
