"""The profiles file: round trips, hand-edited and broken files, locking, file modes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from okx_wizard.core.errors import StorageError
from okx_wizard.core.fsutil import atomic_write, ensure_private_dir
from okx_wizard.core.metadata import (
    MetadataStore,
    ProfileMeta,
    default_metadata_path,
)
from okx_wizard.core.models import Intentions

pytestmark = pytest.mark.usefixtures("private_home")

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def full_meta(name: str = "bot") -> ProfileMeta:
    at = datetime(2025, 3, 1, 12, 30, 5, tzinfo=UTC)
    return ProfileMeta(
        name=name,
        region="eea",
        demo=True,
        base_url="https://proxy.example:8443",
        intentions=Intentions(
            use_case="read_only",
            sub_account=True,
            sub_account_name="bot01sub",
            ip_whitelist=["203.0.113.7", "2001:db8::/64"],
        ),
        storage="vault",
        api_key_hint="8a0f…9d21",
        key_label="bot",
        created_at=at,
        rotated_at=at + timedelta(days=2),
        verified_at=at + timedelta(days=3),
        last_check={"at": at, "ok": True, "error_kind": None, "warnings": ["no-balance"]},
        reported={"uid": "1", "main_uid": "2", "sub_account": True, "permissions": ["read_only"]},
        previous_key_hint="1111…2222",
        previous_key_label="old",
    )


# -- fsutil ---------------------------------------------------------------------------------------


def test_atomic_write_is_private_even_with_a_lax_umask(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "w")
    target = folder / "file.bin"
    old = os.umask(0)
    try:
        atomic_write(target, b"one")
        atomic_write(target, b"two")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"two"
    assert mode(target) == 0o600
    assert [p.name for p in folder.iterdir()] == ["file.bin"]  # no temporary file left


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "w")
    target = folder / "file.bin"
    atomic_write(target, b"old")
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["file.bin"]


def test_ensure_private_dir_creates_and_tightens(tmp_path: Path) -> None:
    fresh = ensure_private_dir(tmp_path / "a" / "b")
    assert mode(fresh) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o755)
    ensure_private_dir(loose)
    assert mode(loose) == 0o700


# -- round trips ----------------------------------------------------------------------------------


def test_default_paths_follow_xdg_and_keep_the_simulator_apart(private_home: Path) -> None:
    config = private_home / ".config" / "okx-wizard"
    assert default_metadata_path() == config / "profiles.toml"
    assert default_metadata_path(simulator=True) == config / "simulator-profiles.toml"
    assert MetadataStore().path == config / "profiles.toml"
    assert MetadataStore(simulator=True).path == config / "simulator-profiles.toml"


def test_round_trip_keeps_every_field() -> None:
    store = MetadataStore()
    meta = full_meta()
    store.save(meta)
    loaded = store.get("bot")
    assert loaded == meta
    assert loaded is not None and loaded.created_at.tzinfo is not None
    assert loaded.key_since == meta.rotated_at
    assert store.get("other") is None


def test_file_is_versioned_toml_with_private_modes() -> None:
    store = MetadataStore()
    store.save(full_meta())
    text = store.path.read_text()
    assert text.startswith("version = 1\n")
    document = tomllib.loads(text)
    assert document["profiles"]["bot"]["created_at"] == datetime(2025, 3, 1, 12, 30, 5, tzinfo=UTC)
    assert mode(store.path) == 0o600
    assert mode(store.path.parent) == 0o700


def test_naive_and_foreign_times_become_utc() -> None:
    store = MetadataStore()
    plus2 = timezone(timedelta(hours=2))
    store.save(
        ProfileMeta(
            name="bot",
            created_at=datetime(2025, 1, 1, 12, 0),
            verified_at=datetime(2025, 1, 1, 14, 0, tzinfo=plus2),
        )
    )
    loaded = store.get("bot")
    assert loaded is not None
    assert loaded.created_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert loaded.verified_at == datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert loaded.verified_at.utcoffset() == timedelta(0)


def test_hand_written_file_with_iso_strings_and_unknown_keys_survives(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(
        'version = 1\nfuture_top = "kept"\n\n'
        "[profiles.bot]\n"
        'region = "global"\n'
        'created_at = "2025-02-01T10:00:00Z"\n'
        'colour = "blue"\n'
        "[profiles.bot.last_check]\n"
        'at = "2025-02-02T10:00:00+00:00"\n'
        "ok = true\n"
        'warnings = ["no-balance"]\n'
    )
    store = MetadataStore(path)
    bot = store.get("bot")
    assert bot is not None
    assert bot.created_at == datetime(2025, 2, 1, 10, tzinfo=UTC)
    assert bot.last_check == {
        "at": datetime(2025, 2, 2, 10, tzinfo=UTC),
        "ok": True,
        "error_kind": None,
        "warnings": ["no-balance"],
    }
    assert bot.extra == {"colour": "blue"}
    store.save(ProfileMeta(name="second"))
    document = tomllib.loads(path.read_text())
    assert document["future_top"] == "kept"
    assert document["profiles"]["bot"]["colour"] == "blue"
    assert set(store.load()) == {"bot", "second"}


def test_delete_reports_whether_it_existed() -> None:
    store = MetadataStore()
    store.save(ProfileMeta(name="a"))
    store.save(ProfileMeta(name="b"))
    assert store.delete("a") is True
    assert store.delete("a") is False
    assert list(store.load()) == ["b"]


def test_simulator_profiles_never_mix_with_real_ones() -> None:
    real, sim = MetadataStore(), MetadataStore(simulator=True)
    sim.save(ProfileMeta(name="demo", simulator=True))
    assert real.load() == {}
    assert list(sim.load()) == ["demo"]
    with pytest.raises(ValueError, match="does not belong"):
        real.save(ProfileMeta(name="demo", simulator=True))
    with pytest.raises(ValueError, match="does not belong"):
        sim.save(ProfileMeta(name="real"))


def test_drafts_round_trip_without_none_values() -> None:
    store = MetadataStore()
    store.save_draft("bot", {"step": 3, "region": "us", "ips": ("1.2.3.4",), "note": None})
    store.save_draft("alt", {"step": 1})
    assert store.get_draft("bot") == {"step": 3, "region": "us", "ips": ["1.2.3.4"]}
    assert store.draft_names() == ["alt", "bot"]
    assert store.load() == {}  # drafts are not profiles
    assert store.delete_draft("bot") is True
    assert store.delete_draft("bot") is False
    assert store.get_draft("bot") is None
    with pytest.raises(TypeError, match="cannot be stored"):
        store.save_draft("bad", {"thing": object()})


def test_no_secret_reaches_the_profiles_file() -> None:
    from okx_wizard.core.secret import Credentials, Secret
    from okx_wizard.core.secret_store import open_secret_store

    creds = Credentials(
        "8a0f2c4e-1b3d-4f5a-9c7e-0d2b4a6c9d21",
        Secret("0123456789abcdef0123456789ABCDEF"),
        Secret("Tr0ub4dor&3-pass"),
    )
    secrets = open_secret_store("plaintext", allow_insecure=True)
    secrets.set("bot", "active", creds)
    store = MetadataStore()
    store.save_draft("bot", {"step": 5})
    store.save(ProfileMeta(name="bot", storage="plaintext", api_key_hint=creds.hint))
    text = store.path.read_text()
    assert creds.hint in text
    for value in (creds.api_key, creds.secret_key.reveal(), creds.passphrase.reveal()):
        assert value not in text


# -- damaged files --------------------------------------------------------------------------------


def test_broken_toml_names_file_and_line_backs_up_once_and_is_never_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "profiles.toml"
    broken = b'version = 1\n[profiles.bot]\nregion = "global\n'
    path.write_bytes(broken)
    store = MetadataStore(path)
    with pytest.raises(StorageError) as info:
        store.load()
    message = info.value.message
    assert str(path) in message
    assert "line 3" in message
    backups = sorted(tmp_path.glob("profiles.toml.broken-*"))
    assert len(backups) == 1
    assert backups[0].read_bytes() == broken
    assert backups[0].name[len("profiles.toml.broken-") :].count("T") == 1
    assert str(backups[0]) in message
    assert mode(backups[0]) == 0o600

    with pytest.raises(StorageError, match="damaged"):
        store.save(ProfileMeta(name="new"))
    with pytest.raises(StorageError, match="damaged"):
        store.save_draft("new", {"step": 1})
    with pytest.raises(StorageError, match="damaged"):
        store.delete("bot")
    assert path.read_bytes() == broken
    assert len(list(tmp_path.glob("profiles.toml.broken-*"))) == 1


def test_wrong_types_name_the_key_not_the_value(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('version = 1\n[profiles.bot]\ndemo = "sekrit-value"\n')
    store = MetadataStore(path)
    with pytest.raises(StorageError) as info:
        store.get("bot")
    assert "profiles.bot.demo should be true or false" in info.value.message
    assert "sekrit-value" not in info.value.message
    with pytest.raises(StorageError):
        store.save(ProfileMeta(name="bot"))
    assert "sekrit-value" in path.read_text()
    assert len(list(tmp_path.glob("profiles.toml.broken-*"))) == 1


@pytest.mark.parametrize(
    "text",
    [
        'version = "one"\n',
        "profiles = 3\n",
        "[profiles]\nbot = 1\n",
        '[profiles.bot]\nstorage = "floppy"\n',
        "[profiles.bot.intentions]\nip_whitelist = [1, 2]\n",
        '[profiles.bot]\ncreated_at = "yesterday"\n',
        "[drafts]\nbot = []\n",
    ],
)
def test_every_kind_of_wrong_type_is_a_clear_storage_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(text)
    with pytest.raises(StorageError, match="is damaged"):
        MetadataStore(path).load()


def test_a_newer_schema_is_refused_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text("version = 2\n[profiles.bot]\n")
    store = MetadataStore(path)
    with pytest.raises(StorageError, match="newer okx-wizard"):
        store.load()
    with pytest.raises(StorageError, match="newer okx-wizard"):
        store.save(ProfileMeta(name="x"))
    assert path.read_text() == "version = 2\n[profiles.bot]\n"
    assert not list(tmp_path.glob("*.broken-*"))


# -- concurrency ----------------------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
store = MetadataStore(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    store.save(ProfileMeta(name=f"{sys.argv[2]}-{i}"))
"""


