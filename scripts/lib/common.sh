# shellcheck shell=bash
# Shared functions for scripts/test, scripts/run and .ci/run, which source this file.
#
# Before sourcing, a script may set LLMRING_LOG_PREFIX (for example "test") to label its output.
# Environment variables read here:
#   LLMRING_SKIP_PACKAGE_INSTALL=1  skip the Debian package check and install
#   LLMRING_PG_BINDIR               folder that contains initdb, pg_ctl and postgres

LLMRING_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
LLMRING_PACKAGE_LIST="$LLMRING_REPO_ROOT/scripts/debian-packages.txt"

# Seconds that pg_ctl waits for the server to start or stop.
readonly LLMRING_PG_CTL_TIMEOUT=60

log() {
    printf '[%s] %s\n' "${LLMRING_LOG_PREFIX:-llmring}" "$*"
}

die() {
    printf '[%s] error: %s\n' "${LLMRING_LOG_PREFIX:-llmring}" "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------
# Debian packages

# Install the packages of scripts/debian-packages.txt that dpkg does not list as installed.
# Runs `apt-get update` once, and only when a package is missing.
install_missing_packages() {
    if [[ "${LLMRING_SKIP_PACKAGE_INSTALL:-0}" == 1 ]]; then
        log "skipping the Debian package check (LLMRING_SKIP_PACKAGE_INSTALL=1)"
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "dpkg-query not found, so the package check is skipped. Install the packages in scripts/debian-packages.txt by hand."
        return 0
    fi

    local -a wanted=()
    local line
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%%#*}"
        line="${line//[[:space:]]/}"
        [[ -n "$line" ]] && wanted+=("$line")
    done <"$LLMRING_PACKAGE_LIST"

    local -a missing=()
    local package status
    for package in "${wanted[@]}"; do
        status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
        [[ "$status" == installed ]] || missing+=("$package")
    done

    if ((${#missing[@]} == 0)); then
        log "all ${#wanted[@]} Debian packages are installed"
        return 0
    fi

    local -a as_root=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 ||
            die "missing Debian packages: ${missing[*]}. Install them as root, because sudo was not found."
        as_root=(sudo)
    fi

    log "installing missing Debian packages: ${missing[*]}"
    # `env` sets the variable after sudo, which may reset the environment.
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
        die "apt-get update failed"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" ||
        die "apt-get install failed for: ${missing[*]}"
}

# ---------------------------------------------------------------------------
# Build

# Configure and build the repository with CMake and Ninja.
# Usage: build_project BUILD_DIR BUILD_TYPE, with BUILD_DIR relative to the repository root.
build_project() {
    local build_dir="$1" build_type="$2"

    log "configuring $build_dir ($build_type)"
    (cd "$LLMRING_REPO_ROOT" && cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type") ||
        die "CMake configure failed for $build_dir"

    log "building $build_dir"
    (cd "$LLMRING_REPO_ROOT" && cmake --build "$build_dir" -j"$(nproc)") ||
        die "build failed in $build_dir"
}

# ---------------------------------------------------------------------------
# PostgreSQL server binaries

# Check that FOLDER contains runnable initdb, pg_ctl and postgres binaries.
is_postgres_bindir() {
    local folder="$1" tool
    for tool in initdb pg_ctl postgres; do
        [[ -x "$folder/$tool" && ! -d "$folder/$tool" ]] || return 1
    done
}

# Set PG_BINDIR to the folder of the PostgreSQL server binaries, preferring version 15.
#
# Debian installs them in /usr/lib/postgresql/<major>/bin, outside PATH. The initdb found on
# PATH may be a symbolic link or a shell wrapper, so that fallback resolves the link and
# accepts the folder only if it also contains pg_ctl and postgres.
find_postgres_bindir() {
    local candidate
    local -a candidates=()

    if [[ -n "${LLMRING_PG_BINDIR:-}" ]]; then
        is_postgres_bindir "$LLMRING_PG_BINDIR" ||
            die "LLMRING_PG_BINDIR=$LLMRING_PG_BINDIR does not contain initdb, pg_ctl and postgres"
        PG_BINDIR="$LLMRING_PG_BINDIR"
    else
        candidates+=(/usr/lib/postgresql/15/bin)
        if command -v pg_config >/dev/null 2>&1; then
            candidates+=("$(pg_config --bindir 2>/dev/null || true)")
        fi
        if command -v initdb >/dev/null 2>&1; then
            candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
        fi

        PG_BINDIR=""
        for candidate in "${candidates[@]}"; do
            if [[ -n "$candidate" ]] && is_postgres_bindir "$candidate"; then
                PG_BINDIR="$candidate"
                break
            fi
        done
        [[ -n "$PG_BINDIR" ]] ||
            die "PostgreSQL server binaries not found in: ${candidates[*]}. Install the Debian package postgresql or set LLMRING_PG_BINDIR."
    fi

    local version
    version="$("$PG_BINDIR/postgres" --version 2>/dev/null || true)"
    [[ -n "$version" ]] || die "$PG_BINDIR/postgres --version failed"
    if [[ "$version" != *" 15."* ]]; then
        log "note: found $version in $PG_BINDIR, but the project targets PostgreSQL 15"
    fi
}

# ---------------------------------------------------------------------------
# PostgreSQL clusters
#
# PostgreSQL does not run as root. So when the calling script runs as root, the server tools
# run as the `postgres` system user (created by Debian's postgresql-common), which must own
# the data directory and be able to reach it. Otherwise they run as the calling user.

# Run a command as the user that owns local PostgreSQL clusters.
# The command starts in / because initdb and pg_ctl print a warning when the postgres user
# cannot enter the working directory.
run_as_cluster_owner() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# Create FOLDER if needed and make it a private folder of the cluster owner.
# Usage: prepare_cluster_folder FOLDER WHAT_TO_DO_INSTEAD
# WHAT_TO_DO_INSTEAD completes the error message when the postgres user cannot reach FOLDER.
prepare_cluster_folder() {
    local folder="$1" alternative="$2"

    mkdir -p "$folder"
    if ((EUID == 0)); then
        getent passwd postgres >/dev/null ||
            die "the system user postgres does not exist. Install the Debian package postgresql, or run as a normal user."
        # `test -x` fails when any parent folder is not searchable by the user.
        runuser -u postgres -- test -x "$(dirname "$folder")" ||
            die "the postgres system user cannot reach $folder, because a parent folder is not searchable by other users. Run 'chmod o+x' on the parent folders, or $alternative"
        chown postgres: "$folder"
    fi
    chmod 700 "$folder"
}

# Pick a C.UTF-8 locale when the C library provides one, and plain C otherwise.
cluster_locale() {
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
        echo C.UTF-8
    else
        echo C
    fi
}

# Create a cluster with superuser postgres, UTF8 encoding and trust authentication.
# Usage: init_cluster DATA_DIR LOG_FILE. DATA_DIR must be missing or empty, and its parent
# must be writable by the cluster owner.
init_cluster() {
    local data_dir="$1" log_file="$2"

    log "creating PostgreSQL cluster in $data_dir"
    # Trust authentication lets every user of this machine connect as any role. That is
    # accepted for these local development and test clusters, which listen on 127.0.0.1 only.
    if ! run_as_cluster_owner "$PG_BINDIR/initdb" \
        --pgdata="$data_dir" \
        --username=postgres \
        --encoding=UTF8 \
        --locale="$(cluster_locale)" \
        --auth-local=trust \
        --auth-host=trust \
        --no-instructions >"$log_file" 2>&1; then
        cat "$log_file" >&2
        die "initdb failed for $data_dir"
    fi
}

# Start the cluster in DATA_DIR, listening on 127.0.0.1:PORT only and with no Unix socket.
# Usage: start_cluster DATA_DIR PORT LOG_FILE [SERVER_OPTION...]
# Each SERVER_OPTION is a setting such as fsync=off. LOG_FILE must be writable by the cluster
# owner. Returns non-zero (after printing the end of the server log) when the start fails.
start_cluster() {
    local data_dir="$1" port="$2" log_file="$3"
    shift 3

    local options="-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    local setting
    for setting in "$@"; do
        options+=" -c $setting"
    done

    log "starting PostgreSQL on 127.0.0.1:$port (log: $log_file)"
    if ! run_as_cluster_owner "$PG_BINDIR/pg_ctl" start \
        --pgdata="$data_dir" \
        --log="$log_file" \
        --options="$options" \
        --wait --timeout="$LLMRING_PG_CTL_TIMEOUT" --silent; then
        log "PostgreSQL failed to start. End of $log_file:"
        tail -n 20 "$log_file" >&2 || true
        return 1
    fi
}

# Stop the cluster in DATA_DIR with a fast shutdown, which disconnects open sessions.
stop_cluster() {
    local data_dir="$1"

    log "stopping PostgreSQL ($data_dir)"
    run_as_cluster_owner "$PG_BINDIR/pg_ctl" stop \
        --pgdata="$data_dir" \
        --mode=fast \
        --wait --timeout="$LLMRING_PG_CTL_TIMEOUT" --silent
}

# Check whether a server is running for the cluster in DATA_DIR.
is_cluster_running() {
    local data_dir="$1"
    run_as_cluster_owner "$PG_BINDIR/pg_ctl" status --pgdata="$data_dir" >/dev/null 2>&1
}

# Print the TCP port of the running server of the cluster in DATA_DIR.
# The fourth line of postmaster.pid is the port.
running_cluster_port() {
    local data_dir="$1"
    sed -n 4p "$data_dir/postmaster.pid"
}

# Check whether something accepts TCP connections on 127.0.0.1:PORT.
is_port_in_use() {
    local port="$1"
    # shellcheck disable=SC2016  # $1 expands in the inner shell
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null
}

# Print a TCP port on 127.0.0.1 that nothing listens on.
# The ports come from 20000-32767, below Linux's default ephemeral range (32768-60999).
# Another process may still take the port before the server binds it, so scripts/test retries
# with a new port when the start fails.
pick_free_port() {
    local attempt port
    for ((attempt = 0; attempt < 100; attempt++)); do
        port=$((20000 + RANDOM % 12768))
        if ! is_port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port found on 127.0.0.1 after 100 attempts"
}

# Start a PostgreSQL cluster in a new temporary folder on a free port, for tests and
# tools that may create and drop schemas in it. Sets cluster_folder, cluster_running and
# LLMRING_TEST_DATABASE_URL; the caller stops it with stop_cluster and removes the folder.
# A start can lose its port to another process, so it is tried three times.
start_throwaway_cluster() {
    find_postgres_bindir
    cluster_folder="$(mktemp -d "${TMPDIR:-/tmp}/llmring-test-pg.XXXXXX")"
    prepare_cluster_folder "$cluster_folder" \
        "set TMPDIR to a folder that other users can reach (such as /tmp), or set LLMRING_TEST_DATABASE_URL"
    init_cluster "$cluster_folder/data" "$cluster_folder/initdb.log"

    # Durability settings are off because the cluster is deleted after the run.
    local attempt port
    for ((attempt = 1; attempt <= 3; attempt++)); do
        port="$(pick_free_port)"
        if start_cluster "$cluster_folder/data" "$port" "$cluster_folder/server.log" \
            fsync=off synchronous_commit=off full_page_writes=off; then
            cluster_running=1
            export LLMRING_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
            return 0
        fi
    done
    die "PostgreSQL did not start after 3 attempts"
}

# Stop the cluster of start_throwaway_cluster, if it runs, and delete its folder.
remove_throwaway_cluster() {
    if ((${cluster_running:-0})); then
        stop_cluster "$cluster_folder/data" || log "pg_ctl stop failed. See $cluster_folder/server.log."
        cluster_running=0
    fi
    if [[ -n "${cluster_folder:-}" ]]; then
        log "removing $cluster_folder"
        rm -rf -- "$cluster_folder"
        cluster_folder=""
    fi
}
