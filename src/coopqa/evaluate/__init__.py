"""Measuring the answers: eval sets, scoring, runs, results, reports and the regression gate."""
