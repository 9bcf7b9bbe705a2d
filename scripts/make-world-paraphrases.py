"""Writes data/demo/datasets/world/mlama-paraphrase: the world facts in the mLAMA layout with every statement
template of world_kb.json as a paraphrase (three per relation and language, several templates.jsonl lines per
relation), for neuron-attribution's per-fact selection across paraphrased prompts. The fact files are copied from
data/demo/datasets/world/mlama.

usage: python3 scripts/make-world-paraphrases.py   (from the repository root)
"""
import json
import os
import shutil

WORLD = "data/demo/datasets/world/"
OUT = WORLD + "mlama-paraphrase/"
RELATIONS = {"capital": "P36", "continent": "P30", "currency": "P38", "language": "P37"}

kb = json.load(open(WORLD + "world_kb.json", encoding="utf-8"))
for lang in kb["meta"]["languages"]:
    os.makedirs(OUT + lang, exist_ok=True)
    with open(OUT + lang + "/templates.jsonl", "w", encoding="utf-8") as f:
        for label, pid in RELATIONS.items():
            for t in kb["templates"][label][lang]["statements"]:
                f.write(json.dumps({"relation": pid, "template": t, "label": label}, ensure_ascii=False) + "\n")
    for pid in RELATIONS.values():
        shutil.copyfile(WORLD + "mlama/" + lang + "/" + pid + ".jsonl", OUT + lang + "/" + pid + ".jsonl")
