"""The instance-constants table (:mod:`gnsverify.instance_constants`): per flagship case,
the paper's and the instance's ``pi(g0)``, ``K(eps)``, theory-step progress and median
``gamma/pi``; in the terminal, REPORT.md and summary.json (``"instance_constants"``)."""
from __future__ import annotations

from gnsverify.report.format import fmt, jsonable, markdown_table, text_table

COLUMNS = ("case", "constants", "error model", "pi(g0)", "K(eps)", "theory step: iterations",
           "best relative", "median gamma/pi", "targets", "verdict")


def _model(r, label):
    if label == "paper":
        return "paper"
    e = r["error_model"]
    if r.get("chosen") == "paper":
        return "paper's (no instance model beat it)"
    if r.get("chosen") == "paper error model":
        return "paper's error model, instance class constant"
    parts = [f"C1 = {fmt(e['C1'], 3)}"] if e["C1"] else []
    if e["C2"]:
        parts.append(f"C2 = {fmt(e['C2'], 3)}, beta = {fmt(e['beta'], 2)}")
    return ", ".join(parts) or "0"


def _body(rows: list[dict]) -> list[list]:
    body = []
    for r in rows:
        for label in ("paper", "instance"):
            d = r[label]
            it = d["theory_iterations"]
            body.append([
                r["case"] if label == "paper" else "", label, _model(r, label), fmt(d["pi_g0"], 3),
                "n/a" if d["K"] is None else fmt(d["K"], 3),
                f"{it} of {r['budget']}" if it is not None else f"> {r['budget']}",
                fmt(d["theory_best"], 3),
                "n/a" if d["median_gamma_over_pi"] is None else fmt(d["median_gamma_over_pi"], 3),
                ("met" if r["targets_met"] else "missed") if label == "instance" else "",
                r["verdict"] if label == "instance" else ""])
    return body


def table(result: dict, fmt_name: str = "text") -> str:
    return (markdown_table if fmt_name == "md" else text_table)(list(COLUMNS), _body(result["rows"]))


def summary(result: dict | None) -> list | None:
    return None if not result else jsonable(result["rows"])


def section(result: dict | None) -> str:
    if not result:
        return ""
    t = result["targets"]
    lines = ["## Instance-certified constants beside the paper's", "",
             "The paper's error models are worst cases over all data. For each flagship case the "
             "error `||H(x) - hess f(x)||` is measured along a pilot run (adaptive search), an "
             "instance error model covering it (times 1.25) is composed with the case's class, "
             "the theory step is run with it for at most 10x the pilot's iterations, and the model "
             "is certified at every iterate of that run (docs/theory.md 5.6). `best relative`: "
             "the smallest relative gap (or gradient) the theory step reached; `median gamma/pi`: "
             "at iterates of the instance run, `gamma` by the numerical estimator (an upper "
             "estimate). Targets: median at most "
             f"{fmt(t['median_gamma_over_pi'])} and the relative target reached within "
             f"{t['iterations_factor']}x the pilot's iterations.", "",
             table(result, "md"), ""]
    return "\n".join(lines)
