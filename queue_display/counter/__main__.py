"""`python -m queue_display.counter`: the same as `queue-display counter`."""

import argparse
import sys

from queue_display.counter import add_arguments, run

parser = argparse.ArgumentParser(prog="queue-display counter")
add_arguments(parser)
sys.exit(run(parser.parse_args()))
