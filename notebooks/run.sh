#!/usr/bin/env bash
# Execute the notebooks headless, in reading order; a notebook fails on its first cell error (CI runs
# this through test/notebooks/notebooks.test.ts). The executed copies go to a temporary folder: the
# notebooks in the repository keep no outputs.
#
#   bash notebooks/run.sh                 run every notebook (a01-*.ipynb, a02-*.ipynb, ...)
#   bash notebooks/run.sh a03-new-user-study.ipynb     run some of them
#   bash notebooks/run.sh --keep DIR      keep the executed notebooks in DIR
#   bash notebooks/run.sh --install       register the 'cohorte' kernel for Jupyter Lab / Notebook, then exit
#
# Needs Debian's Jupyter (apt-get install python3-nbconvert python3-nbclient python3-ipykernel; run
# with /usr/bin/python3, not another python3 on PATH) and `npm ci` (tslab is a dev dependency).
# The kernel 'cohorte' is tslab with the toolkit's public API preloaded (notebooks/kernel/): this
# script makes Jupyter find it through JUPYTER_PATH, so nothing needs registering for a headless run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python=/usr/bin/python3
export PATH="$root/node_modules/.bin:$PATH"
export TZ=UTC
export JUPYTER_PATH="$here/kernel${JUPYTER_PATH:+:$JUPYTER_PATH}"

keep=""
install=0
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep="$2"; shift 2 ;;
    --install) install=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) selected+=("$1"); shift ;;
  esac
done

if ! "$python" -c 'import nbconvert, nbclient, ipykernel' 2>/dev/null; then
  echo "notebooks/run.sh: Jupyter is missing from $python: apt-get install -y python3-nbconvert python3-nbclient python3-ipykernel" >&2
  exit 1
fi
if [ ! -f "$root/node_modules/tslab/bin/tslab" ]; then
  echo "notebooks/run.sh: tslab is missing: run npm ci" >&2
  exit 1
fi

if [ "$install" = 1 ]; then
  # For interactive use: copy the kernel spec into the user's Jupyter kernels (replacing an older copy).
  "$python" -c 'import sys; from jupyter_client.kernelspec import KernelSpecManager as K; print(K().install_kernel_spec(sys.argv[1], "cohorte", user=True, replace=True))' "$here/kernel/kernels/cohorte"
  echo "kernel 'cohorte' registered; open the notebooks from notebooks/ (the kernel starts in the notebook's folder)."
  exit 0
fi

if [ ${#selected[@]} -eq 0 ]; then
  mapfile -t selected < <(cd "$here" && ls [a-z][0-9][0-9]-*.ipynb | sort)
fi
out="${keep:-$(mktemp -d "${TMPDIR:-/tmp}/cohorte-notebooks-XXXXXX")}"
mkdir -p "$out"

failed=0
total_start=$(date +%s)
for nb in "${selected[@]}"; do
  nb="$(basename "$nb")"
  start=$(date +%s)
  log="$out/${nb%.ipynb}.log"
  if "$python" - "$here/$nb" "$out/$nb" >"$log" 2>&1 <<'PY'
# nbclient, the executor behind `nbconvert --execute` (same timeout and kernel), called directly so
# that a failure shows the failing cell's output: tslab reports errors on stderr, with an empty
# error reply that nbconvert would print as '<Error>:'.
import os, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
src, dst = sys.argv[1], sys.argv[2]
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, timeout=600, kernel_name='cohorte', resources={'metadata': {'path': os.path.dirname(src)}})
try:
    client.execute()
except CellExecutionError:
    cell = next(c for c in reversed(nb.cells) if c.cell_type == 'code' and c.get('outputs') is not None and c.get('execution_count'))
    print('failing cell:\n' + cell.source + '\n--- its output ---')
    for o in cell.outputs:
        if o.output_type == 'stream':
            print(o.text, end='')
        elif o.output_type == 'error':
            print(o.ename + ': ' + o.evalue)
    sys.exit(1)
finally:
    nbformat.write(nb, dst)
PY
  then
    echo "ok      $nb ($(( $(date +%s) - start )) s)"
  else
    echo "FAILED  $nb ($(( $(date +%s) - start )) s)"
    sed -n '/^failing cell:/,$p' "$log" | head -80 >&2
    grep -q '^failing cell:' "$log" || tail -30 "$log" >&2
    failed=$((failed + 1))
  fi
done
echo "${#selected[@]} notebooks in $(( $(date +%s) - total_start )) s${keep:+, executed copies in $out}"
[ -z "$keep" ] && rm -rf "$out"
echo "notebooks: $(( ${#selected[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
