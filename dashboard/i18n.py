"""UI strings in English and Japanese, looked up by key (strings.yaml)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load((Path(__file__).with_name("strings.yaml")).read_text(encoding="utf-8"))


def t(key: str, language: str, **values) -> str:
    """The UI string `key` in `language`, formatted with `values`. Every key has every language
    (tests/test_i18n.py): a missing one is a KeyError, never a silent fallback to English."""
    text = _strings()[key][language]
    return text.format(**values) if values else text
