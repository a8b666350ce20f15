"""NLU quality: 5-fold cross-validation of intents and knowledge answers.

Run in the Rasa environment from the repository root (about 15 minutes on 2 cores):
    PYTHONPATH=. RASA_TELEMETRY_ENABLED=false .venv/rasa/bin/python bench/nlu_crossval.py [folds]

`rasa test nlu --cross-validation` reads only nlu/ and would miss the knowledge
articles; this uses the same importers as `rasa train` (config.yml).
Prints macro and weighted F1 for intents and for response selection (which
article answers a faq message), and the worst articles.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from rasa.model_testing import perform_nlu_cross_validation
from rasa.shared.importers.importer import TrainingDataImporter

OUTPUT = Path("results/crossval")


def summary(name: str, report_file: Path) -> list:
    report = json.loads(report_file.read_text())
    if isinstance(report, str):  # Rasa wrote the text form of the report
        print(f"{name}:\n{report}")
        return []
    macro, weighted = report["macro avg"], report["weighted avg"]
    print(f"| {name:18} | {macro['f1-score']:.3f} | {weighted['f1-score']:.3f} | {report.get('accuracy', float('nan')):.3f} |")
    labels = {k: v for k, v in report.items() if isinstance(v, dict) and "avg" not in k}
    worst = sorted(labels.items(), key=lambda kv: kv[1]["f1-score"])[:5]
    return [(k, round(v["f1-score"], 3), v["support"]) for k, v in worst]


def main() -> int:
    folds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    importer = TrainingDataImporter.load_from_config("config.yml", "domain.yml", ["nlu"])
    data = importer.get_nlu_data("nl")
    config = importer.get_config()
    # Each fold trains on a file of its own training part. Without this, the
    # knowledge importer named in config.yml would add every article question
    # again, test folds included, and response selection would score 1.000.
    config.pop("importers", None)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    asyncio.run(
        perform_nlu_cross_validation(
            config, data, str(OUTPUT),
            {"folds": folds, "errors": True, "disable_plotting": True, "report_as_dict": True},
        )
    )
    print(f"\n{folds}-fold cross-validation on {len(data.training_examples)} examples "
          f"in {time.monotonic() - started:.0f} s\n")
    print("| evaluation         | macro F1 | weighted F1 | accuracy |")
    print("|---|---|---|---|")
    worst_intents = summary("intent", OUTPUT / "intent_report.json")
    worst_answers = summary("response selection", OUTPUT / "response_selection_report.json")
    print(f"\nweakest intents: {worst_intents}\nweakest articles: {worst_answers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
