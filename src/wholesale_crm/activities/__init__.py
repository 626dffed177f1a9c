"""Activities and follow-ups: interactions, timelines, tasks, cadences, call plans, day views."""
