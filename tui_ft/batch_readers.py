"""The box-side readers of `tui_ft.batch`: one Python program (any python3, the standard
library only) and a plain `sh` fallback that print every fact the run views need, one
line each. Kept apart from the parser so each file has one job.

Lines: R run folder | G size mtime start b64 path (F: the shell's, a tail ends at EOF) |
C done checkpoint | O output folder | A adapter folder | P pid b64(stat) b64(cmdline) |
T runs folder, E is_dir name (its entries) | Z bytes run (sizes) | N missing file |
D fs total used free.
"""

from __future__ import annotations

TAIL = 16384  # bytes of each log's end: tail_records reads 16 KiB, the monitor 8 KiB
WHOLE = ("training_args.yaml", "status.json", "pid", "exit_code")
TAILED = ("launch.log", "output/trainer_log.jsonl", "output/running_log.txt")

# $1: bytes of log tails; $2: "runs" (then $3 is the runs folder) or "dirs" (run folders);
# $3...: folders. One line per fact: R dir | F size mtime b64 path (G: with the start
# offset) | C done path | A adapter folder | P pid b64(stat) b64(cmdline) | D fs total
# used free.
SCRIPT = r"""
n=$1; mode=$2; shift 2
b64() { base64 -w0 2>/dev/null || base64 | tr -d '\n'; }
if [ "$mode" = runs ]; then
  top=$1; shift
  set -- "$top"/*/
fi
for r in "$@"; do
  r=${r%/}
  [ -f "$r/training_args.yaml" ] || continue
  printf 'R %s\n' "$r"
  for f in WHOLE; do
    [ -f "$r/$f" ] || continue
    printf 'F %s %s %s\n' "$(stat -c '%s %.9Y' "$r/$f")" "$(b64 < "$r/$f")" "$r/$f"
  done
  for f in TAILED; do
    [ -f "$r/$f" ] || continue
    printf 'F %s %s %s\n' "$(stat -c '%s %.9Y' "$r/$f")" "$(tail -c "$n" "$r/$f" | b64)" "$r/$f"
  done
  for c in "$r"/output/checkpoint-*; do
    [ -d "$c" ] || continue
    if [ -f "$c/trainer_state.json" ]; then d=1; else d=0; fi
    printf 'C %s %s\n' "$d" "$c"
  done
  p=$(cat "$r/pid" 2>/dev/null)
  case "$p" in ''|*[!0-9]*) ;; *)
    if [ -r "/proc/$p/stat" ]; then
      printf 'P %s %s %s\n' "$p" "$(b64 < "/proc/$p/stat")" "$(b64 < "/proc/$p/cmdline")"
    fi ;;
  esac
done
""".replace("WHOLE", " ".join(WHOLE)).replace("TAILED", " ".join(TAILED))

# Like `find -L root -type f` summed: links followed, each folder walked once.
TREE_BYTES = r"""
def tree_bytes(root):
    total, seen = 0, set()
    for top, subs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(top)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            subs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        for f in files:
            try:
                total += os.stat(os.path.join(top, f)).st_size
            except OSError:
                pass
    return total
"""

# The same facts from one Python process on the box (any python3: nothing of tui-ft is
# needed there): ~15 forks per run made the shell version take 2 s for 60 runs.
PY = (
    r"""
import base64, glob, os, sys
n, mode, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
disk = os.environ.get("SNAPSHOT_DISK")
full = set(os.environ.get("SNAPSHOT_FULL", "").split("\n")) - {""}  # run ids, or -newest
sizes = os.environ.get("SNAPSHOT_SIZES")
TREE_BYTES
out = []
if mode == "runs":
    try:
        names = sorted(os.listdir(args[0]))
    except OSError:
        names = []
    else:  # the runs folder's own listing, for pickers that walk it
        out.append("T " + args[0])
        out += ["E %d %s" % (os.path.isdir(os.path.join(args[0], e)), e) for e in names]
    dirs = [os.path.join(args[0], e) for e in names]
else:
    dirs = args
b64 = lambda data: base64.b64encode(data).decode()
dirs = [r.rstrip("/") for r in dirs if os.path.isfile(r.rstrip("/") + "/training_args.yaml")]
if "-newest" in full and dirs:
    full.add(os.path.basename(dirs[-1]))
for r in dirs:
    out.append("R " + r)
    if sizes:
        out.append("Z %d %s" % (tree_bytes(r), r))
    for f, tail in [(x, False) for x in WHOLE] + [(x, True) for x in TAILED]:
        p = r + "/" + f
        if f.endswith("trainer_log.jsonl") and os.path.basename(r) in full:
            tail = False  # the loss curve of a marked run: the whole log
        try:
            with open(p, "rb") as fh:
                st = os.fstat(fh.fileno())
                start = max(0, st.st_size - n) if tail else 0
                fh.seek(start)
                data = fh.read()
        except OSError:
            continue
        mtime = "%d.%09d" % divmod(st.st_mtime_ns, 10**9)  # whole: as the box's own stat
        out.append("G %d %s %d %s %s" % (st.st_size, mtime, start, b64(data), p))
    for c in sorted(glob.glob(glob.escape(r) + "/output/checkpoint-*")):
        if os.path.isdir(c):
            out.append("C %d %s" % (os.path.isfile(c + "/trainer_state.json"), c))
    if os.path.isdir(r + "/output"):
        out.append("O " + r + "/output")
    for a in [r + "/output"] + sorted(glob.glob(glob.escape(r) + "/output/checkpoint-*")):
        if os.path.isfile(a + "/adapter_config.json"):
            out.append("A " + a)
    try:
        with open(r + "/pid") as fh:
            pid = int(fh.read().strip())
        with open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read()
        with open("/proc/%d/cmdline" % pid, "rb") as fh:
            cmd = fh.read()
        out.append("P %d %s %s" % (pid, b64(stat), b64(cmd)))
    except (OSError, ValueError):
        pass
for p in filter(None, os.environ.get("SNAPSHOT_FILES", "").split("\n")):
    try:  # whole files besides the runs (the watch daemon's state)
        with open(p, "rb") as fh:
            data, ns = fh.read(), os.fstat(fh.fileno()).st_mtime_ns
        out.append("G %d %d.%09d 0 %s %s" % (len(data), *divmod(ns, 10**9), b64(data), p))
    except OSError:
        out.append("N " + p)
if disk:
    p = disk
    while not os.path.exists(p) and p not in ("", "/"):
        p = os.path.dirname(p)
    v = os.statvfs(p or "/")
    total, free = v.f_blocks * v.f_frsize, v.f_bavail * v.f_frsize
    out.append("D %s %d %d %d" % ("-", total, (v.f_blocks - v.f_bfree) * v.f_frsize, free))
sys.stdout.write("\n".join(out) + "\n")
""".replace("WHOLE", repr(WHOLE))
    .replace("TAILED", repr(TAILED))
    .replace("TREE_BYTES", TREE_BYTES)
)

DF = r"""p=$1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; df -PB1 "$p" | tail -1"""

# Bytes of the runs' folders (the Runs table's size column), in the order given.
SIZES_PY = "import os, sys\n" + TREE_BYTES + "for r in sys.argv[1:]:\n    print(tree_bytes(r), r)\n"
