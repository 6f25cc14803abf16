"""pytest plugin for run_thirdparty.py: at the end of the session, write jitcy.stats() as
JSON to the file named by JITCY_THIRDPARTY_STATS (only when jitcy is imported)."""
import json
import os
import sys


def pytest_unconfigure(config):
    path = os.environ.get("JITCY_THIRDPARTY_STATS")
    jitcy = sys.modules.get("jitcy")
    if not path or jitcy is None:
        return
    with open(path, "w") as f:
        json.dump(jitcy.stats(), f, default=str)
