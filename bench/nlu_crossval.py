"""NLU quality: k-fold cross-validation of intents and of which article answers.

Run in the Rasa environment from the repository root (about 30 minutes on 2 cores):
    PYTHONPATH=. RASA_TELEMETRY_ENABLED=false .venv/rasa/bin/python bench/nlu_crossval.py [folds] [config.yml]

Each fold trains the NLU pipeline of config.yml on the other folds (with the
articles' answers, as a real training has them) and parses the held-out
examples. Reported:
- intent: macro and weighted F1 and accuracy (the FallbackClassifier's
  "unsure" undone, as `rasa test nlu` does);
- response selection: which article the article classifier
  (nlu/linear_classifier.py) alone picks for a knowledge question;
- combined: what the assistant does (actions/knowledge_answers.py): the
  article classifier and BM25 over the fold's own articles together; answered
  right, answered wrong, or asked back ("Bedoel je ...?"). Every source's
  scores are stored per question for bench/article_weights.py.

`rasa test nlu --cross-validation` would not do here: it reads only nlu/, and
with the knowledge importer of config.yml every fold would train on all
article questions, test folds included.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.nlu.classifiers import fallback_classifier
from rasa.nlu.test import generate_folds
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import write_yaml
from sklearn.metrics import classification_report

from actions.knowledge_answers import ARTICLES, MIN_ANSWER_SCORE, combined_ranking, source_scores
from nlu.linear_classifier import ARTICLE_RANKING
from knowledge.rasa_importer import article_phrases
from knowledge.search import ArticleSearch

OUTPUT = Path("results/crossval")  # predictions.json: every held-out example with what was predicted


def fold_search(train) -> ArticleSearch:
    """BM25 over the articles with only this fold's training questions."""
    questions = defaultdict(list)
    for example in train.intent_examples:
        key = example.get("intent_response_key") or ""
        if key.startswith("faq/"):
            questions[key[4:]].append(example.get("text"))
    return ArticleSearch([dataclasses.replace(a, questions=tuple(questions[a.id])) for a in ARTICLES.values()])


async def evaluate_fold(model: str, test, search: ArticleSearch, rows: list) -> None:
    agent = Agent.load(model)
    for example in test.intent_examples:
        parse = await agent.parse_message(example.get("text"))
        if fallback_classifier.is_fallback_classifier_prediction(parse):
            parse = fallback_classifier.undo_fallback_prediction(parse)
        article = (example.get("intent_response_key") or "/").split("/", 1)[1]
        ranked = combined_ranking(parse, search) if article else []
        rows.append({
            "text": example.get("text"), "intent": example.get("intent"),
            "predicted": (parse.get("intent") or {}).get("name"),
            "article": article,
            "classified": ((parse.get(ARTICLE_RANKING) or [{}])[0]).get("name", ""),
            "combined": ranked[0][0] if ranked else "", "score": ranked[0][1] if ranked else 0.0,
            # each source's scores, for bench/article_weights.py
            "sources": source_scores(parse, search) if article else {},
        })


def split_off_phrases(data: TrainingData) -> tuple[TrainingData, TrainingData]:
    """The articles' titles and answer sentences go into every fold's training
    data and are never held out: only messages are tested."""
    phrases = {(f"faq/{a}", t) for a, texts in article_phrases(list(ARTICLES.values())).items() for t in texts}
    examples = {True: [], False: []}
    for example in data.training_examples:
        examples[(example.get("intent_response_key"), example.get("text")) in phrases].append(example)
    return TrainingData(examples[False], responses=data.responses), TrainingData(examples[True])


def report(title: str, truth: list, predicted: list) -> dict:
    result = classification_report(truth, predicted, output_dict=True, zero_division=0)
    macro, weighted = result["macro avg"]["f1-score"], result["weighted avg"]["f1-score"]
    print(f"| {title:26} | {macro:.3f} | {weighted:.3f} | {result['accuracy']:.3f} |")
    return result


def main() -> int:
    folds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    config_path = sys.argv[2] if len(sys.argv) > 2 else "config.yml"  # to compare a variant
    importer = TrainingDataImporter.load_from_config(config_path, "domain.yml", ["nlu"])
    data = importer.get_nlu_data("nl")
    data.responses = {k: v for k, v in importer.get_domain().responses.items() if k.startswith("utter_faq/")}
    data, always = split_off_phrases(data)
    config = importer.get_config()
    config.pop("importers", None)  # each fold trains on its own file only
    started = time.monotonic()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        config_file = Path(tmp) / "config.yml"
        write_yaml(config, config_file)
        for number, (train, test) in enumerate(generate_folds(folds, data), start=1):
            data_file = Path(tmp) / "train.yml"
            RasaYAMLWriter().dump(data_file, train.merge(always))
            model = train_nlu(str(config_file), str(data_file), str(Path(tmp) / f"fold{number}"))
            asyncio.run(evaluate_fold(model, test, fold_search(train), rows))
            print(f"fold {number}/{folds} done", file=sys.stderr)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"predictions-{Path(config_path).stem}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")

    print(f"\n{folds}-fold cross-validation on {len(rows)} examples in {time.monotonic() - started:.0f} s\n")
    print("| evaluation                 | macro F1 | weighted F1 | accuracy |")
    print("|---|---|---|---|")
    intents = report("intent", [r["intent"] for r in rows], [r["predicted"] for r in rows])
    faq = [r for r in rows if r["article"]]
    report("article classifier", [r["article"] for r in faq], [r["classified"] for r in faq])
    report("article: combined", [r["article"] for r in faq], [r["combined"] for r in faq])
    answered = [r for r in faq if r["score"] >= MIN_ANSWER_SCORE]
    right = sum(r["combined"] == r["article"] for r in answered)
    print(f"\nknowledge questions: answered right {right / len(faq):.1%}, answered wrong "
          f"{(len(answered) - right) / len(faq):.1%}, asked back {1 - len(answered) / len(faq):.1%}")
    per_intent = sorted((k, v["f1-score"], v["support"]) for k, v in intents.items() if isinstance(v, dict) and "avg" not in k)
    print("intent F1: " + ", ".join(f"{k} {f:.2f} ({n:.0f})" for k, f, n in sorted(per_intent, key=lambda x: x[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
