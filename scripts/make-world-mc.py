"""Writes data/demo/datasets/world/world_mc.jsonl: generic multiple-choice items {question, choices, answer}
from world_kb.json, for checkpoint-eval's multiple-choice group. Two questions per country, each with the gold
answer and three distractors drawn with a fixed seed: its capital (distractors: other countries' capitals) and
its continent (distractors: the other continents). The question wording is that of the corpus's English Q/A
lines, so the answer is scored as the continuation " <choice>".

usage: python3 scripts/make-world-mc.py   (from the repository root)
"""
import json
import random

WORLD = "data/demo/datasets/world/"

kb = json.load(open(WORLD + "world_kb.json", encoding="utf-8"))
rng = random.Random(11)
countries = kb["countries"]
continents = kb["continents"]
items = []
for c in countries:
    gold = c["capital"]["en"]
    choices = rng.sample([o["capital"]["en"] for o in countries if o["id"] != c["id"]], 3) + [gold]
    rng.shuffle(choices)
    items.append({"question": f"Q: What is the capital of {c['name']['en']}? A:", "choices": choices,
                  "answer": choices.index(gold)})
for c in countries:
    gold = continents[c["continent"]]["en"]
    choices = rng.sample([v["en"] for k, v in continents.items() if k != c["continent"]], 3) + [gold]
    rng.shuffle(choices)
    items.append({"question": f"Q: On which continent is {c['name']['en']} located? A:", "choices": choices,
                  "answer": choices.index(gold)})
with open(WORLD + "world_mc.jsonl", "w", encoding="utf-8") as f:
    for item in items:
        f.write(json.dumps(item, ensure_ascii=False) + "\n")
print(len(items), "items")
