"""Targeting: programmes' eligibility declared in pipelines/targeting/ -> coverage tables (leakage and
under-coverage) and confidential outreach lists."""

from cbms.targeting.coverage import CoverageReport, compute_coverage
from cbms.targeting.lists import WrittenList, write_list
from cbms.targeting.log import ListRecord, list_log
from cbms.targeting.outputs import write_coverage_files
from cbms.targeting.rules import Rule, Targeting, load_rule, load_targeting

__all__ = ["CoverageReport", "ListRecord", "Rule", "Targeting", "WrittenList", "compute_coverage", "list_log",
           "load_rule", "load_targeting", "write_coverage_files", "write_list"]
