"""Rule-set pages in the app (under /rules/): what changed between versions, and the rule
administrators' editor. Django admin stays a superuser's raw view of the tables."""
