#!/usr/bin/env bash
# Installs the services the faasguard-runtime tests start for themselves: redis-server (Debian
# package; its build supports TLS, which the Redis TLS tests use). The tests start their own
# redis-server and moto server on free ports on 127.0.0.1, so nothing is started here.
# moto[server], redis, boto3 and cryptography are Python packages from the [test] extra.
#
# Safe to run (`bash .ci/services.sh`) or source (`. .ci/services.sh`): it sets no shell options
# and defines no variables in the caller's shell beyond one function.

faasguard_install_services() {
    if command -v redis-server >/dev/null 2>&1; then
        echo "services: $(redis-server --version)"
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "services: redis-server is missing and neither root nor sudo is available" >&2
            return 1
        fi
        sudo="sudo"
    fi
    echo "services: installing redis-server"
    $sudo apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        redis-server >/dev/null || return 1
    # The package may start a system redis on 6379 where an init system exists; the tests do not
    # use it (they pick free ports), so it is left alone.
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "services: redis-server still missing after apt-get install" >&2
        return 1
    fi
    echo "services: $(redis-server --version)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    faasguard_install_services
    exit $?
else
    faasguard_install_services
fi
