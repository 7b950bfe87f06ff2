"""The README's Python example runs as written, on the bundled sample in place of the archive."""

import re
from pathlib import Path

from coordnet.sample import sample_paths

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(tmp_path, monkeypatch):
    text = README.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no Python example"
    tweets, users = sample_paths()
    code = blocks[0].replace('"hk_tweets_csv_hashed.csv.gz"', repr(str(tweets)))
    code = code.replace('"hk_users_csv_hashed.csv"', repr(str(users)))
    assert str(tweets) in code and str(users) in code  # the example still reads those files
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert (result.networks["status"] == "network").sum() == 2
    assert (tmp_path / "out" / "networks.csv").exists()


def test_readme_test_command_is_what_ci_runs():
    ci = (README.parent / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' && pytest" in README.read_text()
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest" in ci
