"""Gender-responsive budgeting: the needs the census found (pipelines/budget/needs.yaml) set against the round's
budget, with the declared rules (pipelines/budget/rules.yaml) -> budget.parquet and the tables beside it."""

from cbms.budget.compute import BudgetTables
from cbms.budget.publish import published
from cbms.budget.stage import BudgetInputs, BudgetRun, budget_tables, check_budget, run_budget

__all__ = ["BudgetInputs", "BudgetRun", "BudgetTables", "budget_tables", "check_budget", "published", "run_budget"]
