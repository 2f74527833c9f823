#!/usr/bin/env python3
"""Fails when the crate's modules import each other in a loop: the top-level modules, and the
files inside each core module folder (`http/failure.rs` <-> `http/response.rs`).

Reads every `crate::<module>` path outside comments and `#[cfg(test)]` blocks, builds the
graph of top-level modules (src/<module>.rs or src/<module>/), prints it, and exits 1 on a
cycle. The packs under src/skills may use any core module; no core module may use a pack.
"""
import collections
import pathlib
import re
import sys

src = pathlib.Path(__file__).resolve().parent.parent / "src"
modules = sorted(
    p.stem if p.is_file() else p.name
    for p in src.iterdir()
    if (p.suffix == ".rs" and p.stem not in ("lib", "testing")) or p.is_dir()
)
deps = collections.defaultdict(set)
for path in src.rglob("*.rs"):
    top = path.relative_to(src).parts[0].removesuffix(".rs")
    if top not in modules:
        continue
    text = path.read_text()
    cut = text.find("#[cfg(test)]")
    if cut >= 0:
        text = text[:cut]
    for line in text.splitlines():
        if line.strip().startswith("//"):
            continue
        for match in re.finditer(r"crate::(\w+)", line):
            if match.group(1) != top and match.group(1) in modules:
                deps[top].add(match.group(1))

for module in modules:
    print(f"{module:10} -> {', '.join(sorted(deps[module])) or '-'}")
bad = [m for m in modules if m != "skills" and "skills" in deps[m]]
if bad:
    print(f"core modules that use a pack: {bad}")
    sys.exit(1)
state = {}
cycles = []


def visit(node, stack):
    state[node] = "open"
    stack.append(node)
    for nxt in sorted(deps[node]):
        if state.get(nxt) == "open":
            cycles.append(stack[stack.index(nxt):] + [nxt])
        elif nxt not in state:
            visit(nxt, stack)
    stack.pop()
    state[node] = "done"


for module in modules:
    if module not in state:
        visit(module, [])

# Inside each core module folder: its files (or sub-folders), linked by `super::x` (from a
# direct child) and `crate::<module>::x` paths.
for folder in sorted(p for p in src.iterdir() if p.is_dir() and p.name not in ("bin", "skills")):
    children = sorted(
        c.stem if c.is_file() else c.name
        for c in folder.iterdir()
        if (c.suffix == ".rs" and c.stem != "mod") or c.is_dir()
    )
    inner = collections.defaultdict(set)
    for path in folder.rglob("*.rs"):
        part = path.relative_to(folder).parts[0].removesuffix(".rs")
        if part not in children:
            continue
        direct = len(path.relative_to(folder).parts) == 1
        text = path.read_text()
        cut = text.find("#[cfg(test)]")
        if cut >= 0:
            text = text[:cut]
        for line in text.splitlines():
            if line.strip().startswith("//"):
                continue
            refs = [m.group(1) for m in re.finditer(rf"crate::{folder.name}::(\w+)", line)]
            if direct:
                refs += [m.group(1) for m in re.finditer(r"\bsuper::(\w+)", line)]
                refs += [m.group(1) for m in re.finditer(r"\bsuper::\{([^}]*)\}", line)]
            for ref in refs:
                for name in re.findall(r"\w+", ref):
                    if name != part and name in children:
                        inner[part].add(name)
    state.clear()
    before = len(cycles)

    def visit_inner(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(inner[node]):
            if state.get(nxt) == "open":
                cycles.append([f"{folder.name}/{n}" for n in stack[stack.index(nxt):] + [nxt]])
            elif nxt not in state:
                visit_inner(nxt, stack)
        stack.pop()
        state[node] = "done"

    for child in children:
        if child not in state:
            visit_inner(child, [])

if cycles:
    for cycle in cycles:
        print("import loop:", " -> ".join(cycle))
    sys.exit(1)
print("no import loops")

# The core names no pack: outside src/skills (the binaries are under bins/), no Theta or elizaOS Cloud name,
# in code, comments and doc examples alike (doc examples use the crate's own name, `skill_runtime`).
named = []
for path in src.rglob("*"):
    rel = path.relative_to(src)
    if not path.is_file() or rel.parts[0] == "skills":
        continue
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        if re.search(r"theta|eliza", line, re.I):
            named.append(f"src/{rel}:{number}: {line.strip()[:100]}")
if named:
    print("the core names a pack:")
    print("\n".join(named))
    sys.exit(1)
print("the core names no pack")
