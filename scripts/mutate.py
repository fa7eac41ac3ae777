"""Mutation testing of the rule modules with mutmut (see docs/testing.md).

    .venv/bin/python scripts/mutate.py                       # every rule module
    .venv/bin/python scripts/mutate.py promises/policy.py    # some of them
    .venv/bin/python scripts/mutate.py --changed origin/main # those a change touches

Each module is mutated on its own, in a copy of the project under var/mutation/<module>/,
and mutmut runs each mutant against only the tests (of the module's own tests, listed in
RULE_MODULES) that executed the mutated function in a first, recorded run. The driver
prints a score table (killed / survived / timeout / score, equivalents left out), lists
every survivor with file:line and the mutation, and exits 1 if a module scores below the
floor. Equivalent mutants (which cannot change behaviour) are listed once, with the reason,
in mutation-equivalents.toml.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = 90.0
EQUIVALENTS = ROOT / "mutation-equivalents.toml"

# The rule modules and the tests that prove their rules. mutmut narrows these down, for
# each mutant, to the tests that ran the mutated function.
RULE_MODULES: dict[str, list[str]] = {
    "promises/services.py": ["promises/tests", "repairs/tests/test_flow.py", "complaints/tests"],
    "promises/policy.py": [
        "promises/tests",
        "repairs/tests/test_flow.py",
        "complaints/tests",
        "base/tests/test_remembered.py",
    ],
    "tickets/workflow.py": [
        "tickets/tests/test_workflow_rules.py",
        "tickets/tests/test_versions.py",
        "tickets/tests/test_kinds.py",
        "tickets/tests/test_plugin_kind.py",
        "tickets/tests/test_api.py",
        "promises/tests/test_edges.py",
    ],
    "people/access.py": [
        "people/tests",
        "tickets/tests/test_scoping.py",
        "tickets/tests/test_session_auth.py",
        "base/tests/test_remembered.py",
        "settlement/tests/test_charge.py",
        "settlement/tests/test_reconcile.py",
        "duty/tests/test_duty.py",
    ],
    "complaints/services.py": ["complaints/tests", "promises/tests/test_one_source.py"],
    "complaints/workflow.py": ["complaints/tests"],
    "followups/services.py": ["followups/tests"],
    "followups/review.py": ["followups/tests/test_review.py", "followups/tests/test_review_rules.py"],
    "repairs/services.py": ["repairs/tests"],
    "repairs/workflow.py": ["repairs/tests"],
    "assistance/services.py": ["assistance/tests"],
    "assistance/workflow.py": ["assistance/tests"],
    "reports/selectors.py": [
        "reports/tests/test_monthly_pack.py",
        "reports/tests/test_tallies.py",
        "reports/tests/test_pack_rules.py",
    ],
    "notify/services.py": [
        "notify/tests/test_channels.py",
        "notify/tests/test_moments.py",
        "notify/tests/test_notice_rules.py",
    ],
    "notify/outbox.py": [
        "notify/tests/test_channels.py",
        "notify/tests/test_worker_crash.py",
        "notify/tests/test_outbox_rules.py",
    ],
    "portal/signin.py": ["residents/tests", "portal/tests/test_portal.py"],
    "residents/services.py": ["residents/tests", "portal/tests/test_portal.py", "portal/tests/test_matters.py"],
    "records/archive.py": [
        "records/tests/test_archive.py",
        "records/tests/test_edges.py",
        "records/tests/test_archive_rules.py",
    ],
    "records/keys.py": [
        "records/tests/test_keys.py",
        "records/tests/test_edges.py",
        "records/tests/test_keys_rules.py",
    ],
    "settlement/services.py": [
        "settlement/tests/test_charge.py",
        "settlement/tests/test_fees.py",
        "settlement/tests/test_reconcile.py",
        "settlement/tests/test_settlement_rules.py",
    ],
    "repairs/fees.py": ["settlement/tests/test_fees.py", "repairs/tests"],
    "duty/services.py": ["duty/tests/test_duty.py", "duty/tests/test_duty_rules.py"],
    "estates/hours.py": ["duty/tests/test_duty.py", "duty/tests/test_hours.py"],
}

# What a copy of the project needs besides the Python packages.
ALSO_COPY = ["conftest.py", "manage.py", "templates", "static", "locale", "docs", "README.md", "Makefile"]
KILLED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass
class Mutant:
    name: str
    status: str
    line: int
    original: str
    mutated: str
    function: str


@dataclass
class Result:
    module: str
    mutants: list[Mutant] = field(default_factory=list)
    equivalent: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, *statuses: str) -> int:
        return sum(1 for m in self.mutants if m.status in statuses)

    @property
    def killed(self) -> int:
        return self.count("killed", "caught by type check", "segfault")

    @property
    def timeout(self) -> int:
        return self.count("timeout")

    @property
    def survivors(self) -> list[Mutant]:
        return [m for m in self.mutants if m.status not in KILLED]

    @property
    def score(self) -> float:
        return 100.0 * (len(self.mutants) - len(self.survivors)) / len(self.mutants) if self.mutants else 100.0


def equivalents() -> list[dict[str, str]]:
    if not EQUIVALENTS.exists():
        return []
    return tomllib.loads(EQUIVALENTS.read_text("utf-8")).get("equivalent", [])


def is_equivalent(module: str, m: Mutant, known: list[dict[str, str]]) -> bool:
    return any(
        e["module"] == module
        and e.get("function", m.function) == m.function
        and e["original"].strip() == m.original
        and (e["mutated"].strip() == m.mutated or e["mutated"] == "*")
        for e in known
    )


def packages() -> list[str]:
    return sorted(
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"bench"}
    )


def workspace(module: str, tests: list[str], workers: int) -> Path:
    """A fresh directory whose mutants/ holds the copy mutmut works in."""
    here = ROOT / "var" / "mutation" / module.replace("/", "-").removesuffix(".py")
    if here.exists():
        shutil.rmtree(here)
    here.mkdir(parents=True)
    names = packages() + ALSO_COPY
    package = module.split("/")[0]
    for name in names:
        if name == package:  # a copy, with the module's atomic functions made mutable
            shutil.copytree(ROOT / name, here / name, ignore=shutil.ignore_patterns("__pycache__"))
            (here / module).write_text(unwrap_atomic((ROOT / module).read_text("utf-8")), "utf-8")
        else:
            (here / name).symlink_to(ROOT / name)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    pytest_ini = project["tool"]["pytest"]["ini_options"]
    lines = ["[tool.pytest.ini_options]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in pytest_ini.items()]
    mutmut = {
        "source_paths": packages(),
        "also_copy": ALSO_COPY,
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "--no-cov", "--reuse-db", "-o", "log_level=ERROR"],
        "use_git_change_detection": False,
        "track_dependencies": False,
        "timeout_multiplier": 10.0,
        "timeout_constant": 30.0,
    }
    lines += ["", "[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in mutmut.items()]
    (here / "pyproject.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return here


def unwrap_atomic(source: str) -> str:
    """mutmut leaves decorated functions alone, and the services' actions are
    ``@transaction.atomic``: rewrite each top-level one as the same function whose body
    runs ``with transaction.atomic():`` (what the decorator does), so it is mutated too.
    A function with a multi-line string in its body (whose text re-indenting would
    change) is left as it is."""
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, int]] = []  # (decorator line, first body line, last line), 1-based
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or len(node.decorator_list) != 1:
            continue
        deco = node.decorator_list[0]
        if not (isinstance(deco, ast.Attribute) and ast.unparse(deco) == "transaction.atomic"):
            continue
        body = node.body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1:
            body = body[1:]  # the docstring stays the function's own
        strings = [n for b in body for n in ast.walk(b) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        if any((n.end_lineno or n.lineno) > n.lineno for n in strings):
            continue
        edits.append((deco.lineno, body[0].lineno, node.end_lineno or node.lineno))
    for deco_line, first, last in reversed(edits):
        indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
        for i in range(first - 1, last):
            if lines[i].strip():
                lines[i] = "    " + lines[i]
        lines.insert(first - 1, f"{indent}with transaction.atomic():\n")
        del lines[deco_line - 1]
    return "".join(lines)


def function_lines(source: str) -> dict[str, tuple[int, int]]:
    """{"name" or "Class.name": (first line, last line)} of the module's functions."""
    found: dict[str, tuple[int, int]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{item.name}"] = (item.lineno, item.end_lineno or item.lineno)
    return found


def function_of(name: str) -> str:
    """mutmut's key "promises.services.x_sweep__mutmut_3" -> "sweep";
    "...xǁLimitǁdue__mutmut_1" -> "Limit.due"."""
    base = name.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
    if base.startswith("xǁ"):
        _, cls, fn = base.split("ǁ")
        return f"{cls}.{fn}"
    return base.removeprefix("x_")


def read_results(here: Path, module: str) -> list[Mutant]:
    """The verdicts mutmut left in mutants/<module>.meta, with the line and the mutation."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    source = (ROOT / module).read_text("utf-8")
    lines = source.splitlines()
    spans = function_lines(source)
    meta = json.loads((here / "mutants" / (module + ".meta")).read_text("utf-8"))
    found = []
    cwd = os.getcwd()
    os.chdir(here)
    try:
        for name, code in sorted(meta["exit_code_by_key"].items(), key=lambda kv: natural(kv[0])):
            status = status_by_exit_code[code]
            fn = function_of(name)
            original = mutated = ""
            line = spans.get(fn, (0, 0))[0]
            if status not in KILLED:
                diff = get_diff_for_mutant(name, path=module).splitlines()[2:]
                removed = [d[1:] for d in diff if d.startswith("-")]
                added = [d[1:] for d in diff if d.startswith("+")]
                original = " / ".join(r.strip() for r in removed)
                mutated = " / ".join(a.strip() for a in added)
                first, last = spans.get(fn, (1, len(lines)))
                for number in range(first, last + 1):
                    if removed and lines[number - 1].strip() == removed[0].strip():
                        line = number
                        break
            found.append(Mutant(name, status, line, original, mutated, fn))
    finally:
        os.chdir(cwd)
    return found


def natural(name: str) -> tuple[str, int]:
    base, _, n = name.rpartition("__mutmut_")
    return base, int(n) if n.isdigit() else 0


def run_module(module: str, workers: int) -> Result:
    tests = RULE_MODULES[module]
    if not function_lines((ROOT / module).read_text("utf-8")):
        # mutmut mutates only inside functions: a module that is one table has nothing to mutate.
        print(f"\n== {module}: no functions, nothing for mutmut to mutate (its table is pinned by its tests)")
        return Result(module)
    here = workspace(module, tests, workers)
    print(f"\n== {module}: mutants against {' '.join(tests)}", flush=True)
    started = time.monotonic()
    env = {**os.environ, "MUTATION_TEST_DB": str(here / "template.sqlite3"), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    log = here / "mutmut.log"
    with log.open("w") as out:
        done = subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "mutmut"), "run", "--max-children", str(workers)],
            cwd=here,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    result = Result(module, seconds=time.monotonic() - started)
    meta = here / "mutants" / (module + ".meta")
    if done.returncode != 0 or not meta.exists():
        print(log.read_text("utf-8", errors="replace")[-4000:])
        raise SystemExit(f"mutmut failed on {module} (exit {done.returncode}); the log is {log}")
    known = equivalents()
    for m in read_results(here, module):
        (result.equivalent if m.status not in KILLED and is_equivalent(module, m, known) else result.mutants).append(m)
    return result


def _git_diff(base: str, *args: str) -> str:
    """``git diff <args> base...HEAD`` (paths after ``--`` in ``args``)."""
    options, paths = (args[: args.index("--")], args[args.index("--") :]) if "--" in args else (args, ())
    return subprocess.run(  # noqa: S603
        ["git", "diff", *options, f"{base}...HEAD", *paths],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def changed_modules(base: str) -> list[str]:
    touched = set(_git_diff(base, "--name-only").split())
    if EQUIVALENTS.name in touched:  # a mutant newly called equivalent is checked like a change to its module
        diff = _git_diff(base, "--", EQUIVALENTS.name)
        touched |= set(re.findall(r'^[+-]module = "([^"]+)"', diff, flags=re.MULTILINE))
    picked = []
    for module, tests in RULE_MODULES.items():
        if module in touched or any(t == f or f.startswith(t.rstrip("/") + "/") for t in tests for f in touched):
            picked.append(module)
    return picked


def report(results: list[Result]) -> bool:
    print("\n| module | mutants | killed | survived | timeout | equivalent | score | minutes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    ok = True
    for r in results:
        flag = "" if r.score >= FLOOR else " (below the floor)"
        ok = ok and r.score >= FLOOR
        print(
            f"| {r.module} | {len(r.mutants)} | {r.killed} | {len(r.survivors)} | {r.timeout} | "
            f"{len(r.equivalent)} | {r.score:.1f} %{flag} | {r.seconds / 60:.1f} |"
        )
    for r in results:
        if r.survivors:
            print(f"\nSurvivors in {r.module}:")
            for m in r.survivors:
                print(f"  {r.module}:{m.line} [{m.function}] {m.status}: {m.original}  ->  {m.mutated or '(deleted)'}")
    print(f"\nFloor {FLOOR:.0f} % per module: {'met' if ok else 'NOT met'}.")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="rule modules (default: all); glob patterns work")
    parser.add_argument("--changed", metavar="REF", help="only the rule modules (or their tests) changed since REF")
    parser.add_argument("--workers", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="print the rule modules and their tests")
    args = parser.parse_args()
    if args.list:
        for module, tests in RULE_MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return 0
    if args.changed:
        modules = changed_modules(args.changed)
        if not modules:
            print(f"No rule module or its tests changed since {args.changed}: nothing to mutate.")
            return 0
    elif args.modules:
        modules = [m for m in RULE_MODULES if any(fnmatch.fnmatch(m, p) for p in args.modules)]
        unknown = [p for p in args.modules if not any(fnmatch.fnmatch(m, p) for m in RULE_MODULES)]
        if unknown:
            print(f"Not a rule module: {' '.join(unknown)} (see --list)", file=sys.stderr)
            return 2
    else:
        modules = list(RULE_MODULES)
    results = []
    for module in modules:
        results.append(run_module(module, args.workers))
        report([results[-1]])
    if len(results) > 1:
        report(results)
    return 0 if all(r.score >= FLOOR for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
