"""`streamlit run ARGS` for bench/pages.py, with every script run's own time written down.

    python bench/serve.py dashboard.py --server.port=PORT ...

Run as a file, not a module, so that it serves any checkout (`bench.pages --app DIR`) without
importing that checkout's code. Wraps ScriptRunner._run_script (Streamlit's, private) and
appends "seconds cpu_seconds" per script run to the file $BENCH_PAGES_SERVER_TIMES: the time
the server spends running the script, which the browser cannot tell apart from sending the
result. With $BENCH_PAGES_PROFILE set, each run's cProfile goes into that folder.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main(args: list[str]) -> None:
    """Serve the app, timing its script runs when $BENCH_PAGES_SERVER_TIMES names a file."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    target = os.environ.get("BENCH_PAGES_SERVER_TIMES")
    profiles = os.environ.get("BENCH_PAGES_PROFILE")
    original = getattr(script_runner.ScriptRunner, "_run_script", None)
    if target and original:

        def timed(self, rerun_data):
            profiler = None
            if profiles:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(self, rerun_data)
            finally:
                seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu
                with open(target, "a") as out:
                    out.write(f"{seconds:.6f} {cpu:.6f}\n")
                if profiler:
                    profiler.disable()
                    page = getattr(rerun_data, "page_name", "") or "overzicht"
                    profiler.dump_stats(Path(profiles) / f"{page}-{time.time_ns()}.prof")

        script_runner.ScriptRunner._run_script = timed
    sys.argv = ["streamlit", "run", *args]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.path.pop(0)  # this folder: the checkout's own modules come first (PYTHONPATH, cwd)
    main(sys.argv[1:])
