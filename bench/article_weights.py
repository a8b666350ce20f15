"""Which weights for the article sources pick the right article most often?

Reads what bench/nlu_crossval.py stored for every held-out question (the
scores of each source: the article classifier and the search) and tries a
grid of weights (actions/knowledge_answers.py WEIGHTS):
    PYTHONPATH=. .venv/rasa/bin/python bench/article_weights.py [results/crossval/predictions-config.json]
Prints the best combinations by macro F1 and, for the chosen weights, how many
questions would be answered right or wrong or asked back at several thresholds.
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from sklearn.metrics import f1_score

from actions.knowledge_answers import weighted_ranking

GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


def best_article(sources: dict, weights: dict) -> tuple[str, float]:
    ranked = weighted_ranking(sources, weights)
    return ranked[0] if ranked else ("", 0.0)


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "results/crossval/predictions-config.json")
    rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if r["article"] and r.get("sources")]
    truth = [r["article"] for r in rows]
    names = sorted({source for r in rows for source in r["sources"]})
    results = []
    for values in itertools.product(GRID, repeat=len(names)):
        if sum(values) == 0:
            continue
        weights = dict(zip(names, values))
        picked = [best_article(r["sources"], weights)[0] for r in rows]
        results.append((f1_score(truth, picked, average="macro", zero_division=0), weights))
    results.sort(key=lambda x: -x[0])
    print(f"{len(rows)} held-out article questions from {path}")
    for f1, weights in results[:8]:
        print(f"macro F1 {f1:.3f}  {weights}")
    best = results[0][1]
    total = sum(best.values())
    print(f"\nwith {best}: threshold (as a share of the weight sum {total:g}) -> right / wrong / asked back")
    picks = [best_article(r["sources"], best) for r in rows]
    for share in (0.2, 0.3, 0.4, 0.5, 0.6):
        answered = [(p, r) for p, r in zip(picks, rows) if p[1] >= share * total]
        right = sum(p[0] == r["article"] for p, r in answered)
        print(f"  {share * total:.2f}: {right / len(rows):.1%} / {(len(answered) - right) / len(rows):.1%}"
              f" / {1 - len(answered) / len(rows):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
