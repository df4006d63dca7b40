"""Chinese word segmentation for the search index: jieba's dictionary and HMM through rjieba (the
maintained Rust port, jieba-rs), so "开机后屏幕一直不亮" is indexed as 开机 后 屏幕 一直 不亮 and a
query "屏幕不亮" asks for 屏幕 and 不亮. Latin words and numbers (model numbers) are lower-cased."""

from __future__ import annotations

import re

import rjieba

# Particles and question words that would match nearly everything.
STOPWORDS = frozenset(("的", "了", "是", "在", "我", "你", "他", "她", "它", "们", "吗", "呢", "啊", "吧", "呀", "和",
                       "与", "及", "或", "也", "都", "就", "还", "又", "请", "问", "怎么", "怎样", "如何", "为什么",
                       "什么", "一个", "这个", "那个", "有", "没有", "a", "an", "the", "of", "to", "is", "and", "or"))
_WORD = re.compile(r"\w", re.UNICODE)


def _clean(tokens: list[str]) -> list[str]:
    return [t.lower() for t in (tok.strip() for tok in tokens) if t and _WORD.search(t)]


def index_terms(text: str) -> str:
    """The words of `text` for the index, space-separated (search mode: 笔记本电脑 also gives 笔记本, 电脑)."""
    return " ".join(_clean(rjieba.cut_for_search(text or "")))


def _parts(word: str) -> list[str]:
    """A compound the dictionary knows (电视屏幕, 笔记本电脑) as the smaller words it is made of, which
    the index holds too (search mode), so that a text saying 电视 … 屏幕 is found; else the word."""
    if len(word) <= 2:
        return [word]
    subs = {t for t in rjieba.cut_for_search(word) if t != word}
    # The fewest smaller words that spell it exactly (电视屏幕: 电视 + 屏幕, not 电视屏 + 幕).
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            head, piece = best[start], word[start:end]
            if head is not None and piece in subs and (best[end] is None or len(head) + 1 < len(best[end] or ())):
                best[end] = [*head, piece]
    return best[-1] or [word]


def query_words(text: str) -> list[str]:
    """The words a query asks for, each once, stopwords left out (unless nothing else is left)."""
    words = list(dict.fromkeys(p for w in _clean(rjieba.cut(text or "")) for p in _parts(w)))
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words
