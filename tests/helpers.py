"""Small data made by the tests themselves, shared by several test modules."""

from __future__ import annotations

import random

LABELS = ("neutral", "opposition", "support")
CUES = {
    "en": {"support": ["praise", "welcome", "applaud"], "opposition": ["condemn", "reject",
           "denounce"], "neutral": ["discuss", "note", "report"]},
    "tr": {"support": ["övüyoruz", "destekliyoruz", "alkışlıyoruz"], "opposition": [
           "kınıyoruz", "İTİRAZ", "reddediyoruz"], "neutral": ["görüşüyoruz", "izliyoruz",
           "aktarıyoruz"]},
}
FILLER = {
    "en": ["the", "minister", "said", "today", "that", "moscow", "policy", "in", "our",
           "region", "will", "change", "next", "week"],
    "tr": ["bakan", "bugün", "moskova", "politikası", "bölgede", "gelecek", "hafta",
           "değişecek", "dedi"],
}


def toy_corpus(lang: str = "en", n: int = 60) -> tuple[list[str], list[str], list[str]]:
    """Texts whose class shows in one cue word among random filler; groups of three texts
    (one per class)."""
    rng = random.Random(n)
    texts, labels, groups = [], [], []
    for i in range(n):
        label = LABELS[i % 3]
        words = [*rng.sample(FILLER[lang], 5), CUES[lang][label][(i // 3) % 3]]
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
        groups.append(f"g{i // 3:02d}")
    return texts, labels, groups
