"""Passphrase scoring and generation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from okx_wizard.core.passphrase import (
    GENERATOR_ALPHABET,
    GENERATOR_SPECIALS,
    Strength,
    generate_passphrase,
    same_passphrase,
    score_passphrase,
)
from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import SHELL_UNSAFE, okx_passphrase_rules, shell_unsafe_chars


def test_weak_passphrase_gets_low_score_and_feedback() -> None:
    strength = score_passphrase("password1")
    assert strength.score <= 1
    assert strength.label in ("very weak", "weak")
    assert strength.warning or strength.suggestions
    assert strength.crack_time_display
    assert not strength.meets_rules


def test_strong_passphrase_meets_everything() -> None:
    strength = score_passphrase(Secret("Vq8.Lm3+Tz9_Kw4@Xr"))
    assert strength.score == 4
    assert strength.label == "very strong"
    assert strength.meets_rules
    assert not strength.unsafe
    assert strength.crack_time_display == "centuries"
    assert strength.length == 18


def test_unsafe_characters_are_reported() -> None:
    strength = score_passphrase("Vq8$Lm3&Tz9 Kw4'Xr")
    assert strength.unsafe == frozenset({"$", "&", " ", "'"})
    assert strength.meets_rules


def test_empty_passphrase() -> None:
    strength = score_passphrase("")
    assert strength == Strength(0, "", "", [], okx_passphrase_rules(""), frozenset(), 0)


def test_context_words_lower_the_score() -> None:
    plain = score_passphrase("mybotname2024")
    with_context = score_passphrase("mybotname2024", user_inputs=["mybotname"])
    assert with_context.score <= plain.score
    assert score_passphrase("okxokxokx").score <= 1


def test_score_does_not_keep_the_passphrase() -> None:
    strength = score_passphrase("Vq8.Lm3+Tz9_Kw4@Xr")
    assert "Vq8.Lm3+Tz9_Kw4@Xr" not in repr(strength)


def test_generator_alphabet_is_safe_and_unambiguous() -> None:
    assert not set(GENERATOR_ALPHABET) & (SHELL_UNSAFE | set("0O1lI#!%*?~^=,/"))
    assert set(GENERATOR_SPECIALS) <= set(GENERATOR_ALPHABET)


def test_thousand_generated_passphrases_pass_both_checks() -> None:
    seen = set()
    for _ in range(1000):
        secret = generate_passphrase()
        assert isinstance(secret, Secret)
        text = secret.reveal()
        assert len(text) == 24
        assert set(text) <= set(GENERATOR_ALPHABET)
        assert text[0].isalpha()
        assert all(rule.ok for rule in okx_passphrase_rules(text)), text
        assert not shell_unsafe_chars(text)
        assert score_passphrase(text).score == 4
        seen.add(text)
    assert len(seen) == 1000


@pytest.mark.parametrize("length", [12, 16, 32])
def test_generator_lengths(length: int) -> None:
    for _ in range(50):
        text = generate_passphrase(length).reveal()
        assert len(text) == length
        strength = score_passphrase(text)
        assert strength.meets_rules and strength.score == 4 and not strength.unsafe


@pytest.mark.parametrize("length", [0, 8, 11, 33])
def test_generator_refuses_lengths_it_cannot_honour(length: int) -> None:
    with pytest.raises(ValueError, match="length"):
        generate_passphrase(length)


def test_importing_the_module_does_not_import_zxcvbn() -> None:
    code = (
        "import sys, okx_wizard.core.passphrase, okx_wizard.core.validation; "
        "print('zxcvbn' in sys.modules, 'textual' in sys.modules, 'rich' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False", "False"]


def test_same_passphrase_is_exact() -> None:
    assert same_passphrase(Secret("Vq8.Lm3+Tz9_Kw4@Xr"), "Vq8.Lm3+Tz9_Kw4@Xr")
    assert not same_passphrase("Vq8.Lm3+Tz9_Kw4@Xr", "vq8.Lm3+Tz9_Kw4@Xr")
    assert not same_passphrase("Vq8.Lm3+Tz9_Kw4@Xr", "Vq8.Lm3+Tz9_Kw4@Xr ")
