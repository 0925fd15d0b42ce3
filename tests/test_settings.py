"""The window's preferences file: defaults, cleaning, atomic round trip."""

from __future__ import annotations

import json

from app import settings


def test_missing_or_damaged_file_gives_defaults(tmp_path):
    assert settings.load(tmp_path / "none.json") == settings.defaults()
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json")
    assert settings.load(damaged) == settings.defaults()
    assert settings.defaults()["lock_minutes"] == 5


def test_values_are_cleaned(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"language": "fr", "lock_minutes": 99, "last_vault": 7, "case": "FZ-2026-0001"})
    )
    loaded = settings.load(path)
    assert loaded == {
        "language": "zh_CN",
        "lock_minutes": 15,
        "last_vault": None,
        "backup_folder": None,
        "last_mapping": None,
    }
    assert settings.clean({"lock_minutes": 0})["lock_minutes"] == 1
    assert settings.clean({"lock_minutes": True})["lock_minutes"] == 5


def test_round_trip_keeps_only_known_keys(tmp_path):
    path = tmp_path / "sub" / "settings.json"
    settings.save({"language": "en", "lock_minutes": 3, "last_vault": "/v", "x": 1}, path)
    assert settings.load(path) == {
        "language": "en",
        "lock_minutes": 3,
        "last_vault": "/v",
        "backup_folder": None,
        "last_mapping": None,
    }
    assert "x" not in json.loads(path.read_text())
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]  # no temp file left
