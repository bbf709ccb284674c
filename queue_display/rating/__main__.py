"""`python -m queue_display.rating`: the same as `queue-display rating`."""

import argparse
import sys

from queue_display.rating import add_arguments, run

parser = argparse.ArgumentParser(prog="queue-display rating")
add_arguments(parser)
sys.exit(run(parser.parse_args()))
