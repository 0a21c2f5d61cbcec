"""The assistant: answers customers in the messaging apps by rules, in their language, and hands
over to a person (see service.py)."""
