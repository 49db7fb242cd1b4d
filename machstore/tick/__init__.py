"""TICKscript: Kapacitor's task language (lambdas compiled to column evaluators live here)."""
