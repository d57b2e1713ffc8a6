"""`tui-ft remote check|setup|trust [--host ALIAS]`: get a box ready to be driven."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui_ft.cli.common import CLIError, load_config
from tui_ft.host.profile import DEFAULT_PYTHON


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("remote", help="check, install or trust tui-ft on an SSH box")
    rsub = p.add_subparsers(dest="remote_command", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        # SUPPRESS: without the option here, the global `tui-ft --host X remote ...` stays.
        q.add_argument(
            "--host",
            metavar="ALIAS",
            default=argparse.SUPPRESS,
            help="the box: a ~/.ssh/config alias or 'ssh -p PORT user@host'",
        )
        q.add_argument(
            "--python",
            help="Python on the box (default: hosts.BOX.python, box_python, ..., python3)",
        )

    c = rsub.add_parser("check", help="is tui-ft installed on the box, and which version")
    common(c)
    c.add_argument("--json", action="store_true", help="print the status as JSON")
    c.set_defaults(handler=run_check)

    s = rsub.add_parser(
        "setup", help="install tui-ft on the box next to its torch/LLaMA-Factory (never over them)"
    )
    common(s)
    s.add_argument("--wheel", type=Path, help="copy this wheel over SFTP and install it")
    s.add_argument("--build", action="store_true", help="build a wheel of this tui-ft first")
    s.add_argument("--extras", default="train", help="extras to install (train)")
    s.add_argument("--no-deps", action="store_true", help="install tui-ft alone, nothing else")
    s.add_argument("--venv", metavar="DIR", help="install into this venv on the box (made if new)")
    s.add_argument("--dry-run", action="store_true", help="only show what would run")
    s.set_defaults(handler=run_setup)

    t = rsub.add_parser("trust", help="show the box's host key and save it if you accept it")
    common(t)
    t.add_argument("--fingerprint", help="accept only this SHA256:... fingerprint (scripts)")
    t.set_defaults(handler=run_trust)


def _host(args: argparse.Namespace):
    """The box, its python the `--python` flag or else its profile's (tui_ft.host.profile)."""
    from tui_ft.host import HostError, open_host

    config = load_config()
    spec = getattr(args, "host", None) or config.default_host
    if not spec or spec == "local":
        raise CLIError("which box? pass --host ALIAS or --host 'ssh -p PORT user@host'")
    try:
        return open_host(spec, python=args.python, config=config)
    except HostError as exc:
        raise CLIError(str(exc)) from exc


def _print_status(status) -> None:
    print(f"box:     {status.host}")
    print(f"python:  {status.python} {status.python_version or '(not found)'}")
    print(f"tui-ft:  {status.tui_ft or 'not installed'} (here: {status.local_version})")
    print(
        f"LLaMA-Factory: {'yes' if status.llamafactory else 'no'}   "
        f"torch: {'yes' if status.torch else 'no'}   "
        f"nvidia-smi: {status.nvidia_smi or 'no'}"
    )
    for p in status.problems:
        print(f"  - {p}")


def run_check(args: argparse.Namespace) -> int:
    from tui_ft.remote import probe

    host = _host(args)
    try:
        status = probe(host, host.python)
    finally:
        host.close()
    if args.json:
        print(json.dumps(status.to_dict(), indent=2))
    else:
        _print_status(status)
    return 0 if status.ready else 1


def run_setup(args: argparse.Namespace) -> int:
    from tui_ft.host import HostError
    from tui_ft.remote import install, install_plan, probe

    if args.dry_run:
        if args.python is None and (getattr(args, "host", None) or load_config().default_host):
            host = _host(args)  # the box's profile names its python (may read its config)
            try:
                args.python = host.python
            finally:
                host.close()
        args.python = args.python or DEFAULT_PYTHON
        spec = f"~/.cache/tui-ft/wheels/{args.wheel.name}" if args.wheel else "tui-ft"
        if args.build:
            spec = "~/.cache/tui-ft/wheels/tui_ft-<built here>.whl"
        extras = "" if args.wheel or args.build else args.extras
        print("$ " + " ".join(install_plan(args.python, spec, extras, no_deps=True)))
        if not args.no_deps:
            lacks = "<what the box lacks; its torch/LLaMA-Factory/transformers stay>"
            print(f"$ {args.python} -m pip install -c ~/.cache/tui-ft/keep-constraints.txt {lacks}")
        return 0
    if args.wheel is not None and not args.wheel.is_file():
        raise CLIError(f"--wheel {args.wheel}: no such file")
    host = _host(args)
    try:
        args.python = args.python or host.python
        if args.venv:
            from tui_ft.remote.setup import ensure_venv

            log = lambda s: print(s, file=sys.stderr)  # noqa: E731
            args.python = ensure_venv(host, args.venv, args.python, log)
        before = probe(host, args.python)
        if before.python_version is None:
            _print_status(before)
            return 1
        status = install(
            host,
            python=args.python,
            wheel=args.wheel,
            build=args.build,
            extras=args.extras,
            no_deps=args.no_deps,
            log=lambda s: print(s, file=sys.stderr),
        )
        chosen = args.python != host.profile.python or host.profile.python_source == "flag"
        if status.ready and chosen:  # later commands (remote check, ...) use it too
            from tui_ft import hosts

            hosts.remember(host, python=args.python)
    except HostError as exc:
        raise CLIError(str(exc)) from exc
    finally:
        host.close()
    _print_status(status)
    if status.installed:
        print(f"installed: {', '.join(status.installed)}")
    for line in status.left_alone:
        print(f"left alone: {line}")
    return 0 if status.ready else 1


def run_trust(args: argparse.Namespace) -> int:
    from tui_ft.host.knownhosts import UnknownHostKey
    from tui_ft.host.ssh import SSHHost

    spec = getattr(args, "host", None) or load_config().default_host
    if not spec:
        raise CLIError("which box? pass --host ALIAS")
    try:
        host = SSHHost.from_spec(spec)
    except UnknownHostKey as exc:
        print(
            f"{exc.hostname}:{exc.port} presents a {exc.key_type} key, fingerprint "
            f"{exc.fingerprint}"
        )
        if args.fingerprint:
            if args.fingerprint != exc.fingerprint:
                raise CLIError(f"fingerprint mismatch: expected {args.fingerprint}") from exc
        elif not sys.stdin.isatty() or input("Accept it? [y/N] ").strip().lower() != "y":
            raise CLIError("host key not accepted", 1) from exc
        exc.accept()  # into the ssh config's UserKnownHostsFile, as ssh would
        print("saved to known_hosts")
        return run_trust(args)  # a jump host and the box may each need a yes
    except Exception as exc:
        from tui_ft.host import HostError

        if isinstance(exc, HostError):
            raise CLIError(str(exc)) from exc
        raise
    print(f"{host.describe()} is known (host key {host.host_key.get_name()})")
    host.close()
    return 0
