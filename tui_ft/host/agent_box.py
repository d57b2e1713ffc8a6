"""The box's side of the agent (`tui_ft.host.agent`): sent as `python -S -u -c SOURCE`.

It reads one JSON request a line from stdin, runs the named script in this process (its
source comes with the first request that names it) with the request's argv and
environment, and writes one JSON line back: {"id", "rc", "out", "err"}. The standard
library only, and Python 3.8 syntax: the box needs no tui-ft, and a laptop's agent never
meets an older copy of itself. The scripts are the same programs the one-shot calls run
with `python -S -c`, so both ways give the same answer.
"""

import io
import json
import os
import sys
import traceback


def run(code, argv, env):
    """Run one compiled script as `python -c` would: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdout, sys.stderr, dict(os.environ)
    sys.argv, sys.stdout, sys.stderr = ["-c", *argv], out, err
    os.environ.update(env)
    rc = 0
    try:
        exec(code, {"__name__": "__main__"})
    except SystemExit as exc:
        rc = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            err.write(exc.code + "\n")
    except Exception:  # the script's failure is its answer: the agent lives on
        rc = 1
        traceback.print_exc(file=err)
    finally:
        sys.argv, sys.stdout, sys.stderr = saved[:3]
        os.environ.clear()
        os.environ.update(saved[3])
    return rc, out.getvalue(), err.getvalue()


def serve(inp, out):
    scripts = {}
    while True:
        line = inp.readline()
        if not line:
            return  # the channel closed: the connection is gone, so is the agent
        try:
            req = json.loads(line)
            key = req["key"]
        except (ValueError, KeyError, TypeError):
            continue
        if "code" in req:
            scripts[key] = compile(req["code"], "<" + key + ">", "exec")
        if key in scripts:
            rc, stdout, stderr = run(scripts[key], req.get("argv", []), req.get("env") or {})
        else:
            rc, stdout, stderr = 127, "", "the agent does not know script " + key
        reply = {"id": req.get("id"), "rc": rc, "out": stdout, "err": stderr}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    # The replies get their own copy of stdout; fd 1 goes to /dev/null, so a child process
    # a script starts cannot write into the reply stream.
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    serve(sys.stdin, replies)
