"""`python -m pipelines load|demo|status|generate`: the command line of channelshift.py.

An entry point, not part of the ground layer: it only hands its arguments to the one CLI.
"""

import sys

from channelshift import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m pipelines"))
