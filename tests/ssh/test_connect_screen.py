"""The Connect screen, driven with Pilot against the real sshd."""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterator
from pathlib import Path

from screens.app import TuiFtApp
from tui_ft import __version__
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.host.ssh import SSHHost
from tui_ft.workspace import Workspace


def make_app(root) -> TuiFtApp:
    host = LocalHost()
    ws = Workspace(host, str(root))
    # Start on the Runs area: the environment checks of the default area are not under test.
    return TuiFtApp(config=Config(workspace=str(root)), host=host, workspace=ws, start_mode="runs")


async def _connect_to(app, pilot, spec: str) -> None:
    """`c` opens the Connect screen; the login line is typed in, Enter connects."""
    await pilot.pause()
    await pilot.press("c")
    await pilot.pause()
    assert app.focused is app.screen.query_one("#spec")
    await pilot.press(*spec, "enter")


def _line(sshd) -> str:
    return f"ssh -p {sshd.port} {sshd.user}@127.0.0.1"


async def _settle(app, pilot):
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "connect"])
    await pilot.pause()


async def test_connect_shows_fingerprint_then_switches_the_app_to_the_box(
    ssh_home, sshd, box, tmp_path
):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")  # first contact
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await _connect_to(app, pilot, _line(sshd))
        await _settle(app, pilot)
        screen = app.screen
        assert type(screen).__name__ == "ConnectScreen"
        assert [str(o.prompt) for o in screen.query_one("#aliases").options] == ["box", "jumped"]
        fingerprint = str(screen.query_one("#fingerprint").render())
        assert "SHA256:" in fingerprint and f"[127.0.0.1]:{sshd.port}" in fingerprint
        assert screen.query_one("#hostkey").display and known.read_text() == ""
        # The question has the focus, so its key works at once and the footer shows it.
        assert app.focused is screen.query_one("#hostkey")
        assert screen.active_bindings["a"].binding.description == "Accept and save"
        await pilot.press("a")
        await _settle(app, pilot)
        await pilot.pause()
        assert known.read_text().startswith(f"[127.0.0.1]:{sshd.port} ssh-ed25519 ")
        assert isinstance(app.host, SSHHost)
        assert f"host: {sshd.user}@127.0.0.1:{sshd.port}" in app.sub_title
        assert app.workspace.host is app.host
        # the box's own workspace: its data disk (~/autodl-tmp), not the laptop's path
        assert app.workspace.root == str(box.workspace)
        assert f"workspace: {box.workspace}" in app.sub_title
        assert app.host.run(["echo", "on the box"]).stdout == "on the box\n"
    app.host.close()


async def test_escape_on_the_fingerprint_saves_nothing_and_a_types_into_the_line(
    ssh_home, sshd, tmp_path
):
    known = ssh_home / ".ssh" / "known_hosts"
    known.write_text("")  # first contact
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _connect_to(app, pilot, _line(sshd))
        await _settle(app, pilot)
        screen = app.screen
        prompt = screen.query_one("#hostkey")
        assert prompt.display and app.focused is prompt
        for part in ("#fingerprint", "#accept", "#reject"):  # all on screen at 80x24
            widget = screen.query_one(part)
            corner = widget.region.bottom_right - (1, 1)
            assert screen.get_widget_at(*corner)[0] is widget, f"{part} cut off"
        await pilot.press("question_mark")  # the key help; escape closes it, not the question
        assert screen.query("HelpPanel")
        await pilot.press("escape")
        assert not screen.query("HelpPanel") and prompt.display
        await pilot.press("escape")  # back out of the question: rejected, nothing saved
        await pilot.pause()
        assert not prompt.display and known.read_text() == ""
        assert "Host key not accepted" in str(screen.query_one("#status").render())
        assert app.screen is screen and app.focused is screen.query_one("#spec")
        await pilot.press("end", "a")  # in the login line a letter types; it accepts nothing
        assert screen.query_one("#spec").value == _line(sshd) + "a"
        await pilot.press("escape")  # back again: the screen closes, the host stays local
        await pilot.pause()
        assert known.read_text() == "" and app.screen is not screen
        assert isinstance(app.host, LocalHost) and "host: local" in app.sub_title


