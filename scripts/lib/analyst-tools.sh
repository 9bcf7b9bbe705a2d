# Debian packages of the analyst test tier: the run report rendered in headless Chromium, the notebooks executed by
# nbconvert (pandas, matplotlib, the ipykernel). Sourced by scripts/test: installs what is missing where it can (root
# with apt-get, as in CI) and otherwise says which checks will be skipped and why; never silently.
analyst_packages=(chromium jupyter-nbconvert python3-pandas python3-matplotlib python3-ipykernel python3-nbformat)

analyst_missing() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v jupyter-nbconvert >/dev/null 2>&1 || missing+=(jupyter-nbconvert python3-nbformat)
  /usr/bin/python3 -c 'import pandas, matplotlib, ipykernel' >/dev/null 2>&1 || missing+=(python3-pandas python3-matplotlib python3-ipykernel)
  echo "${missing[@]}"
}

ensure_analyst_tools() {
  local missing
  missing=$(analyst_missing)
  if [[ -z "$missing" ]]; then
    echo "analyst tier: chromium, nbconvert, pandas and matplotlib present" >&2
    return 0
  fi
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "analyst tier: installing $missing (apt-get)" >&2
    if (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
          ${missing} fonts-dejavu-core) >/tmp/neurosweep-analyst-apt.log 2>&1; then
      return 0
    fi
    echo "analyst tier: apt-get failed (see /tmp/neurosweep-analyst-apt.log)" >&2
  fi
  echo "analyst tier: SKIPPED for what needs $(analyst_missing): not installed, and this is not root with apt-get" \
       "(install: apt-get install ${analyst_packages[*]})" >&2
}
