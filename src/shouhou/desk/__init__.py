"""The service desk (issue 20): every channel into one queue, service levels on a Chinese business
calendar, teams and routing, scripted replies and a knowledge base. docs/desk.md."""
