from storytrace.cli import run

run()