async def test_escape_on_a_passphrase_goes_back_to_the_line_and_enter_asks_again(
    ssh_home, sshd, box, tmp_path
):
    """Escape on the passphrase question gives none (one step back, the dialog stays);
    Enter on the login line asks again, and the right passphrase connects."""
    from tests.apps import until
    from tests.ssh.sshd import keygen

    locked = keygen(tmp_path / "locked", passphrase="s3cret phrase")
    original = box.authorized_keys.read_text()
    box.authorized_keys.write_text(original + Path(f"{locked}.pub").read_text())
    app = make_app(tmp_path / "ws")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await _connect_to(app, pilot, f"ssh -i {locked} -p {sshd.port} {sshd.user}@127.0.0.1")
            screen = app.screen
            secret = screen.query_one("#secret")
            await until(pilot, lambda: app.focused is secret, "the passphrase question")
            assert f"Passphrase for {locked}" in str(screen.query_one("#secret-prompt").render())
            await pilot.press(*"wrong", "escape")  # typed, then taken back: nothing is sent
            # Without the key the box's sshd may offer a password login: Escape again.
            box_shown = screen.query_one("#secret-box")
            connecting = [w for w in app.workers if w.group == "connect"]
            await until(pilot, lambda: box_shown.display or all(w.is_finished for w in connecting),
                        "the password question or the failure")  # fmt: skip
            if box_shown.display:
                assert "assword" in str(screen.query_one("#secret-prompt").render())
                await pilot.press("escape")
            await _settle(app, pilot)
            assert app.screen is screen and not box_shown.display
            assert app.focused is screen.query_one("#spec") and secret.value == ""
            assert "authentication failed" in str(screen.query_one("#status").render())
            assert isinstance(app.host, LocalHost)
            await pilot.press("enter")  # the same line again: the question comes back
            await until(pilot, lambda: app.focused is secret, "the question, asked again")
            await pilot.press(*"s3cret phrase", "enter")
            await _settle(app, pilot)
            await until(pilot, lambda: isinstance(app.host, SSHHost), "the connection")
            assert app.screen is not screen
    finally:
        box.authorized_keys.write_text(original)
        app.host.close()


