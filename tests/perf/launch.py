"""Run one command; write its wall time and its own peak resident set as JSON.

    python -S tests/perf/launch.py RESULT.json STDOUT STDERR -- COMMAND...

Why a launcher: Linux keeps the larger of a process's peak RSS and the RSS of the process it
was forked from (the high-water mark survives exec), so a child of a large benchmark process
would report the parent's size. This launcher is small (no site, standard modules only), so
the peak that ``os.wait4`` reports for its child is the child's own.
"""

import json
import os
import sys
import time


def main() -> int:
    result, out, err, sep, *cmd = sys.argv[1:]
    assert sep == "--" and cmd, __doc__
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    read_end, write_end = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, write_end, 1),
        (os.POSIX_SPAWN_CLOSE, read_end),
        (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o644),
    ]
    started = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
    os.close(write_end)
    # The child's stdout is read here, so the moment it reports its first paint is known:
    # "spawn to first paint" is start-up as a user sees it, without the time to shut down.
    paint_ms = None
    with os.fdopen(read_end, "rb") as pipe, open(out, "wb") as copy:
        for line in pipe:
            copy.write(line)
            if paint_ms is None and line.startswith(b"first paint after"):
                paint_ms = (time.perf_counter() - started) * 1000
    _pid, status, usage = os.wait4(pid, 0)
    ms = (time.perf_counter() - started) * 1000
    with open(result, "w", encoding="utf-8") as fh:
        json.dump({"ms": ms, "paint_ms": paint_ms, "maxrss_kb": usage.ru_maxrss,
                   "rc": os.waitstatus_to_exitcode(status)}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
