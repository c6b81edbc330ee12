"""The README's Python example runs as written."""
import os
import re

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def test_readme_example(capsys):
    text = open(README).read()
    m = re.search(r"PYTHONPATH=build/python /usr/bin/python3 - <<'EOF'\n(.*?)\nEOF\n", text, re.S)
    assert m, "README.md has no Python example block"
    exec(compile(m.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "bytes/vector" in out and "(2000, 64)" in out