def test_concurrent_saves_from_two_processes_keep_every_profile(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    count = 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, str(count)], env=env)
        for tag in ("left", "right")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    names = set(MetadataStore(path).load())
    expected = {f"{tag}-{i}" for tag in ("left", "right") for i in range(count)}
    assert names == expected


LOGIN = """
import sys
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.secret_store import open_secret_store

tag = sys.argv[1]
creds = Credentials(f"{tag}0000000-1111-2222-3333-444444444444", Secret("S" * 32), Secret("P-1a"))
meta, secrets = MetadataStore(), open_secret_store("vault")
if tag == "b":
    print("about to lock", flush=True)
with meta.locked():
    if meta.exists("bot"):
        print("profile exists", flush=True)
        sys.exit(3)
    if tag == "a":
        print("checked", flush=True)
        sys.stdin.readline()  # the test says when to go on: B is started meanwhile
    secrets.set("bot", "active", creds)
    meta.save(ProfileMeta(name="bot", api_key_hint=creds.hint))
print("saved", flush=True)
"""


def test_two_logins_of_the_same_new_profile_one_wins_the_other_is_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OKX_WIZARD_VAULT_PASSWORD", "a vault password for tests")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def start(tag: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", LOGIN, tag],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    first = start("a")
    assert first.stdout is not None and first.stdin is not None
    assert first.stdout.readline() == "checked\n"  # A holds the lock, its check done
    second = start("b")
    assert second.stdout is not None
    assert second.stdout.readline() == "about to lock\n"
    first.stdin.write("go\n")
    first.stdin.close()
    assert first.wait(timeout=120) == 0
    assert second.wait(timeout=120) == 3
    assert second.stdout.read() == "profile exists\n"
    profiles = MetadataStore().load()
    assert list(profiles) == ["bot"] and profiles["bot"].api_key_hint == "a000…4444"
    from okx_wizard.core.secret_store import open_secret_store

    stored = open_secret_store("vault").get("bot", "active")
    assert stored is not None and stored.api_key.startswith("a000")  # the winner's key kept


