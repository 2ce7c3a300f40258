# shellcheck shell=bash
#
# tools/infra/lib.sh — private PostgreSQL and Redis instances on 127.0.0.1 for the local stack
# (tools/run-local.sh) and the test run (tools/test.sh) when no Docker engine answers.
#
# Source it; it is safe under `set -euo pipefail` and changes no shell options. Every function
# reports failures by its return status (with a message on stderr), so callers may use it with
# `set -e` or with `|| ...`. Messages go to stderr (and are appended to $VT_LOG_FILE when set);
# only vt_pg_create_service_db writes to stdout (the connection string).
#
# Public functions:
#   vt_docker_available                  0 when `docker info` answers within a few seconds
#   vt_ensure_servers_installed          apt-get install postgresql / redis-server when missing
#   vt_pg_start NAME PORT                start (initdb on first use) PostgreSQL; exports VT_PG_ADMIN
#   vt_pg_create_service_db PORT SERVICE role + database SERVICE; echoes its connection string
#   vt_pg_stop NAME                      fast shutdown (idempotent)
#   vt_pg_destroy NAME                   stop and delete the cluster and its saved passwords
#   vt_redis_start NAME PORT             start redis-server without persistence; exports VT_REDIS
#   vt_redis_stop NAME                   stop it (idempotent)
#   vt_uuid                              print a random UUID
#
# State for NAME lives in $VT_LOCAL_DIR/NAME (default: <repo>/.local/NAME, git-ignored):
#   pg-root                 path of the PostgreSQL root folder (owned by the unprivileged user):
#                           .local/NAME/pg, or a private `mktemp -d` folder under /tmp when the
#                           unprivileged user cannot reach .local/NAME (e.g. a clone under /root)
#                           or the path is too long for a unix socket; it holds data/ (the data
#                           directory, also the unix socket directory) and postgres.log
#   pg-port                 the port of the last vt_pg_start
#   pg-admin.password       password of the superuser role vt_admin (mode 600)
#   pg-svc-SERVICE.password password of the service role SERVICE (mode 600)
#   redis.pid redis.log redis.port
#
# Environment knobs:
#   VT_PG_FAST=1     fsync/synchronous_commit/full_page_writes off (tests only: not crash safe)
#   VT_PG_SETTINGS   more postgresql.conf lines, separated by ';' (benchmarks: a server's tuning)
#   VT_NO_DOCKER=1   make vt_docker_available report "no Docker engine"
#   VT_PG_OS_USER    OS user to run PostgreSQL as when root (default: postgres, else vtinfra)
#   VT_LOCAL_DIR     state root (default: <repo>/.local)
#   VT_LOG_FILE      also append messages to this file

if [[ -n ${_VT_INFRA_LIB_LOADED:-} ]]; then
  return 0
fi
_VT_INFRA_LIB_LOADED=1

VT_REPO_ROOT=${VT_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}
VT_LOCAL_DIR=${VT_LOCAL_DIR:-$VT_REPO_ROOT/.local}

# Longest unix socket path the kernel accepts is 107 bytes; keep a margin.
_VT_MAX_SOCKET_PATH=100

# ---------------------------------------------------------------------------------------------
# helpers

_vt_log() {
  printf '[infra] %s\n' "$*" >&2
  if [[ -n ${VT_LOG_FILE:-} ]]; then
    printf '[infra] %s\n' "$*" >>"$VT_LOG_FILE" 2>/dev/null || true
  fi
}

_vt_err() {
  _vt_log "ERROR: $*"
}

_vt_is_root() {
  [[ $(id -u) -eq 0 ]]
}

# Run a command as root (directly, or through passwordless sudo).
_vt_as_root() {
  if _vt_is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    _vt_err "root privileges needed for: $* (run as root or configure passwordless sudo)"
    return 1
  fi
}

_vt_runuser() {
  if command -v runuser >/dev/null 2>&1; then
    runuser "$@"
  else
    /usr/sbin/runuser "$@"
  fi
}

# Run a command as OS user $1 (root: via runuser; otherwise we are that user already), from /
# so that an unreachable working directory does not matter.
_vt_as_user() {
  local user=$1
  shift
  if _vt_is_root && [[ $user != root ]]; then
    (cd / && _vt_runuser -u "$user" -- "$@")
  else
    (cd / && "$@")
  fi
}

