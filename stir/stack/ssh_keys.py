"""Key material for the loopback sshd: a host key and the one authorized client key."""

from __future__ import annotations

import asyncssh

from stir.stack.layout import Layout


def ensure_keys(layout: Layout) -> None:
    """Create missing keys; existing ones are kept so known clients keep working across restarts."""
    layout.ssh.mkdir(parents=True, exist_ok=True)
    layout.ssh.chmod(0o700)
    if not layout.ssh_host_key.exists():
        asyncssh.generate_private_key("ssh-ed25519", comment="stir-stack-host").write_private_key(
            str(layout.ssh_host_key))
    if not layout.ssh_client_key.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="stir-stack-client")
        key.write_private_key(str(layout.ssh_client_key))
        key.write_public_key(str(layout.ssh_client_key) + ".pub")
    for path in (layout.ssh_host_key, layout.ssh_client_key):
        path.chmod(0o600)
    pub = layout.ssh_client_key.with_name(layout.ssh_client_key.name + ".pub")
    layout.ssh_authorized_keys.write_bytes(pub.read_bytes())