def test_locked_is_reentrant_and_changes_inside_it_land(tmp_path: Path) -> None:
    store = MetadataStore(tmp_path / "cfg" / "profiles.toml")
    other = MetadataStore(tmp_path / "cfg" / "profiles.toml")  # same file, another object
    with store.locked(), other.locked():
        assert not store.exists("bot")
        store.save(ProfileMeta(name="bot"))
        other.save_draft("next", {"step": "capture"})
        assert other.exists("bot")
    assert store.exists("bot") and store.draft_names() == ["next"]


def test_locked_keeps_other_threads_out_until_the_block_ends(tmp_path: Path) -> None:
    import threading

    store = MetadataStore(tmp_path / "cfg" / "profiles.toml")
    order: list[str] = []
    entered = threading.Event()

    def other_thread() -> None:
        entered.wait()
        with MetadataStore(store.path).locked():
            order.append("other")

    worker = threading.Thread(target=other_thread)
    worker.start()
    with store.locked():
        entered.set()
        # The other thread is blocked on the lock now or will be: it cannot run its block
        # before this one ends, whatever the scheduling.
        store.save(ProfileMeta(name="bot"))
        order.append("first")
    worker.join(timeout=60)
    assert order == ["first", "other"]


# -- what is read back is checked and cleaned -------------------------------------------------


