"""`python -m metrics briefing|audit-pack`: the command line of channelshift.py.

An entry point, not part of the metrics layer: it only hands its arguments to the one CLI.
"""

import sys

from channelshift import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m metrics"))
