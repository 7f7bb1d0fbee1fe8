"""UI strings: every key in English and Japanese, with the same placeholders, and the Japanese
really Japanese."""
from __future__ import annotations

import re

import pytest
import yaml

from dashboard.i18n import t

from conftest import ROOT

STRINGS = yaml.safe_load((ROOT / "dashboard" / "strings.yaml").read_text(encoding="utf-8"))
JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")  # kana, kanji, full-width forms
SAME_IN_BOTH = {"app_title", "g7"}  # names that read the same in both languages


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_exists_in_english_and_japanese_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"en", "ja"}, key
    assert entry["en"].strip() and entry["ja"].strip()
    assert set(re.findall(r"{(\w+)}", entry["en"])) == set(re.findall(r"{(\w+)}", entry["ja"]))
    assert JAPANESE.search(entry["ja"]) or key in SAME_IN_BOTH, f"{key}: {entry['ja']!r} is not Japanese"


def test_every_key_used_in_the_code_exists():
    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "dashboard").rglob("*.py"))
    used = set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", code))
    assert used - set(STRINGS) == set()


def test_a_missing_language_is_an_error_not_english():
    with pytest.raises(KeyError):
        t("page_matrix", "fr")
