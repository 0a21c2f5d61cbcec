"""HTML pages of the agent workspace: thin views over tickets.services and tickets.selectors."""
