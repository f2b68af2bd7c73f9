"""Writes src/__fixtures__/python-tokenizers-ids.json: the ids that Hugging Face's Python
`tokenizers` gives with assets/tokenizer.json, for a few strings and held-out corpus files.
A one-off cross-check (the project itself never needs Python):

    pip install tokenizers==0.23.2
    python3 packages/data/scripts/make-python-fixture.py
"""
import gzip, json, pathlib, tokenizers
from tokenizers import Tokenizer

package = pathlib.Path(__file__).resolve().parent.parent
tokenizer = Tokenizer.from_file(str(package / "assets" / "tokenizer.json"))
rows = {json.loads(line)["path"]: json.loads(line)["content"]
        for line in gzip.open(package / "assets" / "python-stdlib.jsonl.gz", "rt", encoding="utf-8")}

strings = [
    "Hello world",
    "def f(x):\n    return x ** 2  # squared\n\n\n",
    "    \t\n  trailing spaces   \n",
    "Grüße aus 東京 😀👍🏽 it's 3.14",
]
# Held-out files of the default split (validationFraction 0.05, seed 0): the tokenizer never saw them.
files = ["Lib/_sitebuiltins.py", "Lib/distutils/errors.py", "Lib/encodings/cp874.py", "Lib/keyword.py", "Lib/tty.py"]

cases = [{"text": text, "ids": tokenizer.encode(text, add_special_tokens=False).ids} for text in strings]
cases += [{"path": path, "ids": tokenizer.encode(rows[path], add_special_tokens=False).ids} for path in files]
fixture = {"producer": f"python tokenizers {tokenizers.__version__}", "tokenizer": "assets/tokenizer.json", "cases": cases}
(package / "src" / "__fixtures__" / "python-tokenizers-ids.json").write_text(json.dumps(fixture) + "\n")
print(f"wrote {len(cases)} cases, {sum(len(case['ids']) for case in cases)} ids")
