#!/usr/bin/env bash
# Installs, with apt, the Debian 12 packages airan builds with; does nothing when they are all present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config # toolchain
  doctest-dev                                         # unit tests
  libbenchmark-dev                                    # benchmark executables
  libcli11-dev                                        # command-line parsing of the airan tool
  nlohmann-json3-dev                                  # JSON reports
  libfftw3-dev                                        # CPU FFT (OFDM)
  libhdf5-dev                                         # test vectors
  libyaml-cpp-dev                                     # simulation scenarios (YAML)
  python3-matplotlib                                  # sweep plots (tools/scripts/plot_sweep.py)
  libpcap-dev                                         # fronthaul captures (pcap source and sink)
  libboost-dev                                        # Boost.Asio UDP sockets of the fronthaul (header-only)
  tshark                                              # test: the parser against Wireshark's O-RAN dissector
  libdpdk-dev                                         # fronthaul DPDK port (optional)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
