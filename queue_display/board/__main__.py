"""`python -m queue_display.board`: the board on its own, without the other queue-display apps."""

import argparse
import sys

from queue_display.board import add_arguments, run

parser = argparse.ArgumentParser(prog="queue-display board", description="the hall call board")
add_arguments(parser)
sys.exit(run(parser.parse_args()))