def write_profile(body: str) -> MetadataStore:
    store = MetadataStore()
    store.save(ProfileMeta(name="bot"))
    store.path.write_text(f'version = 1\n[profiles.bot]\nregion = "global"\n{body}\n')
    return store


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.evil.example",
        "ftp://www.okx.com",
        "https://user:pw@www.okx.com",
        "https://www.okx.com\\u001b[2J",
    ],
)
def test_a_base_url_that_would_leak_the_key_is_refused_on_read(url: str) -> None:
    store = write_profile(f'base_url = "{url}"')
    before = store.path.read_bytes()
    with pytest.raises(StorageError) as info:
        store.load()
    assert "profiles.bot.base_url should be an https:// URL" in info.value.cause
    with pytest.raises(StorageError):
        store.save(ProfileMeta(name="other"))
    assert store.path.read_bytes() == before


@pytest.mark.parametrize(
    "url",
    ["https://www.okx.com", "http://127.0.0.1:8443", "http://127.9.9.9", "http://[::1]:1",
     "http://localhost:9000"],
)  # fmt: skip
def test_https_or_loopback_http_base_urls_are_read(url: str) -> None:
    meta = write_profile(f'base_url = "{url}"').get("bot")
    assert meta is not None and meta.base_url == url


def test_allow_withdraw_written_by_hand_is_not_consent() -> None:
    store = write_profile('[profiles.bot.intentions]\nuse_case = "trading"\nallow_withdraw = true')
    meta = store.get("bot")
    assert meta is not None and meta.intentions.allow_withdraw is False
    meta.intentions.allow_withdraw = True  # what a confirmed command holds in memory
    store.save(meta)
    assert "allow_withdraw" not in store.path.read_text()  # never kept for a later command
    again = store.get("bot")
    assert again is not None and again.intentions.allow_withdraw is False


def test_strings_and_nested_values_lose_escape_sequences_and_line_breaks() -> None:
    store = write_profile(
        'key_label = "lab\\u001b[2Jel"\n'
        'api_key_hint = "8a0f\\u2028…9d21"\n'
        'note = { deep = ["x\\u001b]52;c;AAAA\\u0007y"] }\n'
        "[profiles.bot.last_check]\n"
        'ok = false\nerror_kind = "auth\\u001b[31m\\nFAKE LINE"\nwarnings = ["a\\u202eb"]\n'
        "[profiles.bot.reported]\n"
        'label = "r\\u009b1m"\nnested = { "k\\u001b" = ["\\r\\n"] }'
    )
    meta = store.get("bot")
    assert meta is not None
    # The ESC (and C1 CSI) goes, so what is left is inert text: no cursor move, no clear.
    assert meta.key_label == "lab[2Jel" and meta.api_key_hint == "8a0f…9d21"
    assert meta.last_check is not None
    assert meta.last_check["error_kind"] == "auth[31mFAKE LINE"
    assert meta.last_check["warnings"] == ["ab"]
    assert meta.reported == {"label": "r1m", "nested": {"k": [""]}}
    assert meta.extra["note"] == {"deep": ["x]52;c;AAAAy"]}


@pytest.mark.parametrize(
    "body",
    [
        "[profiles.bot.last_check]\nwarnings = [1, 2]",
        "[profiles.bot.last_check]\nerror_kind = 3",
        '[profiles.bot.last_check]\nwarnings = "no-balance"',
    ],
)
def test_nested_values_of_the_wrong_type_are_named(body: str) -> None:
    with pytest.raises(StorageError, match=r"profiles\.bot\.last_check\.(warnings|error_kind)"):
        write_profile(body).load()
