"""The SSH fixtures (a box user behind a real sshd) for the daemon-on-the-box test."""

from tests.ssh.conftest import box, box_tmp, ssh_home, ssh_keys, sshd  # noqa: F401
