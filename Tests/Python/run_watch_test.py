"""`make run` (scripts/run.py) notices a child that dies: `first_exited` returns the first process
of the suite to exit, by name, with its exit code, while the others keep running; `make run` fails
only when that exit was a failure (`suite_exit_status`). Real processes:

    python3 Tests/Python/run_watch_test.py
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "scripts"))
import run  # noqa: E402


def main():
    survivors = {name: subprocess.Popen(["sleep", "600"]) for name in ("orders", "refunds")}
    dying = subprocess.Popen(["sh", "-c", "read line; exit 7"], stdin=subprocess.PIPE)
    processes = {"orders": survivors["orders"], "returns": dying, "refunds": survivors["refunds"]}
    try:
        dying.stdin.close()  # end of its input: it exits 7
        assert run.first_exited(processes, interval=0.05) == ("returns", 7)
        assert all(process.poll() is None for process in survivors.values()), "a survivor exited"
    finally:
        for process in processes.values():
            process.kill()
            process.wait()
    assert run.suite_exit_status(None) == 0, "Ctrl-C is a clean stop"
    assert run.suite_exit_status(("oversight", 0)) == 0, "a service that stopped cleanly is no failure"
    assert run.suite_exit_status(("returns", 7)) == 1, "a service that failed fails make run"
    print("run_watch_test: ok")


if __name__ == "__main__":
    main()