# Write stdin to file $2 as OS user $1 (so the file belongs to that user).
_vt_write_as_user() {
  local user=$1 file=$2
  _vt_as_user "$user" tee "$file" >/dev/null
}

_vt_valid_name() {
  if [[ ! $1 =~ ^[a-z][a-z0-9_-]{0,30}$ ]]; then
    _vt_err "invalid instance name '$1' (lower-case letters, digits, - and _)"
    return 1
  fi
}

_vt_valid_port() {
  if [[ ! $1 =~ ^[0-9]{1,5}$ ]] || (($1 < 1024 || $1 > 65535)); then
    _vt_err "invalid port '$1' (1024-65535)"
    return 1
  fi
}

# 0 when something accepts TCP connections on 127.0.0.1:$1.
_vt_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# 32 random alphanumeric characters (no quoting needed in SQL, URLs or connection strings).
_vt_random_password() {
  local pw
  pw=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-32)
  if [[ ${#pw} -ne 32 ]]; then
    _vt_err "could not generate a random password"
    return 1
  fi
  printf '%s\n' "$pw"
}

# Read password file $1, creating it (mode 600) with a fresh random password when missing.
_vt_password_file() {
  local file=$1 pw
  if [[ -s $file ]]; then
    pw=$(<"$file")
    if [[ $pw =~ ^[A-Za-z0-9]{16,}$ ]]; then
      printf '%s\n' "$pw"
      return 0
    fi
    _vt_log "ignoring malformed password file $file"
  fi
  pw=$(_vt_random_password) || return 1
  (umask 077 && printf '%s\n' "$pw" >"$file") || {
    _vt_err "cannot write $file"
    return 1
  }
  printf '%s\n' "$pw"
}

_vt_state_dir() {
  printf '%s/%s\n' "$VT_LOCAL_DIR" "$1"
}

_vt_ensure_state_dir() {
  local state
  state=$(_vt_state_dir "$1")
  mkdir -p "$state" || {
    _vt_err "cannot create $state"
    return 1
  }
  # Traversable (not readable) for the unprivileged PostgreSQL user; the secrets inside are 600.
  chmod 711 "$state" 2>/dev/null || true
  if [[ -O $VT_LOCAL_DIR ]]; then
    chmod go+x "$VT_LOCAL_DIR" 2>/dev/null || true
  fi
  printf '%s\n' "$state"
}

# Print a random UUID.
vt_uuid() {
  if [[ -r /proc/sys/kernel/random/uuid ]]; then
    cat /proc/sys/kernel/random/uuid
  elif command -v uuidgen >/dev/null 2>&1; then
    uuidgen | tr 'A-F' 'a-f'
  else
    python3 -c 'import uuid; print(uuid.uuid4())'
  fi
}

# ---------------------------------------------------------------------------------------------
# Docker and packages

vt_docker_available() {
  if [[ ${VT_NO_DOCKER:-0} == 1 ]]; then
    return 1
  fi
  command -v docker >/dev/null 2>&1 || return 1
  if command -v timeout >/dev/null 2>&1; then
    timeout -k 2 5 docker info >/dev/null 2>&1
  else
    docker info >/dev/null 2>&1
  fi
}

# Highest-version PostgreSQL bin directory (Debian layout /usr/lib/postgresql/<v>/bin).
_vt_find_pg_bin() {
  local d best
  if [[ -n ${VT_PG_BIN:-} && -x ${VT_PG_BIN}/initdb && -x ${VT_PG_BIN}/pg_ctl ]]; then
    printf '%s\n' "$VT_PG_BIN"
    return 0
  fi
  best=$(
    for d in /usr/lib/postgresql/*/bin; do
      if [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres && -x $d/psql ]]; then
        printf '%s\n' "$d"
      fi
    done | sort -V | tail -n 1
  )
  [[ -n $best ]] || return 1
  printf '%s\n' "$best"
}

# The bin directory for major version $1, falling back to the highest version installed.
_vt_pg_bin_for_version() {
  local v=$1
  if [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]]; then
    printf '%s\n' "/usr/lib/postgresql/$v/bin"
  else
    _vt_find_pg_bin
  fi
}

vt_ensure_servers_installed() {
  local -a need=()
  _vt_find_pg_bin >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  if ((${#need[@]})); then
    if ! command -v apt-get >/dev/null 2>&1; then
      _vt_err "missing ${need[*]} and no apt-get: install them with your package manager"
      return 1
    fi
    _vt_log "installing ${need[*]} from the OS package manager (apt-get)"
    _vt_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || {
      _vt_err "apt-get update failed"
      return 1
    }
    _vt_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 || {
      _vt_err "apt-get install ${need[*]} failed"
      return 1
    }
  fi
  VT_PG_BIN=$(_vt_find_pg_bin) || {
    _vt_err "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
    return 1
  }
  export VT_PG_BIN
  command -v redis-server >/dev/null 2>&1 || {
    _vt_err "redis-server not found on PATH"
    return 1
  }
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

# OS user that runs PostgreSQL (it refuses to run as root).
_vt_pg_os_user() {
  if ! _vt_is_root; then
    id -un
    return 0
  fi
  if [[ -n ${VT_PG_OS_USER:-} ]]; then
    id -u "$VT_PG_OS_USER" >/dev/null 2>&1 || {
      _vt_err "VT_PG_OS_USER=$VT_PG_OS_USER does not exist"
      return 1
    }
    printf '%s\n' "$VT_PG_OS_USER"
    return 0
  fi
  if id -u postgres >/dev/null 2>&1; then
    printf '%s\n' postgres
    return 0
  fi
  if ! id -u vtinfra >/dev/null 2>&1; then
    _vt_log "creating system user vtinfra to run PostgreSQL"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vtinfra >&2 || {
      _vt_err "cannot create system user vtinfra"
      return 1
    }
  fi
  printf '%s\n' vtinfra
}

# The recorded PostgreSQL root folder of NAME (empty when none).
_vt_pg_root_of() {
  local file
  file="$(_vt_state_dir "$1")/pg-root"
  if [[ -s $file ]]; then
    head -n 1 "$file"
  fi
}

# Is $1 a root folder we may use: a real directory (not a symlink) owned by OS user $2?
_vt_pg_root_trusted() {
  local root=$1 user=$2
  [[ -d $root && ! -L $root && $(stat -c %U "$root" 2>/dev/null) == "$user" ]]
}

# Owner of the data directory below root $1.
_vt_pg_owner() {
  stat -c %U "$1/data" 2>/dev/null
}

# Create a fresh root folder for NAME owned by USER: .local/NAME/pg when USER can reach it and
# the socket path fits, else a private mktemp -d folder under /tmp.
_vt_pg_new_root() {
  local name=$1 user=$2 state candidate tmp
  state=$(_vt_state_dir "$name")
  candidate=$state/pg
  # "/data/.s.PGSQL.65535" adds 20 characters to the socket path.
  if ((${#candidate} + 20 <= _VT_MAX_SOCKET_PATH)) &&
    _vt_as_user "$user" test -x "$state" 2>/dev/null; then
    if [[ -e $candidate/data/PG_VERSION ]]; then
      _vt_err "$candidate holds a cluster that OS user $user does not own; delete it or set VT_PG_OS_USER"
      return 1
    fi
    if [[ -e $candidate ]]; then
      rm -rf -- "$candidate" || return 1
    fi
    if mkdir -m 700 "$candidate" 2>/dev/null &&
      { [[ $user == "$(id -un)" ]] || chown "$user:" "$candidate" 2>/dev/null; } &&
      [[ $(stat -c %U "$candidate") == "$user" ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
    rm -rf -- "$candidate" 2>/dev/null || true
  fi
  _vt_log "OS user $user cannot use $state (not traversable, unsupported file system or socket path too long); using a private folder under /tmp"
  tmp=$(mktemp -d "/tmp/vt-pg-$name.XXXXXXXX") || {
    _vt_err "mktemp -d under /tmp failed"
    return 1
  }
  chmod 700 "$tmp"
  if [[ $user != "$(id -un)" ]]; then
    chown "$user:" "$tmp" || {
      _vt_err "cannot chown $tmp to $user"
      rm -rf -- "$tmp"
      return 1
    }
  fi
  printf '%s\n' "$tmp"
}

_vt_pg_initdb() {
  local bin=$1 root=$2 user=$3 locale=C out
  local -a extra=()
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale=C.UTF-8
  fi
  if [[ ${VT_PG_FAST:-0} == 1 ]]; then
    extra+=(--no-sync)
  fi
  _vt_log "initdb $root/data (UTF8, locale $locale, superuser vt_admin, run as $user)"
  out=$(_vt_as_user "$user" "$bin/initdb" -D "$root/data" -U vt_admin --auth=trust \
    --encoding=UTF8 --locale="$locale" "${extra[@]}" 2>&1) || {
    _vt_err "initdb failed:"
    printf '%s\n' "$out" >&2
    return 1
  }
  # Only the owner of the data directory reaches the socket (directory mode 700 and
  # unix_socket_permissions 0700), so trusting local connections trusts just that OS user.
  printf '%s\n' \
    '# Managed by tools/infra/lib.sh' \
    '# TYPE  DATABASE  USER  ADDRESS        METHOD' \
    'local   all       all                  trust' \
    'host    all       all   127.0.0.1/32   scram-sha-256' |
    _vt_write_as_user "$user" "$root/data/pg_hba.conf" || return 1
  printf '%s\n' '' '# Settings of tools/infra/lib.sh (rewritten on every start)' "include 'vt.conf'" |
    _vt_as_user "$user" tee -a "$root/data/postgresql.conf" >/dev/null || return 1
}

# (Re)write data/vt.conf for this start.
_vt_pg_write_conf() {
  local root=$1 user=$2 port=$3 sockdir
  sockdir=${root//\'/\'\'}/data
  {
    printf '%s\n' \
      '# Managed by tools/infra/lib.sh: rewritten on every vt_pg_start.' \
      "listen_addresses = '127.0.0.1'" \
      "port = $port" \
      "unix_socket_directories = '$sockdir'" \
      'unix_socket_permissions = 0700' \
      'max_connections = 400' \
      'shared_buffers = 128MB' \
      "password_encryption = 'scram-sha-256'" \
      "timezone = 'UTC'" \
      "log_timezone = 'UTC'"
    if [[ ${VT_PG_FAST:-0} == 1 ]]; then
      printf '%s\n' \
        '# VT_PG_FAST=1: for throwaway test clusters only (not crash safe)' \
        'fsync = off' \
        'synchronous_commit = off' \
        'full_page_writes = off'
    fi
    if [[ -n ${VT_PG_SETTINGS:-} ]]; then
      printf '%s\n' '# VT_PG_SETTINGS'
      tr ';' '\n' <<<"$VT_PG_SETTINGS" | sed 's/^ *//'
    fi
  } | _vt_write_as_user "$user" "$root/data/vt.conf"
}

# psql as the data directory's owner over the private unix socket; SQL on stdin.
# Usage: _vt_pg_psql ROOT PORT DB [psql args...]
_vt_pg_psql() {
  local root=$1 port=$2 db=$3 bin user ver
  shift 3
  ver=$(<"$root/data/PG_VERSION")
  bin=$(_vt_pg_bin_for_version "$ver") || return 1
  user=$(_vt_pg_owner "$root") || return 1
  _vt_as_user "$user" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$root/data" -p "$port" \
    -U vt_admin -d "$db" "$@"
}

# 0 when the cluster in ROOT is running; prints its port.
_vt_pg_running_port() {
  local root=$1 bin user ver
  [[ -f $root/data/postmaster.pid ]] || return 1
  ver=$(<"$root/data/PG_VERSION")
  bin=$(_vt_pg_bin_for_version "$ver") || return 1
  user=$(_vt_pg_owner "$root") || return 1
  _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" status >/dev/null 2>&1 || return 1
  sed -n 4p "$root/data/postmaster.pid"
}

_vt_pg_wait_ready() {
  local bin=$1 port=$2 i
  for ((i = 0; i < 120; i++)); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1 >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.25
  done
  _vt_err "PostgreSQL on 127.0.0.1:$port not ready after 30 s"
  return 1
}

vt_pg_start() {
  local name=${1:-} port=${2:-}
  local state root user bin ver running_port pw
  if [[ -z $name || -z $port ]]; then
    _vt_err "usage: vt_pg_start NAME PORT"
    return 1
  fi
  _vt_valid_name "$name" || return 1
  _vt_valid_port "$port" || return 1
  bin=$(_vt_find_pg_bin) || {
    _vt_err "PostgreSQL server binaries not found (run vt_ensure_servers_installed)"
    return 1
  }
  user=$(_vt_pg_os_user) || return 1
  state=$(_vt_ensure_state_dir "$name") || return 1

  root=$(_vt_pg_root_of "$name")
  if [[ -n $root ]] && ! _vt_pg_root_trusted "$root" "$user"; then
    _vt_log "not reusing $root (missing, or not a directory owned by $user)"
    root=
  fi
  if [[ -n $root && -f $root/data/PG_VERSION ]]; then
    ver=$(<"$root/data/PG_VERSION")
    if [[ ! -x /usr/lib/postgresql/$ver/bin/pg_ctl && $(basename "$(dirname "$bin")") != "$ver" ]]; then
      _vt_err "$root/data is a PostgreSQL $ver cluster but only $bin is installed; delete $state to start afresh"
      return 1
    fi
    bin=$(_vt_pg_bin_for_version "$ver") || return 1
    _vt_log "reusing PostgreSQL $ver cluster $root/data"
  else
    if [[ -n $root && $root == "$state/pg" ]]; then
      rm -rf -- "$root"
    elif [[ -n $root && $root == /tmp/vt-pg-"$name".* ]]; then
      rm -rf -- "$root"
    fi
    if ! _vt_pg_running_port "${root:-/nonexistent}" >/dev/null 2>&1 && _vt_port_in_use "$port"; then
      _vt_err "port 127.0.0.1:$port is already in use by another process"
      return 1
    fi
    root=$(_vt_pg_new_root "$name" "$user") || return 1
    printf '%s\n' "$root" >"$state/pg-root" || return 1
    _vt_pg_initdb "$bin" "$root" "$user" || return 1
  fi
  _vt_pg_write_conf "$root" "$user" "$port" || return 1

  if running_port=$(_vt_pg_running_port "$root"); then
    if [[ $running_port == "$port" ]]; then
      _vt_log "PostgreSQL $name already running on 127.0.0.1:$port; reloading its settings"
      _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" -s reload >&2 || return 1
    else
      _vt_log "PostgreSQL $name runs on port $running_port; restarting it on $port"
      _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" -m fast -w -t 60 -s stop >&2 || return 1
      running_port=
    fi
  fi
  if [[ -z $running_port || $running_port != "$port" ]]; then
    if _vt_port_in_use "$port"; then
      _vt_err "port 127.0.0.1:$port is already in use by another process"
      return 1
    fi
    _vt_log "starting PostgreSQL $name on 127.0.0.1:$port (as $user; log $root/postgres.log)"
    if ! _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -t 60 -s start >&2; then
      _vt_err "PostgreSQL $name did not start; last lines of $root/postgres.log:"
      tail -n 30 "$root/postgres.log" >&2 2>/dev/null || true
      return 1
    fi
  fi
  _vt_pg_wait_ready "$bin" "$port" || return 1
  printf '%s\n' "$port" >"$state/pg-port"

  # (Re)set the admin password from the saved file: fresh clusters get one, reused clusters keep
  # theirs, and a lost password file heals itself.
  pw=$(_vt_password_file "$state/pg-admin.password") || return 1
  # Values go in on stdin (\set), not as arguments, so they never show up in `ps`.
  {
    printf '\\set pw %s\n' "$pw"
    cat <<'SQL'
ALTER ROLE vt_admin WITH PASSWORD :'pw';
SQL
  } | _vt_pg_psql "$root" "$port" postgres >/dev/null || {
    _vt_err "cannot set the vt_admin password"
    return 1
  }
  export VT_PG_BIN=$bin
  export VT_PG_ADMIN="Host=127.0.0.1;Port=$port;Username=vt_admin;Password=$pw;Database=postgres"
  _vt_log "PostgreSQL $name ready on 127.0.0.1:$port"
}

# NAME of the instance that vt_pg_start last started on PORT.
_vt_pg_name_for_port() {
  local port=$1 f
  for f in "$VT_LOCAL_DIR"/*/pg-port; do
    if [[ -f $f && $(<"$f") == "$port" ]]; then
      basename "$(dirname "$f")"
      return 0
    fi
  done
  return 1
}

vt_pg_create_service_db() {
  local port=${1:-} svc=${2:-} name root state pw
  if [[ -z $port || -z $svc ]]; then
    _vt_err "usage: vt_pg_create_service_db PORT SERVICE"
    return 1
  fi
  if [[ ! $svc =~ ^[a-z][a-z0-9_]{0,62}$ || $svc == postgres || $svc == vt_admin || $svc == template[01] ]]; then
    _vt_err "invalid service name '$svc'"
    return 1
  fi
  name=$(_vt_pg_name_for_port "$port") || {
    _vt_err "no PostgreSQL started with vt_pg_start on port $port"
    return 1
  }
  root=$(_vt_pg_root_of "$name")
  state=$(_vt_state_dir "$name")
  if [[ -z $root || ! -f $root/data/PG_VERSION ]]; then
    _vt_err "PostgreSQL instance $name has no data directory"
    return 1
  fi
  pw=$(_vt_password_file "$state/pg-svc-$svc.password") || return 1
  # Idempotent: create what is missing, then enforce the attributes and the saved password.
  {
    printf '\\set svc %s\n\\set pw %s\n' "$svc" "$pw"
    cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'svc')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'svc') \gexec
ALTER ROLE :"svc" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'svc', :'svc', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'svc') \gexec
ALTER DATABASE :"svc" OWNER TO :"svc";
REVOKE ALL ON DATABASE :"svc" FROM PUBLIC;
SQL
  } | _vt_pg_psql "$root" "$port" postgres >/dev/null || {
    _vt_err "cannot create role/database $svc on port $port"
    return 1
  }
  # Prove the credentials work the way the service will use them (TCP, scram-sha-256).
  if ! PGPASSWORD=$pw PGCONNECT_TIMEOUT=5 "$(_vt_pg_bin_for_version "$(<"$root/data/PG_VERSION")")/psql" \
    -X -q -h 127.0.0.1 -p "$port" -U "$svc" -d "$svc" -tAc 'SELECT 1' >/dev/null 2>&1; then
    _vt_err "role $svc cannot log in to database $svc on 127.0.0.1:$port"
    return 1
  fi
  _vt_log "database $svc (owner $svc) ready on 127.0.0.1:$port"
  printf '%s\n' "Host=127.0.0.1;Port=$port;Username=$svc;Password=$pw;Database=$svc;Max Auto Prepare=20"
}

vt_pg_stop() {
  local name=${1:-} root bin user ver
  if [[ -z $name ]]; then
    _vt_err "usage: vt_pg_stop NAME"
    return 1
  fi
  root=$(_vt_pg_root_of "$name")
  [[ -n $root && -f $root/data/PG_VERSION ]] || return 0
  _vt_pg_running_port "$root" >/dev/null 2>&1 || return 0
  ver=$(<"$root/data/PG_VERSION")
  bin=$(_vt_pg_bin_for_version "$ver") || return 1
  user=$(_vt_pg_owner "$root") || return 1
  _vt_log "stopping PostgreSQL $name"
  if ! _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" -m fast -w -t 30 -s stop >&2; then
    _vt_log "fast shutdown of PostgreSQL $name timed out; using immediate"
    _vt_as_user "$user" "$bin/pg_ctl" -D "$root/data" -m immediate -w -t 30 -s stop >&2 || return 1
  fi
}

# Stop NAME and delete its cluster and saved PostgreSQL passwords (fresh start next time).
vt_pg_destroy() {
  local name=${1:-} root state
  if [[ -z $name ]]; then
    _vt_err "usage: vt_pg_destroy NAME"
    return 1
  fi
  _vt_valid_name "$name" || return 1
  vt_pg_stop "$name" || return 1
  state=$(_vt_state_dir "$name")
  root=$(_vt_pg_root_of "$name")
  if [[ -n $root ]]; then
    if [[ $root == "$state/pg" || $root == /tmp/vt-pg-"$name".* ]]; then
      rm -rf -- "$root"
    else
      _vt_log "not deleting unexpected PostgreSQL root $root"
    fi
  fi
  if [[ -d $state/pg ]]; then
    rm -rf -- "$state/pg"
  fi
  rm -f -- "$state/pg-root" "$state/pg-port" "$state/pg-admin.password" "$state"/pg-svc-*.password
}

# ---------------------------------------------------------------------------------------------
# Redis

_vt_redis_ping() {
  local port=$1 reply
  if command -v redis-cli >/dev/null 2>&1; then
    reply=$(timeout 3 redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) || return 1
  else
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "PING\r\n" >&3 && IFS= read -r line <&3 && printf "%s\n" "$line"' _ "$port" 2>/dev/null) || return 1
  fi
  [[ $reply == *PONG* ]]
}

# Prints the pid of NAME's redis-server when it is running.
_vt_redis_pid() {
  local state pid
  state=$(_vt_state_dir "$1")
  [[ -s $state/redis.pid ]] || return 1
  pid=$(<"$state/redis.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == redis-server* ]] || return 1
  printf '%s\n' "$pid"
}

vt_redis_start() {
  local name=${1:-} port=${2:-} state i
  if [[ -z $name || -z $port ]]; then
    _vt_err "usage: vt_redis_start NAME PORT"
    return 1
  fi
  _vt_valid_name "$name" || return 1
  _vt_valid_port "$port" || return 1
  command -v redis-server >/dev/null 2>&1 || {
    _vt_err "redis-server not found (run vt_ensure_servers_installed)"
    return 1
  }
  state=$(_vt_ensure_state_dir "$name") || return 1
  if _vt_redis_pid "$name" >/dev/null; then
    if [[ -s $state/redis.port && $(<"$state/redis.port") == "$port" ]] && _vt_redis_ping "$port"; then
      _vt_log "Redis $name already running on 127.0.0.1:$port"
      export VT_REDIS="127.0.0.1:$port"
      return 0
    fi
    vt_redis_stop "$name" || return 1
  fi
  if _vt_port_in_use "$port"; then
    _vt_err "port 127.0.0.1:$port is already in use by another process"
    return 1
  fi
  rm -f -- "$state/redis.pid"
  printf '%s\n' "$port" >"$state/redis.port"
  _vt_log "starting Redis $name on 127.0.0.1:$port (no persistence; log $state/redis.log)"
  redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --daemonize yes \
    --save "" --appendonly no --dir "$state" \
    --pidfile "$state/redis.pid" --logfile "$state/redis.log" </dev/null >&2 || {
    _vt_err "redis-server failed to start; see $state/redis.log"
    return 1
  }
  for ((i = 0; i < 100; i++)); do
    if _vt_redis_ping "$port" && [[ -s $state/redis.pid ]]; then
      export VT_REDIS="127.0.0.1:$port"
      _vt_log "Redis $name ready on 127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  _vt_err "Redis $name not answering PING on 127.0.0.1:$port after 10 s; last lines of $state/redis.log:"
  tail -n 20 "$state/redis.log" >&2 2>/dev/null || true
  return 1
}

vt_redis_stop() {
  local name=${1:-} state pid i
  if [[ -z $name ]]; then
    _vt_err "usage: vt_redis_stop NAME"
    return 1
  fi
  state=$(_vt_state_dir "$name")
  if pid=$(_vt_redis_pid "$name"); then
    _vt_log "stopping Redis $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      _vt_log "Redis $name did not stop in 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f -- "$state/redis.pid"
}

# ---------------------------------------------------------------------------------------------
# HTTP readiness

# vt_wait_http_ready URL [SECONDS] — polls URL (2 s per try) until it answers 2xx; fails after SECONDS (default 180).
vt_wait_http_ready() {
  local url=$1 deadline=$((SECONDS + ${2:-180}))
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    ((SECONDS < deadline)) || { echo "not ready: $url" >&2; return 1; }
    sleep 0.5
  done
}
