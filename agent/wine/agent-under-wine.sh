#!/usr/bin/env bash
# The win-x64 native agent (NORSJO_WIN_AGENT, an .exe) run under Wine in place of the Linux file:
# `./norsjo native-agent-win --under-wine` names this script in NORSJO_NATIVE_AGENT, so the tests that run the
# native agent (kill -9, outage) start the Windows build instead. exec keeps the process id, so a test's kill -9
# reaches the agent itself.
# One change to the arguments: a hub addressed as https://127.0.0.1:… is addressed as https://localhost:… (the
# same certificate names both): under Wine 8 the TLS check of an IP address fails after the handshake
# (Win32Exception 0x80090302, SEC_E_UNSUPPORTED_FUNCTION); by name it passes. Windows itself is not asked here.
set -euo pipefail
: "${NORSJO_WIN_AGENT:?the .exe to run (./norsjo native-agent-win prints it)}"
export WINEDEBUG=${WINEDEBUG:--all}
args=()
for arg in "$@"; do args+=("${arg/https:\/\/127.0.0.1:/https://localhost:}"); done
exec /usr/lib/wine/wine64 "$NORSJO_WIN_AGENT" "${args[@]}"
