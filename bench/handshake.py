#!/usr/bin/env python3
"""Start + go-plugin handshake time of two provider binaries, alternated in one run.

usage: handshake.py OURS PEER [N]

Each run starts the binary as terraform does (magic cookie, PLUGIN_CLIENT_CERT, protocol versions)
and stops the clock when the handshake line (`1|6|tcp|...|grpc|...`) is read. Prints medians and
the ratio ours / peer. A figure, never a pass/fail: machines here are noisy.
"""
import os
import statistics
import subprocess
import sys
import time

COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
# A throw-away self-signed P-521 certificate (public part only), standing in for terraform's.
CLIENT_CERT = """-----BEGIN CERTIFICATE-----
MIICLzCCAZCgAwIBAgIUYaVZV4A+jzCmu0dOZK8MbDE0wLswCgYIKoZIzj0EAwIw
KDESMBAGA1UECgwJSGFzaGlDb3JwMRIwEAYDVQQDDAlsb2NhbGhvc3QwIBcNMjYx
MTIzMDgzNjMyWhgPMjEyNjEwMzAwODM2MzJaMCgxEjAQBgNVBAoMCUhhc2hpQ29y
cDESMBAGA1UEAwwJbG9jYWxob3N0MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQA
/Hf1u2H+ouH4iDLmE5Lx6INkdldrCHQHJqqMSc0S13NXC4Am+HU80MqdgvHpDQ13
Kyl/OQ8t+R7S0ROGJnZDjXoBzqGolzFT7Z7wMwzWairNhlEIlKU2yQkKKTCB3BTK
Is4igUM03H2hhGhypGu+RW8SWtJ6N+bS2uMRyA3iykZxWa6jUzBRMB0GA1UdDgQW
BBTtW3XfoEsdubf8CUZSSitHVZxb1zAfBgNVHSMEGDAWgBTtW3XfoEsdubf8CUZS
SitHVZxb1zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA4GMADCBiAJCAOww
zwKAvMg6DP2cCcGXatkoad1sGUzP6qpiJT7TOMdJa2mGG4aWbTuxItLFwk8xyGhI
C8ySfJl4NjsIPdmwraLEAkIBBScj8FykmMdmkyOMgW4T+UaXygezUZ/lk7OhG/qH
l1W1QpTRkcKGJRCVf+KHXZIQ5zZER+Kd+7B0tj3I2XSE00U=
-----END CERTIFICATE-----"""


def handshake(binary, protocols):
    env = dict(os.environ, TF_PLUGIN_MAGIC_COOKIE=COOKIE, PLUGIN_CLIENT_CERT=CLIENT_CERT,
               PLUGIN_PROTOCOL_VERSIONS=protocols, PLUGIN_MIN_PORT="10000", PLUGIN_MAX_PORT="25000")
    start = time.perf_counter()
    p = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    elapsed = time.perf_counter() - start
    p.kill()
    p.wait()
    if not line.startswith(b"1|"):
        sys.exit(f"{binary}: no handshake line, got {line!r}")
    return elapsed


def main():
    ours, peer = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    a, b = [], []
    for _ in range(n):
        a.append(handshake(ours, "6"))
        b.append(handshake(peer, "5"))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"handshake  ours {ma*1000:.2f} ms   peer {mb*1000:.2f} ms   ratio {ma/mb:.2f}x   (median of {n}, alternated)")


if __name__ == "__main__":
    main()