async def test_connect_reports_a_bad_line_and_cancel_keeps_the_host(ssh_home, tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await _connect_to(app, pilot, "ssh -p notaport root@x")
        await _settle(app, pilot)
        screen = app.screen
        assert "bad port 'notaport'" in str(screen.query_one("#status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.host, LocalHost) and "host: local" in app.sub_title


@contextlib.contextmanager
def fresh_box_venv(ssh_host, sshd, name: str) -> Iterator[str]:
    """A venv on the box without tui-ft (what a box gets from `python3 -m venv`): yields
    its python, removes it afterwards."""
    venv = posixpath.join(ssh_host.home(), ".cache", "tui-ft-test", f"{name}-{sshd.port}")
    ssh_host.run(["rm", "-rf", venv])
    assert ssh_host.run(["python3", "-m", "venv", venv], timeout=300).ok
    try:
        yield posixpath.join(venv, "bin", "python")
    finally:
        ssh_host.run(["rm", "-rf", venv])


def box_version(ssh_host, python: str) -> str:
    res = ssh_host.run([python, "-c", "import tui_ft; print(tui_ft.__version__)"])
    return res.stdout.strip() if res.ok else "none"


async def _until(pilot, check, seconds: float) -> None:
    for _ in range(int(seconds / 0.2)):
        await pilot.pause()
        if check():
            return
        await pilot.pause(0.2)
    raise AssertionError("timed out waiting")


@contextlib.asynccontextmanager
async def setup_offered(sshd, ssh_host, tmp_path, name: str, size: tuple[int, int]):
    """The app, from its Connect screen, reaching a box whose `box_python` (a fresh venv)
    has no tui-ft, up to the set-up offer: yields (app, pilot, that python)."""
    with fresh_box_venv(ssh_host, sshd, name) as python:
        app = make_app(tmp_path)
        app.config.box_python = python
        async with app.run_test(size=size) as pilot:
            await _connect_to(app, pilot, _line(sshd))
            await _until(pilot, lambda: type(app.screen).__name__ == "SetupOffer", 60)
            yield app, pilot, python
        app.host.close()


async def test_a_box_without_tui_ft_is_offered_setup_and_n_connects_without(
    ssh_home, sshd, ssh_host, tmp_path
):
    async with setup_offered(sshd, ssh_host, tmp_path, "venv-n", (80, 24)) as (app, pilot, python):
        why = str(app.screen.query_one("#setup-why").render())
        assert f"tui-ft is not installed for {python}" in why
        assert app.screen.active_bindings["y"].binding.description == "Set up"
        await pilot.press("question_mark")  # the offer's keys, listed; escape closes the list
        await _until(pilot, lambda: bool(app.screen.query("HelpPanel")), 10)
        await pilot.press("escape")
        await _until(pilot, lambda: not app.screen.query("HelpPanel"), 10)
        assert type(app.screen).__name__ == "SetupOffer"
        await pilot.press("n")
        await _until(pilot, lambda: isinstance(app.host, SSHHost), 30)
        assert type(app.screen).__name__ == "RunsScreen"
        assert box_version(ssh_host, python) == "none"  # nothing was installed


async def test_setup_from_the_offer_installs_this_version_then_connects(
    ssh_home, sshd, ssh_host, tmp_path
):
    """Heavy (builds a wheel, pip on the box): run it under `flock /tmp/tui-ft-heavy.lock`."""
    from textual.widgets import Log, ProgressBar

    async with setup_offered(sshd, ssh_host, tmp_path, "venv-y", (120, 40)) as (app, pilot, python):
        offer = app.screen
        seen: list[str] = []
        bar = offer.query_one("#setup-progress", ProgressBar)
        log = offer.query_one("#setup-log", Log)
        await pilot.press("shift+tab")  # to the extras: none (the base install is enough)
        assert app.focused.id == "setup-extras"
        await pilot.press("end", *["backspace"] * 5, "enter")
        progress: list[float] = []

        def done() -> bool:
            if app.screen is offer:
                seen[:] = list(log.lines)
                progress.append(bar.progress)
            return isinstance(app.host, SSHHost)

        await _until(pilot, done, 900)
        assert any(line.startswith("building a wheel") for line in seen)
        assert any(line.startswith("copying tui_ft-") for line in seen)
        assert any("--no-deps" in line for line in seen)
        assert 0 < max(progress) <= 5 and sorted(progress) == progress  # it moved forward
        assert box_version(ssh_host, python) == __version__
        assert any(f"tui-ft {__version__} installed" in n.message for n in app._notifications)


async def test_an_app_opened_on_a_box_without_tui_ft_offers_setup_too(sshd, ssh_host, tmp_path):
    """`tui-ft --host BOX`: no Connect screen, the same offer once the first area is up."""
    with fresh_box_venv(ssh_host, sshd, "venv-host") as python:
        ssh_host.python = python
        app = TuiFtApp(config=Config(), host=ssh_host,
                       workspace=Workspace(ssh_host, str(tmp_path)), start_mode="runs")  # fmt: skip
        async with app.run_test(size=(80, 24)) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "SetupOffer", 60)
            assert f"not installed for {python}" in str(app.screen.query_one("#setup-why").render())
            await pilot.press("escape")  # the same as n: carry on without
            await _until(pilot, lambda: type(app.screen).__name__ == "RunsScreen", 30)
            assert app.host is ssh_host
