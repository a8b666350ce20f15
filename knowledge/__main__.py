"""python -m knowledge check: validate every article and report readability."""
import argparse
import sys

from knowledge.articles import read_articles
from knowledge.english import ENGLISH_TERMS, term_problems
from knowledge.readability import average_sentence_length, flesch_douma


def check() -> int:
    articles, problems = read_articles()
    problems += term_problems(ENGLISH_TERMS, articles)
    print(f"{'article':34} {'chars':>5} {'qs':>3} {'words/sent':>10} {'Flesch-Douma':>12}")
    for a in articles:
        print(
            f"{a.id:34} {len(a.reply_text):5d} {len(a.questions):3d} "
            f"{average_sentence_length(a.answer):10.1f} {flesch_douma(a.answer):12.1f}"
        )
    print(f"\n{len(articles)} articles, {sum(len(a.questions) for a in articles)} example questions")
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("knowledge base OK")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge")
    parser.add_argument("command", choices=["check"])
    parser.parse_args()
    return check()


if __name__ == "__main__":
    sys.exit(main())
